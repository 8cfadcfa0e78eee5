//! Kafka glue over rdkafka (feature `kafka`).
//!
//! - [`Producer`]: typed sends to catalog topics (`send(&topics::X, key, &value)`),
//!   framed through the Schema Registry, acknowledged by all in-sync replicas; or
//!   streamed with `enqueue`, whose [`PendingDelivery`] is awaited later; or posted with
//!   `post`, fire and forget, failures reported by `flush`;
//! - [`Consumer`]: batches, commits after the handler, retries, dead letters, graceful
//!   shutdown ([`Shutdown`]);
//! - [`Monitor`]: broker health and latency, latest offsets and consumer-group lag (as
//!   `avrokit lag` prints them);
//! - [`postgres_sink`] (with feature `postgres`): a topic into its table, offsets
//!   committed after the database transaction;
//! - [`topics`]: bring a cluster's topics to what the catalog says — plan first (create,
//!   alter, unchanged, refused), then apply — as `avrokit topics apply` does.
//!
//! # Typed topics
//!
//! `avrokit gen` writes every catalog topic as a typed constant, such as
//! `topics::TELESCOPE_DATA: avrokit::Topic<str, TelescopeData>`, with its registry subjects,
//! its settings per environment and its sink. The key type says how keys are written:
//! `str` or `[u8]` (raw), `()` (no key), or [`AvroKey<T>`](crate::AvroKey) (a framed Avro
//! record under `<topic>-key`). Sending a value of the wrong type, or a key of the wrong
//! kind, does not compile.
//!
//! ```rust,no_run
//! use avrokit::kafka::{Consumer, ConsumerSettings, DeadLetters, HandlerError, Producer, ProducerSettings};
//! use avrokit::registry_client::{RegistryClient, RegistryConfig};
//! use avrokit::topic::TopicConfig;
//! use avrokit::{AvroMessage, Topic};
//!
//! #[derive(AvroMessage, Clone, Debug)]
//! #[avro(schema_json = r#"{"type": "record", "name": "Reading", "namespace": "demo", "fields": [
//!     {"name": "sensor", "type": "string"}, {"name": "celsius", "type": "double"}]}"#)]
//! struct Reading {
//!     sensor: String,
//!     celsius: f64,
//! }
//!
//! /// What `avrokit gen` writes into `topics.rs` for a catalog topic with string keys.
//! const READINGS: Topic<str, Reading> =
//!     Topic::new("demo.readings", "demo.readings-value", None, &[TopicConfig::new("dev")], None);
//!
//! # fn store(_: &Reading) -> std::io::Result<()> { Ok(()) }
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let registry = RegistryClient::new(RegistryConfig::new("http://127.0.0.1:8081/apis/ccompat/v7"))?;
//! let producer = Producer::new(&ProducerSettings::new("127.0.0.1:9092"), registry.clone())?;
//! let reading = Reading { sensor: "t-1".into(), celsius: 21.5 };
//! let delivery = producer.send(&READINGS, "t-1", &reading).await?; // acknowledged by all in-sync replicas
//! println!("partition {}, offset {}", delivery.partition, delivery.offset);
//!
//! let settings = ConsumerSettings::new("127.0.0.1:9092", "demo-archiver", ["demo.readings"]);
//! let dead_letters = DeadLetters::new(producer, "demo.readings.dlq");
//! let consumer = Consumer::<Reading>::new(settings, registry, Some(dead_letters))?;
//! consumer.shutdown().on_signals()?; // SIGINT/SIGTERM: finish the batch in flight, commit, leave
//! consumer
//!     .run(async |batch| {
//!         for record in batch {
//!             store(&record.value).map_err(HandlerError::retriable)?;
//!         }
//!         Ok(()) // the batch's offsets are committed now
//!     })
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! # Producer
//!
//! [`ProducerSettings::new`] has the defaults, each overridable, and any librdkafka setting
//! passes through (`set`): `acks=all`, `enable.idempotence=true` (librdkafka's default is
//! off), retries until `delivery.timeout.ms` (120 s), `linger.ms=5`, lz4. librdkafka is
//! built with the system's OpenSSL, so `SSL` and `SASL_SSL` with PLAIN, SCRAM or
//! OAUTHBEARER work (GSSAPI would need Cyrus SASL).
//!
//! [`Producer::send`] frames the value through the registry (its serializers come from the
//! settings: `schema_ids`, `key_subjects`, `value_subjects`, `normalize`;
//! [`Producer::with_serializer`] puts one type's own serializer in their place, e.g. for
//! `IdSource::Fixed(id)`), waits for the acknowledgment and returns partition and offset.
//! When the local queue is full it waits up to `queue_timeout` (30 s) for room and then
//! fails with [`ProduceError::QueueFull`]: records are never dropped silently. To stream
//! without a task per record, [`Producer::enqueue`] does the same framing and waiting for
//! room and returns as soon as librdkafka holds the record, with a [`PendingDelivery`] to
//! await later (in the order queued): the pattern of `produce` plus a delivery callback in
//! other clients. A record too big for `message.max.bytes` is refused by `enqueue` itself.
//! Dropping a `PendingDelivery` does not withdraw its record; only its outcome goes unseen.
//! [`Producer::post`] queues the same way with no `PendingDelivery` at all (no channel per
//! record: the cheapest way to stream small records, as librdkafka's own fire-and-forget
//! producer costs); librdkafka still retries each record until the delivery timeout, and a
//! record it finally fails to deliver is counted: the next [`Producer::flush`] returns
//! [`ProduceError::Unacknowledged`] with how many and the first one's cause, so a posted
//! record is never lost unseen as long as the caller flushes (before exiting, at least).
//!
//! # Consumer
//!
//! [`Consumer`] hands batches of up to `max_batch` records (100) or whatever arrived within
//! `max_wait` to an async handler ([`Consumer::run`]), and commits the batch's offsets only
//! after the handler returned (at-least-once); [`Consumer::run_each`] hands over one record
//! at a time. The handler's error says what to do: [`HandlerError::retriable`] (retried
//! `attempts` times with doubling backoff), [`HandlerError::fatal`] (no retry), or
//! [`HandlerError::wait`] (a dependency is away: retried until it answers or shutdown,
//! never dead-lettered). A batch that fails for good is handled again record by record, so
//! only the records that fail alone become dead letters. Records that cannot be decoded
//! (garbage, an unknown schema id) are dead letters at once; a registry that is briefly
//! away is waited for instead. A broker that is away (restarting, or gone for a while) is
//! waited for too: fetching goes on where it was once librdkafka has reconnected, and a
//! commit is tried again with backoff (on tokio's blocking pool, so the runtime's other
//! tasks go on); when the group rebalanced meanwhile, the uncommitted batch is read again.
//!
//! Each batch is decoded into the records of the batch before last (two sets of records
//! take turns: one handled, the other decoded into) ([`AvroMessage::decode_in_place`](crate::AvroMessage::decode_in_place) through
//! [`Decode::decode_into`]), so a running consumer stops allocating for its values; the
//! handler sees borrowed records and never notices (`reuse_values(false)` decodes afresh).
//! A [`Record`] borrows librdkafka's message until its batch is handled:
//! [`Record::raw_key`] and [`Record::raw_value`] are the bytes as they came (the value's
//! Confluent frame), and the headers and timestamp are read only when asked for.
//!
//! # Tombstones
//!
//! A topic the catalog compacts (`cleanup_policy = "compact"`) or marks `tombstones =
//! true` has `Topic::tombstones` set. [`Producer::delete`] sends a tombstone (the key, no
//! value) to it, and refuses other topics. `Consumer<Option<V>>` reads such a topic: a
//! tombstone is a record whose `value` is `None`. A `Consumer<V>` takes a tombstone for a
//! broken record (a dead letter), as it always did.
//!
//! ```rust,no_run
//! # use avrokit::kafka::{Consumer, ConsumerSettings, Producer, Record};
//! # use avrokit::{AvroMessage, Topic};
//! # #[derive(AvroMessage, Clone, Debug)]
//! # #[avro(schema_json = r#"{"type": "record", "name": "Lock", "fields": [{"name": "id", "type": "string"}]}"#)]
//! # struct Lock { id: String }
//! # async fn run(producer: Producer, registry: avrokit::registry_client::RegistryClient) -> Result<(), Box<dyn std::error::Error>> {
//! // What `avrokit gen` writes for a compacted topic.
//! const LOCKS: Topic<str, Lock> = Topic::new("locks", "locks-value", None, &[], None).with_tombstones();
//! producer.delete(&LOCKS, "lock-7").await?;
//! let settings = ConsumerSettings::new("127.0.0.1:9092", "lock-mirror", ["locks"]);
//! let consumer = Consumer::<Option<Lock>>::new(settings, registry, None)?;
//! consumer
//!     .run_each(async |record: &Record<Option<Lock>>| {
//!         match &record.value {
//!             Some(lock) => println!("upsert {}", lock.id),
//!             None => println!("delete {:?}", record.raw_key()),
//!         }
//!         Ok(())
//!     })
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! Dead letters ([`DeadLetters`]) keep the original key, value and headers and add Kafka
//! Connect's headers (`__connect.errors.topic`, `.partition`, `.offset`, `.connector.name`
//! (the group), `.stage` (`VALUE_CONVERTER`, `TASK_PUT`), `.class.name`,
//! `.exception.class.name`, `.exception.message`, `.exception.stacktrace`), so tools that
//! read Connect's dead-letter topics read these; a dead letter is acknowledged before its
//! offset is committed. Without a dead-letter topic the consumer stops at such a record
//! with its offset uncommitted. [`Consumer::shutdown`] gives a [`Shutdown`] handle whose
//! `trigger()` (or `on_signals()`) stops the run after the batch in flight: handled,
//! committed, then the consumer leaves the group.
//!
//! While the handler works on a batch (a sink waits for its database, mostly), the
//! consumer reads and decodes the next one: handlers still get one batch after the
//! other, each batch's offsets are still committed only after it was handled, and on
//! shutdown the batch read ahead is released uncommitted (whoever consumes next reads it
//! again). Its dead letters, if any, are sent when its turn comes, never before the batch
//! before it is committed.
//!
//! # PostgreSQL sink runner
//!
//! [`postgres_sink::run`] (with feature `postgres`) consumes [`Framed`] records (writer
//! schema and body, decoded by [`WriterSchemas`], no Rust type needed) into the topic's
//! table (`SinkTable::for_topic(&topics::X)`), each batch upserted in one transaction and
//! its offsets committed only after the `COMMIT`. On a topic with tombstones it consumes
//! `Option<Framed>` (decoder [`Tombstones`]`<WriterSchemas>`) and a tombstone deletes the
//! row its key names, in the same transaction. A record the table cannot take is a dead
//! letter; a lost connection, a serialization conflict or a restarting server is waited
//! out, and a sink made by `PgSink::connect(url, table)` connects again for the batch it
//! writes again (a database restart costs a pause, no record). Run it with static group
//! membership (`group.instance.id`) so that a restarted
//! worker takes its partitions back at once.
//!
//! # Monitor
//!
//! [`Monitor`] (and `avrokit lag`) reports the broker list and metadata latency, then per
//! group and partition the committed offset, the latest offset and the lag. It never joins
//! a group and never names a topic in a metadata request (which could create it). Its calls
//! block, as librdkafka's do; async code runs them on tokio's blocking pool with
//! `monitor.spawn_blocking(move |m| m.lag(&group, &[])).await`.

mod consumer;
pub mod dead_letter;
mod framed;
mod monitor;
mod offsets;
#[cfg(feature = "postgres")]
pub mod postgres_sink;
mod producer;
pub mod settings;
mod shutdown;
pub mod topics;

pub use consumer::{ConsumeError, Consumed, Consumer, Decode, HandlerError, Record, RunSummary, Tombstones};
pub use dead_letter::DeadLetters;
pub use framed::{Framed, WriterSchemas};
pub use monitor::{BrokerHealth, Monitor, PartitionOffsets, TopicLag, Unreachable};
pub use producer::{Delivery, EncodeKey, PendingDelivery, ProduceError, Producer};
pub use settings::{ConsumerSettings, KafkaSettings, OffsetCommit, ProducerSettings, is_secret_setting};
pub use shutdown::Shutdown;

/// The Kafka client underneath, for what avrokit does not wrap (headers, raw messages).
pub use rdkafka;
