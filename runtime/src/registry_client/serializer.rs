//! [`Serializer`]: a value of an [`AvroMessage`] type to a Confluent frame, its schema
//! registered (or looked up) once per subject.

use super::client::RegistryClient;
use super::error::RegistryError;
use super::subject::SubjectNameStrategy;
use crate::error::EncodeError;
use crate::message::AvroMessage;
use crate::wire;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{OnceLock, RwLock};
use thiserror::Error;

/// Which id a serializer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdSource {
    /// Register `T`'s schema on first use (the registry returns the existing id when it
    /// has it): the default, as Confluent's serializers.
    #[default]
    AutoRegister,
    /// Look `T`'s schema up under the subject and fail when it is not registered (for
    /// deployments whose CI registers schemas).
    LookupOnly,
    /// Always this id (the caller vouches that it names `T`'s schema).
    Fixed(u32),
}

/// Why a value could not be serialized.
#[derive(Debug, Error)]
pub enum SerializeError {
    /// The registry did not give an id for the schema.
    #[error("cannot get a schema id for subject {subject}: {source}")]
    Registry {
        /// The subject.
        subject: String,
        /// The registry's error.
        source: RegistryError,
    },
    /// The strategy cannot name a subject for the type (a union under RecordName).
    #[error("the {strategy:?} subject strategy needs a named type; this one is a union")]
    NoSubject {
        /// The strategy.
        strategy: SubjectNameStrategy,
    },
    /// The value does not fit its schema.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

impl SerializeError {
    /// Whether trying again later may succeed (the registry was unreachable or failing,
    /// e.g. a new schema while it is down); a refused schema or a bad value will not.
    pub fn is_retriable(&self) -> bool {
        matches!(self, Self::Registry { source, .. } if source.is_retriable())
    }
}

/// Writes values of `T` as Confluent frames for a topic's keys or values.
///
/// The id of each subject is remembered after the first call, so the steady state costs a
/// read lock and a hash lookup by topic on top of the encoding.
pub struct Serializer<T> {
    client: RegistryClient,
    strategy: SubjectNameStrategy,
    is_key: bool,
    ids: IdSource,
    normalize: bool,
    /// topic → id, so the hot path neither builds the subject nor copies the schema text.
    known: RwLock<HashMap<String, u32>>,
    /// The first topic resolved and its id, read without a lock: most serializers write
    /// one topic, and this keeps their steady state to an atomic load and a compare.
    first: OnceLock<(String, u32)>,
    _type: PhantomData<fn(&T)>,
}

impl<T> std::fmt::Debug for Serializer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serializer")
            .field("client", &self.client)
            .field("strategy", &self.strategy)
            .field("is_key", &self.is_key)
            .field("ids", &self.ids)
            .finish_non_exhaustive()
    }
}

impl<T: AvroMessage> Serializer<T> {
    /// A value serializer: TopicName subjects (`<topic>-value`), auto-registering.
    pub fn new(client: RegistryClient) -> Self {
        Self {
            client,
            strategy: SubjectNameStrategy::TopicName,
            is_key: false,
            ids: IdSource::AutoRegister,
            normalize: false,
            known: RwLock::new(HashMap::new()),
            first: OnceLock::new(),
            _type: PhantomData,
        }
    }

    /// For keys (`<topic>-key` under TopicName) instead of values.
    pub fn for_keys(mut self) -> Self {
        self.is_key = true;
        self
    }

    /// With another subject name strategy.
    pub fn with_strategy(mut self, strategy: SubjectNameStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// With another source of ids.
    pub fn with_ids(mut self, ids: IdSource) -> Self {
        self.ids = ids;
        self
    }

    /// Asking the registry to normalise the schema when registering or looking up.
    pub fn normalizing(mut self, normalize: bool) -> Self {
        self.normalize = normalize;
        self
    }

    /// The subject `T`'s schema goes under for `topic`.
    pub fn subject(&self, topic: &str) -> Result<String, SerializeError> {
        self.strategy
            .subject(topic, self.is_key, T::FULL_NAME)
            .ok_or(SerializeError::NoSubject {
                strategy: self.strategy,
            })
    }

    /// The id written for `topic`: remembered, or asked of the registry (through the
    /// client's shared cache) once.
    pub fn schema_id(&self, topic: &str) -> Result<u32, SerializeError> {
        if let IdSource::Fixed(id) = self.ids {
            return Ok(id);
        }
        if let Some((first, id)) = self.first.get()
            && first == topic
        {
            return Ok(*id);
        }
        if let Some(id) = self.known.read().ok().and_then(|known| known.get(topic).copied()) {
            return Ok(id);
        }
        let subject = self.subject(topic)?;
        let schema = T::schema_json();
        let id = match self.ids {
            IdSource::LookupOnly => self.client.cached_lookup(&subject, schema, self.normalize),
            _ => self.client.cached_register(&subject, schema, self.normalize),
        }
        .map_err(|source| SerializeError::Registry { subject, source })?;
        // A topic's id never changes here (as in `known`), so whichever topic comes
        // first may take the lock-free slot.
        let _ = self.first.set((topic.to_owned(), id));
        if let Ok(mut known) = self.known.write() {
            known.insert(topic.to_owned(), id);
        }
        Ok(id)
    }

    /// `value` as a Confluent frame for `topic`.
    pub fn serialize(&self, topic: &str, value: &T) -> Result<Vec<u8>, SerializeError> {
        let id = self.schema_id(topic)?;
        let mut out = Vec::new();
        wire::write_header(id, &mut out);
        value.encode_to(&mut out)?;
        Ok(out)
    }
}
