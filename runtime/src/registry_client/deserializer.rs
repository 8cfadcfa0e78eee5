//! [`Deserializer`]: a Confluent frame to a value of an [`AvroMessage`](crate::AvroMessage)
//! type (or of the one of a topic's several value types the writer schema's name picks,
//! [`TopicValue`]), read through the writer's schema fetched by id.

use super::access::RegistryAccess;
use super::blocking::BlockingRegistryClient;
use super::client::RegistryClient;
use super::error::{RegistryError, RegistryErrorKind};
use super::quick::Quick;
use crate::resolve::ResolveError;
use crate::schema::Schema;
use crate::topic_value::TopicValue;
use crate::wire::{self, FrameError};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use thiserror::Error;

/// [`Deserializer::own_id`] before any frame of `T`'s own schema was seen (ids are `u32`).
const NO_ID: u64 = u64::MAX;

/// Why a message could not be deserialized.
#[derive(Debug, Error)]
#[non_exhaustive]
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
    /// The error of fetching writer schema `id`: unknown to the registry, or not fetched.
    pub(crate) fn fetching(id: u32, source: RegistryError) -> Self {
        match source.kind() {
            RegistryErrorKind::SchemaNotFound { .. } => DeserializeError::UnknownSchemaId { id, source },
            _ => DeserializeError::Registry { id, source },
        }
    }

    /// Whether trying again later may succeed (the registry was unreachable or failing);
    /// everything else is about the message itself, a dead-letter case.
    pub fn is_retriable(&self) -> bool {
        matches!(self, Self::Registry { source, .. } if source.is_retriable())
    }
}

/// Reads Confluent frames as values of `T`, whatever compatible schema wrote them,
/// through a [`RegistryClient`] (`async` calls, the default) or a
/// [`BlockingRegistryClient`] ([`BlockingDeserializer`]).
///
/// A writer schema is fetched once per id (then cached, shared by the client's clones);
/// the steady state is an atomic load and the decoding (frames of `T`'s own schema), or
/// a lookup in the client's cache and decoding through a resolution plan (others). The
/// `async` version does that work when called and completes at its first poll; only an
/// unknown id boxes a future that waits for the registry.
pub struct Deserializer<T, C = RegistryClient> {
    client: C,
    /// The last id seen whose schema is `T`'s own, or [`NO_ID`]: frames with it decode
    /// without the shared cache's lock, the steady state of a topic written with the
    /// reader's schema. Sound because a registry id always names the same schema.
    own_id: AtomicU64,
    _type: PhantomData<fn() -> T>,
}

/// A [`Deserializer`] whose calls block: for code without a tokio runtime.
pub type BlockingDeserializer<T> = Deserializer<T, BlockingRegistryClient>;

impl<T, C: std::fmt::Debug> std::fmt::Debug for Deserializer<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deserializer").field("client", &self.client).finish()
    }
}

/// What the caches say about a frame.
enum Lookup<'a, O, D> {
    /// Its writer schema was known: the decoding's output.
    Decoded(O),
    /// Its writer schema must be fetched first.
    Missing {
        /// The frame's id.
        id: u32,
        /// The Avro body.
        body: &'a [u8],
        /// Where the value goes, handed back for after the fetch.
        target: D,
    },
}

/// Where a decoded value goes: a new value ([`Fresh`]) or over an existing one
/// (`&mut T`, reusing its allocations).
trait Target<T: TopicValue> {
    /// What decoding gives: the value, or nothing when it was decoded in place.
    type Output;
    /// Decodes data of `writer` as `T`'s type `index`, resolving it (directly when
    /// `writer` is that type's own schema).
    fn resolve(self, index: usize, body: &[u8], writer: &Schema) -> Result<Self::Output, ResolveError>;
}

/// Decoding into a new value.
struct Fresh;

impl<T: TopicValue> Target<T> for Fresh {
    type Output = T;

    fn resolve(self, index: usize, body: &[u8], writer: &Schema) -> Result<T, ResolveError> {
        T::decode_value(index, body, writer)
    }
}

impl<T: TopicValue> Target<T> for &mut T {
    type Output = ();

    fn resolve(self, index: usize, body: &[u8], writer: &Schema) -> Result<(), ResolveError> {
        self.set_value(index, body, writer)
    }
}

impl<T: TopicValue, C: RegistryAccess> Deserializer<T, C> {
    /// A deserializer fetching writer schemas through `client` (and its shared cache).
    /// With a [`RegistryClient`] its calls are `async`, with a
    /// [`BlockingRegistryClient`] they block.
    pub fn new(client: C) -> Self {
        Self {
            client,
            own_id: AtomicU64::new(NO_ID),
            _type: PhantomData,
        }
    }

    /// Decodes `bytes` into `target` if its writer schema is known, without a request:
    /// the hot path.
    fn decode_known<'a, D: Target<T>>(
        &self,
        bytes: &'a [u8],
        target: D,
    ) -> Result<Lookup<'a, D::Output, D>, DeserializeError> {
        let (id, body) = wire::unframe(bytes)?;
        if self.own_id.load(Ordering::Relaxed) == u64::from(id) {
            // Only set for a one-type `T`, whose own schema this is.
            return target
                .resolve(0, body, T::type_schema(0))
                .map(Lookup::Decoded)
                .map_err(|source| DeserializeError::Decode { id, source });
        }
        match self.client.registry().known_schema(id) {
            Some(writer) => self.decode_with(id, body, &writer, target).map(Lookup::Decoded),
            None => Ok(Lookup::Missing { id, body, target }),
        }
    }

    /// The writer schema of `id`, fetched (through the client's shared cache).
    async fn fetch_writer(&self, id: u32) -> Result<Arc<Schema>, DeserializeError> {
        self.client
            .registry()
            .schema_by_id(id)
            .await
            .map_err(|source| DeserializeError::fetching(id, source))
    }

    /// Decodes `body`, written with `writer`, as the type of `T` the writer's name picks:
    /// directly when it is that type's schema (and, for a one-type `T`, then remembered
    /// as such), through a resolution plan when it differs.
    fn decode_with<D: Target<T>>(
        &self,
        id: u32,
        body: &[u8],
        writer: &Schema,
        target: D,
    ) -> Result<D::Output, DeserializeError> {
        let decode_error = |source| DeserializeError::Decode { id, source };
        let index = T::type_for(writer).map_err(decode_error)?;
        if T::TYPES == 1 && writer.fingerprint() == T::type_schema(0).fingerprint() {
            self.own_id.store(u64::from(id), Ordering::Relaxed);
        }
        target.resolve(index, body, writer).map_err(decode_error)
    }
}

impl<T: TopicValue> Deserializer<T> {
    /// The value in `bytes`: its writer schema fetched by id once (then cached), decoded
    /// directly when it is `T`'s schema and through a resolution plan when it differs.
    ///
    /// A frame whose writer schema is known is decoded when this is called, and the
    /// future completes at its first poll; only an unknown id waits for the registry.
    pub fn deserialize<'a>(&'a self, bytes: &'a [u8]) -> impl Future<Output = Result<T, DeserializeError>> + 'a {
        self.deserialize_to(bytes, Fresh)
    }

    /// [`deserialize`](Self::deserialize) into `value`, reusing its allocations (see
    /// [`AvroMessage::set_from_avro`](crate::AvroMessage::set_from_avro)): for a loop that reads one message after another.
    /// On error `value` holds a valid value of unspecified content.
    pub fn deserialize_into<'a>(
        &'a self,
        bytes: &'a [u8],
        value: &'a mut T,
    ) -> impl Future<Output = Result<(), DeserializeError>> + 'a
    where
        T: Send,
    {
        self.deserialize_to(bytes, value)
    }

    /// The value in `bytes` decoded into `value` when its writer schema is already known,
    /// or `None` (and `value` untouched) when it must be fetched first: the synchronous
    /// part of [`Deserializer::deserialize_into`].
    pub fn deserialize_into_known(&self, bytes: &[u8], value: &mut T) -> Option<Result<(), DeserializeError>> {
        match self.decode_known(bytes, value) {
            Ok(Lookup::Decoded(())) => Some(Ok(())),
            Ok(Lookup::Missing { .. }) => None,
            Err(error) => Some(Err(error)),
        }
    }

    fn deserialize_to<'a, D: Target<T> + Send + 'a>(
        &'a self,
        bytes: &'a [u8],
        target: D,
    ) -> Quick<'a, Result<D::Output, DeserializeError>> {
        match self.decode_known(bytes, target) {
            Ok(Lookup::Decoded(value)) => Quick::ready(Ok(value)),
            Err(err) => Quick::ready(Err(err)),
            Ok(Lookup::Missing { id, body, target }) => Quick::waiting(async move {
                let writer = self.fetch_writer(id).await?;
                self.decode_with(id, body, &writer, target)
            }),
        }
    }
}

impl<T: TopicValue> Deserializer<T, BlockingRegistryClient> {
    /// The value in `bytes`, as [`Deserializer::deserialize`], blocking while a writer
    /// schema is fetched.
    pub fn deserialize(&self, bytes: &[u8]) -> Result<T, DeserializeError> {
        self.deserialize_to(bytes, Fresh)
    }

    /// The value in `bytes` decoded into `value`, as [`Deserializer::deserialize_into`],
    /// blocking while a writer schema is fetched.
    pub fn deserialize_into(&self, bytes: &[u8], value: &mut T) -> Result<(), DeserializeError> {
        self.deserialize_to(bytes, value)
    }

    fn deserialize_to<D: Target<T>>(&self, bytes: &[u8], target: D) -> Result<D::Output, DeserializeError> {
        match self.decode_known(bytes, target)? {
            Lookup::Decoded(value) => Ok(value),
            Lookup::Missing { id, body, target } => {
                let writer = self.client.block_on(self.fetch_writer(id))?;
                self.decode_with(id, body, &writer, target)
            }
        }
    }
}
