//! A Schema Registry client for the Confluent REST API (Confluent Schema Registry, and
//! the Confluent-compatible APIs of Apicurio Registry, Karapace and Redpanda). Behind the
//! `registry` feature, so codec-only users build no HTTP stack.
//!
//! ```no_run
//! use avrokit::registry_client::{BlockingRegistryClient, Normalize, RegistryClient, RegistryConfig};
//! # async fn run() -> Result<(), avrokit::registry_client::RegistryError> {
//! let url = "http://127.0.0.1:8081/apis/ccompat/v7";
//! // In async code (a tokio runtime with I/O and time):
//! let client = RegistryClient::new(RegistryConfig::new(url))?;
//! let id = client.register("orders-value", r#"{"type":"record","name":"Order","fields":[]}"#, Normalize::AsSent).await?;
//! let schema = client.schema_by_id(id).await?;
//! // Without a runtime, the same calls, blocking:
//! let blocking = BlockingRegistryClient::new(RegistryConfig::new(url))?;
//! assert_eq!(blocking.schema_by_id(id)?, schema);
//! # Ok(()) }
//! ```
//!
//! **Async over `reqwest`, with a blocking twin.** The calls are written once, async, on
//! tokio (what the Kafka producer and consumer run on). [`BlockingRegistryClient`] runs
//! the same futures on a one-thread runtime of its own, for tools and plain threads;
//! [`BlockingSerializer`] and [`BlockingDeserializer`] are the serializers over it. The
//! hot paths (a known topic, a known writer id) answer from the caches without a request,
//! so neither kind waits on the steady state.
//!
//! One job per file: `config` ([`RegistryConfig`]: URL, credentials, TLS, retries,
//! caches), [`client`](RegistryClient) (the one retried HTTP call), `api` (the REST
//! calls), `single_flight` (a bounded map fetching each missing key once) and `cache`
//! (the shared caches behind the `cached_*` calls), [`blocking`](BlockingRegistryClient)
//! (the blocking twin), `access` (what the serializers call through), `quick` (the
//! futures of their async calls), `error` (answers as
//! typed errors), `subject` (subject name strategies), [`serializer`](Serializer) and
//! [`deserializer`](Deserializer) (Confluent frames of
//! [`AvroMessage`](crate::AvroMessage) types).

mod access;
mod api;
mod blocking;
mod cache;
mod client;
mod config;
mod deserializer;
mod error;
mod quick;
mod serializer;
mod single_flight;
mod subject;
#[cfg(test)]
mod test_server;

pub use access::RegistryAccess;
pub use api::{CompatibilityCheck, Deletion, Normalize, SubjectVersion, VersionSelector};
pub use avrokit_schema::Compatibility;
pub use blocking::BlockingRegistryClient;
pub use cache::DEFAULT_CACHE_CAPACITY;
pub use client::RegistryClient;
pub use config::{Auth, DEFAULT_LATEST_TTL, RegistryConfig, RetryPolicy};
pub use deserializer::{BlockingDeserializer, DeserializeError, Deserializer};
pub use error::{RegistryError, RegistryErrorKind};
pub use serializer::{BlockingSerializer, IdSource, SerializeError, Serializer};
pub use subject::SubjectNameStrategy;
