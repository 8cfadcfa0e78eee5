//! A Schema Registry client for the Confluent REST API (Confluent Schema Registry, and
//! the Confluent-compatible APIs of Apicurio Registry, Karapace and Redpanda). Behind the
//! `registry` feature, so codec-only users build no HTTP stack.
//!
//! ```no_run
//! use avrokit::registry_client::{RegistryClient, RegistryConfig};
//! # fn main() -> Result<(), avrokit::registry_client::RegistryError> {
//! let client = RegistryClient::new(RegistryConfig::new("http://127.0.0.1:8081/apis/ccompat/v7"))?;
//! let id = client.register("orders-value", r#"{"type":"record","name":"Order","fields":[]}"#, false)?;
//! let schema = client.schema_by_id(id)?;
//! # let _ = schema; Ok(()) }
//! ```
//!
//! **Blocking, over `ureq`.** The workspace already uses `ureq` 3 (with rustls) for the
//! compatibility gate and the stack, so this adds no second HTTP stack; it builds in
//! seconds where reqwest + hyper + tokio take minutes on a cold 2-core CI, and a registry
//! call happens once per schema (then the caches answer), so blocking costs nothing on
//! the hot path. An async wrapper belongs with the Kafka producer and consumer, which
//! bring their runtime.
//!
//! One job per file: [`client`](RegistryClient) (configuration, authentication, the one
//! retried HTTP call), `api` (the REST calls), `cache` (the shared, single-flight
//! caches behind the `cached_*` calls), `error` (answers as typed errors), `subject`
//! (subject name strategies), [`serializer`](Serializer) and
//! [`deserializer`](Deserializer) (Confluent frames of [`AvroMessage`](crate::AvroMessage)
//! types).

mod api;
mod cache;
mod client;
mod deserializer;
mod error;
mod serializer;
mod subject;
#[cfg(test)]
mod test_server;

pub use api::{CompatibilityCheck, CompatibilityLevel, SubjectVersion, VersionSelector};
pub use cache::DEFAULT_CACHE_CAPACITY;
pub use client::{Auth, RegistryClient, RegistryConfig, RetryPolicy};
pub use deserializer::{DeserializeError, Deserializer};
pub use error::{RegistryError, RegistryErrorKind};
pub use serializer::{IdSource, SerializeError, Serializer};
pub use subject::SubjectNameStrategy;
