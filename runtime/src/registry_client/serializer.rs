//! [`Serializer`]: a value of an [`AvroMessage`](crate::AvroMessage) type (or of one of a
//! topic's several value types, [`TopicValue`]) to a Confluent frame, its schema id
//! found once per topic (registered, looked up, the latest version, or fixed).

use super::access::RegistryAccess;
use super::blocking::BlockingRegistryClient;
use super::client::RegistryClient;
use super::error::RegistryError;
use super::quick::Quick;
use super::rest::{Normalize, SubjectVersion};
use super::subject::{RecordPart, SubjectNameStrategy};
use crate::error::EncodeError;
use crate::schema::Schema;
use crate::topic_value::TopicValue;
use crate::wire;
use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, RwLock};
use std::time::Instant;
use thiserror::Error;

/// Which id a serializer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum IdSource {
    /// Register `T`'s schema on first use (the registry returns the existing id when it
    /// has it): the default, as Confluent's serializers.
    #[default]
    AutoRegister,
    /// Look `T`'s schema up under the subject and fail when it is not registered (for
    /// deployments whose CI registers schemas).
    LookupOnly,
    /// The id of the subject's latest version, asked again once the client's
    /// latest-version time to live has passed (a new latest version is picked up within
    /// twice that time). The latest version must be `T`'s own schema (the same Parsing
    /// Canonical Form, so the same binary layout): `T`'s codec writes `T`'s layout, and a
    /// frame naming another schema would be garbage to its readers, so any other latest
    /// version is refused with [`SerializeError::LatestIsNotOurs`]. Useful where schemas
    /// are registered by other tools, in a text the lookup would not match.
    Latest,
    /// Always this id (the caller vouches that it names `T`'s schema).
    Fixed(u32),
}

/// Why a value could not be serialized.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SerializeError {
    /// The registry did not give an id for the schema.
    #[error("cannot get a schema id for subject {subject}: {source}")]
    Registry {
        /// The subject.
        subject: String,
        /// The registry's error.
        source: RegistryError,
    },
    /// [`IdSource::Latest`]: the subject's latest version is not `T`'s schema, so `T`'s
    /// bytes would not be valid data of it.
    #[error(
        "the latest version of subject {subject} (version {version}, id {id}) is not the schema of {type_name} \
         ({why}): bytes written by {type_name} would not be valid data of it; register {type_name}'s schema \
         (IdSource::AutoRegister, or `avrokit register`) or serialize with the type of the latest version"
    )]
    LatestIsNotOurs {
        /// The subject.
        subject: String,
        /// The latest version's number.
        version: u32,
        /// The latest version's id.
        id: u32,
        /// The Rust type being serialized.
        type_name: &'static str,
        /// How they differ.
        why: String,
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

/// A topic's id as the serializer remembers it.
#[derive(Debug, Clone, Copy)]
struct Known {
    id: u32,
    /// When to ask again ([`IdSource::Latest`]); `None`: never.
    until: Option<Instant>,
}

/// Writes values of `T` as Confluent frames for a topic's keys or values, through a
/// [`RegistryClient`] (`async` calls, the default) or a [`BlockingRegistryClient`]
/// ([`BlockingSerializer`]).
///
/// The id of each topic is remembered after the first call, so the steady state is the
/// encoding plus an atomic load and a string compare (the first topic) or a read lock
/// and a hash lookup (other topics): no request, no allocation but the output. The
/// `async` calls do that work when called and return a future that completes at its
/// first poll; only a miss boxes a future that waits for the registry. They need
/// `T: Sync` (the value is borrowed by that future, which is `Send`).
pub struct Serializer<T, C = RegistryClient> {
    client: C,
    strategy: SubjectNameStrategy,
    part: RecordPart,
    ids: IdSource,
    normalize: Normalize,
    /// Per value type ([`TopicValue::type_index`]): topic → id, so the hot path neither
    /// builds the subject nor copies the schema text.
    known: Vec<RwLock<HashMap<String, Known>>>,
    /// The first topic resolved and its id, when ids never expire and `T` is one type,
    /// read without a lock: most serializers write one topic.
    first: OnceLock<(String, u32)>,
    /// The largest frame written so far: a new frame's buffer starts that big, so a
    /// kilobyte record is one allocation instead of a doubling series.
    size_hint: AtomicUsize,
    _type: PhantomData<fn(&T)>,
}

/// A [`Serializer`] whose calls block: for code without a tokio runtime.
pub type BlockingSerializer<T> = Serializer<T, BlockingRegistryClient>;

impl<T, C: std::fmt::Debug> std::fmt::Debug for Serializer<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serializer")
            .field("client", &self.client)
            .field("strategy", &self.strategy)
            .field("part", &self.part)
            .field("ids", &self.ids)
            .finish_non_exhaustive()
    }
}

impl<T: TopicValue, C: RegistryAccess> Serializer<T, C> {
    /// A value serializer through `client`: TopicName subjects (`<topic>-value`),
    /// auto-registering. With a [`RegistryClient`] its calls are `async`, with a
    /// [`BlockingRegistryClient`] they block.
    pub fn new(client: C) -> Self {
        Self {
            client,
            strategy: SubjectNameStrategy::TopicName,
            part: RecordPart::Value,
            ids: IdSource::AutoRegister,
            normalize: Normalize::AsSent,
            known: (0..T::TYPES).map(|_| RwLock::default()).collect(),
            first: OnceLock::new(),
            size_hint: AtomicUsize::new(0),
            _type: PhantomData,
        }
    }

    /// For keys (`<topic>-key` under TopicName) instead of values: `for_part(RecordPart::Key)`.
    pub fn for_keys(self) -> Self {
        self.for_part(RecordPart::Key)
    }

    /// For `part` of the records: their keys or their values (the default).
    pub fn for_part(mut self, part: RecordPart) -> Self {
        self.part = part;
        self
    }

    /// Whether this serializer writes keys ([`for_keys`](Self::for_keys)) or values.
    pub fn part(&self) -> RecordPart {
        self.part
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
    pub fn normalizing(mut self, normalize: Normalize) -> Self {
        self.normalize = normalize;
        self
    }

    /// The subject `T`'s schema goes under for `topic` (of its first type, when `T` is
    /// an enum of several: [`subject_of`](Self::subject_of) names the others').
    pub fn subject(&self, topic: &str) -> Result<String, SerializeError> {
        self.subject_of(topic, 0)
    }

    /// The subject of `T`'s type `index` ([`TopicValue::type_index`]) for `topic`.
    pub fn subject_of(&self, topic: &str, index: usize) -> Result<String, SerializeError> {
        self.strategy
            .subject(topic, self.part, T::type_name(index))
            .ok_or(SerializeError::NoSubject {
                strategy: self.strategy,
            })
    }

    /// The id already known for `topic` and `T`'s type `index`, if it is still current:
    /// the hot path. An [`IdSource::Fixed`] id is every type's.
    fn remembered(&self, topic: &str, index: usize) -> Option<u32> {
        if let IdSource::Fixed(id) = self.ids {
            return Some(id);
        }
        if let Some((first, id)) = self.first.get()
            && first == topic
        {
            return Some(*id);
        }
        let known = self.known.get(index)?.read().ok()?;
        let entry = known.get(topic)?;
        entry
            .until
            .is_none_or(|until| Instant::now() < until)
            .then_some(entry.id)
    }

    /// Asks the registry (through the client's shared caches) for the id of `T`'s type
    /// `index` in `topic` and remembers it.
    async fn resolve(&self, topic: &str, index: usize) -> Result<u32, SerializeError> {
        let subject = self.subject_of(topic, index)?;
        let client = self.client.registry();
        let own = T::type_schema(index);
        let schema = own.json();
        let failed = |source| SerializeError::Registry {
            subject: subject.clone(),
            source,
        };
        let (id, until) = match self.ids {
            IdSource::Fixed(id) => (id, None),
            IdSource::AutoRegister => {
                let id = client.register(&subject, schema, self.normalize).await;
                (id.map_err(failed)?, None)
            }
            IdSource::LookupOnly => {
                let id = client.lookup(&subject, schema, self.normalize).await;
                (id.map_err(failed)?, None)
            }
            IdSource::Latest => {
                let asked = Instant::now();
                let latest = client.latest(&subject).await.map_err(failed)?;
                // A version with references is not self-contained: its id's schema, as the
                // client resolves it, is.
                let schema = if latest.references.is_empty() {
                    Schema::parse(&latest.schema).map_err(|err| err.to_string())
                } else {
                    Ok((*client.schema_by_id(latest.id).await.map_err(failed)?).clone())
                };
                (
                    check_latest::<T>(&subject, &latest, own, schema)?,
                    Some(asked + client.latest_ttl()),
                )
            }
        };
        if until.is_none() && T::TYPES == 1 {
            // A topic's id never changes here (as in `known`), so whichever topic comes
            // first may take the lock-free slot.
            let _ = self.first.set((topic.to_owned(), id));
        }
        if let Some(Ok(mut known)) = self.known.get(index).map(RwLock::write) {
            known.insert(topic.to_owned(), Known { id, until });
        }
        Ok(id)
    }

    /// The frame of `value` with `id`, in a new buffer.
    fn framed(&self, id: u32, value: &T) -> Result<Vec<u8>, SerializeError> {
        let mut out = Vec::with_capacity(self.size_hint.load(Ordering::Relaxed));
        self.write(id, value, &mut out)?;
        self.size_hint.fetch_max(out.len(), Ordering::Relaxed);
        Ok(out)
    }

    /// Appends the frame of `value` for `topic` to `out` when the topic's schema id is
    /// already known, without waiting for anything; `None` when it is not (then
    /// [`Serializer::schema_id`] fetches it). For callers that frame into a shared buffer
    /// they must not hold across an await.
    pub fn serialize_known(&self, topic: &str, value: &T, out: &mut Vec<u8>) -> Option<Result<(), SerializeError>> {
        self.remembered(topic, value.type_index())
            .map(|id| self.write(id, value, out))
    }

    /// Appends the frame of `value` with `id` to `out`; on an error `out` is as it was.
    fn write(&self, id: u32, value: &T, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        let start = out.len();
        wire::write_header(id, out);
        value.encode_value(out).map_err(|err| {
            out.truncate(start);
            SerializeError::Encode(err)
        })
    }
}

/// The id of `latest` when it is `T`'s own schema, or why it is not.
fn check_latest<T>(
    subject: &str,
    latest: &SubjectVersion,
    own: &Schema,
    schema: Result<Schema, String>,
) -> Result<u32, SerializeError> {
    let why = match schema {
        Ok(schema) if schema.canonical_form() == own.canonical_form() => return Ok(latest.id),
        Ok(schema) => format!(
            "its canonical form differs: {} where {} has {}",
            schema.canonical_form(),
            std::any::type_name::<T>(),
            own.canonical_form()
        ),
        Err(err) => format!("it does not parse: {err}"),
    };
    Err(SerializeError::LatestIsNotOurs {
        subject: subject.to_owned(),
        version: latest.version,
        id: latest.id,
        type_name: std::any::type_name::<T>(),
        why,
    })
}

impl<T: TopicValue + Sync> Serializer<T> {
    /// The id written for `topic`: remembered, or asked of the registry once (of `T`'s
    /// first type, when it is an enum of several: [`schema_id_for`](Self::schema_id_for)
    /// gives a value's).
    ///
    /// The remembered id is read when this is called; the future then completes at its
    /// first poll, and only a miss waits for the registry (as do `serialize` and
    /// `serialize_into`).
    pub fn schema_id<'a>(&'a self, topic: &'a str) -> impl Future<Output = Result<u32, SerializeError>> + Send + 'a {
        self.schema_id_of(topic, 0)
    }

    /// The id written for `value` in `topic`: that of its own type.
    pub fn schema_id_for<'a>(
        &'a self,
        topic: &'a str,
        value: &T,
    ) -> impl Future<Output = Result<u32, SerializeError>> + Send + 'a {
        self.schema_id_of(topic, value.type_index())
    }

    fn schema_id_of<'a>(&'a self, topic: &'a str, index: usize) -> Quick<'a, Result<u32, SerializeError>> {
        match self.remembered(topic, index) {
            Some(id) => Quick::ready(Ok(id)),
            None => Quick::waiting(self.resolve(topic, index)),
        }
    }

    /// `value` as a Confluent frame for `topic`.
    pub fn serialize<'a>(
        &'a self,
        topic: &'a str,
        value: &'a T,
    ) -> impl Future<Output = Result<Vec<u8>, SerializeError>> + Send + 'a {
        let index = value.type_index();
        match self.remembered(topic, index) {
            Some(id) => Quick::ready(self.framed(id, value)),
            None => Quick::waiting(async move { self.framed(self.resolve(topic, index).await?, value) }),
        }
    }

    /// Appends the Confluent frame of `value` for `topic` to `out` (to reuse a buffer);
    /// on an error `out` is as it was.
    pub fn serialize_into<'a>(
        &'a self,
        topic: &'a str,
        value: &'a T,
        out: &'a mut Vec<u8>,
    ) -> impl Future<Output = Result<(), SerializeError>> + Send + 'a {
        let index = value.type_index();
        match self.remembered(topic, index) {
            Some(id) => Quick::ready(self.write(id, value, out)),
            None => Quick::waiting(async move { self.write(self.resolve(topic, index).await?, value, out) }),
        }
    }
}

impl<T: TopicValue> Serializer<T, BlockingRegistryClient> {
    /// The id written for `topic`: remembered, or asked of the registry once (blocking;
    /// of `T`'s first type when it is an enum of several).
    pub fn schema_id(&self, topic: &str) -> Result<u32, SerializeError> {
        self.schema_id_of(topic, 0)
    }

    /// The id written for `value` in `topic`: that of its own type (blocking).
    pub fn schema_id_for(&self, topic: &str, value: &T) -> Result<u32, SerializeError> {
        self.schema_id_of(topic, value.type_index())
    }

    fn schema_id_of(&self, topic: &str, index: usize) -> Result<u32, SerializeError> {
        match self.remembered(topic, index) {
            Some(id) => Ok(id),
            None => self.client.block_on(self.resolve(topic, index)),
        }
    }

    /// `value` as a Confluent frame for `topic`.
    pub fn serialize(&self, topic: &str, value: &T) -> Result<Vec<u8>, SerializeError> {
        self.framed(self.schema_id_for(topic, value)?, value)
    }

    /// Appends the Confluent frame of `value` for `topic` to `out` (to reuse a buffer);
    /// on an error `out` is as it was.
    pub fn serialize_into(&self, topic: &str, value: &T, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        let id = self.schema_id_for(topic, value)?;
        self.write(id, value, out)
    }
}
