//! Kafka glue over rdkafka (feature `kafka`).
//!
//! - [`Producer`]: typed sends to catalog topics (`send(&topics::X, key, &value)`),
//!   framed through the Schema Registry, acknowledged by all in-sync replicas; or
//!   streamed with `enqueue`, whose [`PendingDelivery`] is awaited later;
//! - [`Consumer`]: batches, commits after the handler, retries, dead letters, graceful
//!   shutdown ([`Shutdown`]);
//! - [`Monitor`]: broker health and latency, latest offsets and consumer-group lag (as
//!   `avrokit lag` prints them);
//! - [`postgres_sink`] (with feature `postgres`): a topic into its table, offsets
//!   committed after the database transaction;
//! - [`topics`]: bring a cluster's topics to what the catalog says — plan first (create,
//!   alter, unchanged, refused), then apply — as `avrokit topics apply` does.

mod consumer;
pub mod dead_letter;
mod framed;
mod monitor;
#[cfg(feature = "postgres")]
pub mod postgres_sink;
mod producer;
pub mod settings;
mod shutdown;
pub mod topics;

pub use consumer::{ConsumeError, Consumer, Decode, HandlerError, Record, RunSummary};
pub use dead_letter::DeadLetters;
pub use framed::{Framed, WriterSchemas};
pub use monitor::{BrokerHealth, Monitor, PartitionOffsets, TopicLag};
pub use producer::{Delivery, EncodeKey, PendingDelivery, ProduceError, Producer};
pub use settings::{ConsumerSettings, KafkaSettings, ProducerSettings};
pub use shutdown::Shutdown;

/// The Kafka client underneath, for what avrokit does not wrap (headers, raw messages).
pub use rdkafka;
