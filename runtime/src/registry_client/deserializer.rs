//! [`Deserializer`]: a Confluent frame to a value of an [`AvroMessage`] type, read
//! through the writer's schema fetched by id.

use super::client::RegistryClient;
use super::error::{RegistryError, RegistryErrorKind};
use crate::message::AvroMessage;
use crate::resolve::ResolveError;
use crate::wire::{self, FrameError};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use thiserror::Error;

/// [`Deserializer::own_id`] before any frame of `T`'s own schema was seen (ids are `u32`).
const NO_ID: u64 = u64::MAX;

/// Why a message could not be deserialized.
#[derive(Debug, Error)]
pub enum DeserializeError {
    /// The bytes are not a Confluent frame.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// The registry has no schema with the frame's id.
    #[error("unknown schema id {id}: the registry has no such schema ({source})")]
    UnknownSchemaId {
        /// The frame's id.
        id: u32,
        /// The registry's answer.
        source: RegistryError,
    },
    /// The writer schema could not be fetched (unreachable registry, ...).
    #[error("cannot fetch writer schema {id}: {source}")]
    Registry {
        /// The frame's id.
        id: u32,
        /// The registry's error.
        source: RegistryError,
    },
    /// The body is not valid data of the writer schema, or `T` cannot read it.
    #[error("schema id {id}: {source}")]
    Decode {
        /// The frame's id.
        id: u32,
        /// What went wrong, located.
        source: ResolveError,
    },
}

impl DeserializeError {
    /// Whether trying again later may succeed (the registry was unreachable or failing);
    /// everything else is about the message itself, a dead-letter case.
    pub fn is_retriable(&self) -> bool {
        matches!(self, Self::Registry { source, .. } if source.is_retriable())
    }
}

/// Reads Confluent frames as values of `T`, whatever compatible schema wrote them.
pub struct Deserializer<T> {
    client: RegistryClient,
    /// The last id seen whose schema is `T`'s own, or [`NO_ID`]: frames with it decode
    /// without the shared cache's lock, the steady state of a topic written with the
    /// reader's schema. Sound because a registry id always names the same schema.
    own_id: AtomicU64,
    _type: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Deserializer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deserializer").field("client", &self.client).finish()
    }
}

impl<T: AvroMessage> Deserializer<T> {
    /// A deserializer fetching writer schemas through `client` (and its shared cache).
    pub fn new(client: RegistryClient) -> Self {
        Self {
            client,
            own_id: AtomicU64::new(NO_ID),
            _type: PhantomData,
        }
    }

    /// The value in `bytes`: its writer schema fetched by id once (then cached), decoded
    /// directly when it is `T`'s schema and through a resolution plan when it differs.
    pub fn deserialize(&self, bytes: &[u8]) -> Result<T, DeserializeError> {
        let (id, body) = wire::unframe(bytes)?;
        if self.own_id.load(Ordering::Relaxed) == u64::from(id) {
            return T::from_avro(body).map_err(|source| DeserializeError::Decode {
                id,
                source: source.into(),
            });
        }
        let writer = self.client.cached_schema(id).map_err(|source| match source.kind() {
            RegistryErrorKind::SchemaNotFound { .. } => DeserializeError::UnknownSchemaId { id, source },
            _ => DeserializeError::Registry { id, source },
        })?;
        if writer.fingerprint() == T::fingerprint() {
            self.own_id.store(u64::from(id), Ordering::Relaxed);
        }
        T::from_avro_with_writer(body, &writer).map_err(|source| DeserializeError::Decode { id, source })
    }
}
