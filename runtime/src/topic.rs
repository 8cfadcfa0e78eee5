//! Typed topic descriptors: each catalog topic as a constant of the generated crate
//! (`topics::TELESCOPE_DATA`), carrying its name, its key and value types, its registry
//! subjects, its settings per environment and its sink, so that producing a value of the
//! wrong type to a topic does not compile.

use crate::{AvroMessage, TopicValue};
use std::fmt;
use std::marker::PhantomData;

/// How a topic's keys are written: the key type of a [`Topic`].
///
/// - `str`: the UTF-8 bytes of a string, as most producers send keys (catalog
///   `key_format = "raw"`, key `"string"`);
/// - `[u8]`: raw bytes (`key_format = "raw"`, key `"bytes"`);
/// - `()`: no key;
/// - [`AvroKey<T>`]: a Confluent-framed Avro record `T`, registered under `<topic>-key`.
pub trait TopicKey {
    /// What a producer is given as the key.
    type Value: ?Sized;
    /// How the key is written.
    const FORMAT: KeyFormat;
}

impl TopicKey for str {
    type Value = str;
    const FORMAT: KeyFormat = KeyFormat::Raw;
}

impl TopicKey for [u8] {
    type Value = [u8];
    const FORMAT: KeyFormat = KeyFormat::Raw;
}

impl TopicKey for () {
    type Value = ();
    const FORMAT: KeyFormat = KeyFormat::None;
}

/// The key type of a topic whose keys are Confluent-framed Avro records of type `T`.
pub struct AvroKey<T>(PhantomData<fn() -> T>);

impl<T: AvroMessage> TopicKey for AvroKey<T> {
    type Value = T;
    const FORMAT: KeyFormat = KeyFormat::Avro;
}

pub use avrokit_schema::KeyFormat;
pub use avrokit_schema::sql::SinkWriter;
pub use avrokit_schema::subject::SubjectNameStrategy;

/// A topic's settings in one environment, as the catalog gives them. Generated code
/// builds it with [`TopicConfig::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TopicConfig {
    /// The environment (`dev`, `prod`, ...).
    pub environment: &'static str,
    /// Number of partitions.
    pub partitions: u32,
    /// Replication factor.
    pub replication_factor: u16,
    /// Topic-level configs as Kafka spells them (`retention.ms`, `cleanup.policy`, ...).
    pub configs: &'static [(&'static str, &'static str)],
}

impl TopicConfig {
    /// The settings in `environment`: one partition, one replica, no topic-level configs
    /// until the `with_*` methods say otherwise.
    ///
    /// ```
    /// # use avrokit::topic::TopicConfig;
    /// const PROD: TopicConfig = TopicConfig::new("prod")
    ///     .with_partitions(6)
    ///     .with_replication_factor(3)
    ///     .with_configs(&[("retention.ms", "604800000")]);
    /// assert_eq!(PROD.partitions, 6);
    /// ```
    pub const fn new(environment: &'static str) -> Self {
        Self {
            environment,
            partitions: 1,
            replication_factor: 1,
            configs: &[],
        }
    }

    /// With `partitions` partitions.
    pub const fn with_partitions(mut self, partitions: u32) -> Self {
        self.partitions = partitions;
        self
    }

    /// With `replication_factor` replicas of each partition.
    pub const fn with_replication_factor(mut self, replication_factor: u16) -> Self {
        self.replication_factor = replication_factor;
        self
    }

    /// With the topic-level `configs`, as Kafka spells them (`retention.ms`, ...).
    pub const fn with_configs(mut self, configs: &'static [(&'static str, &'static str)]) -> Self {
        self.configs = configs;
        self
    }
}

/// A topic's PostgreSQL sink, as the catalog gives it. Generated code builds it with
/// [`SinkSpec::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SinkSpec {
    /// The table, as the catalog writes it.
    pub table: &'static str,
    /// Who writes it.
    pub writer: SinkWriter,
    /// The value fields forming the primary key.
    pub primary_key: &'static [&'static str],
    /// The secondary indexes, as the catalog names them.
    pub indexes: &'static [SinkIndex],
}

impl SinkSpec {
    /// The sink into `table`, written by `writer`, with no primary key or index until
    /// the `with_*` methods give them.
    pub const fn new(table: &'static str, writer: SinkWriter) -> Self {
        Self {
            table,
            writer,
            primary_key: &[],
            indexes: &[],
        }
    }

    /// With the value fields `primary_key` as the table's primary key.
    pub const fn with_primary_key(mut self, primary_key: &'static [&'static str]) -> Self {
        self.primary_key = primary_key;
        self
    }

    /// With the secondary `indexes`.
    pub const fn with_indexes(mut self, indexes: &'static [SinkIndex]) -> Self {
        self.indexes = indexes;
        self
    }

    /// This sink into another `table` (the same writer, key and indexes).
    pub const fn with_table(mut self, table: &'static str) -> Self {
        self.table = table;
        self
    }
}

/// A secondary index of a sink's table. Generated code builds it with
/// [`SinkIndex::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SinkIndex {
    /// The index name.
    pub name: &'static str,
    /// The indexed value fields, in order.
    pub columns: &'static [&'static str],
}

impl SinkIndex {
    /// The index `name` on the value fields `columns`, in order.
    pub const fn new(name: &'static str, columns: &'static [&'static str]) -> Self {
        Self { name, columns }
    }
}

/// A catalog topic whose keys are `K` (see [`TopicKey`]) and values `V`.
pub struct Topic<K: ?Sized, V> {
    /// The topic name.
    pub name: &'static str,
    /// The registry subject of values (`<topic>-value`; of the first value type when the
    /// topic has several, each of which has its own).
    pub value_subject: &'static str,
    /// The registry subject of keys, when keys are Avro (`<topic>-key`).
    pub key_subject: Option<&'static str>,
    /// The settings in each environment of the catalog.
    pub environments: &'static [TopicConfig],
    /// The PostgreSQL sink, if the topic has one.
    pub sink: Option<SinkSpec>,
    /// Whether records may have no value (tombstones: "delete this key"), as the catalog
    /// says for compacted topics (`cleanup_policy = "compact"`) or with `tombstones =
    /// true`. [`Producer::delete`](crate::kafka::Producer::delete) sends them only here;
    /// consumers read such topics as `Consumer<Option<V>>`.
    pub tombstones: bool,
    /// How the catalog names the value subjects (`subject_strategy`), when it says:
    /// producers register values under it instead of their settings' strategy. A topic of
    /// several value types (`V` an enum of them) has one of the RecordName strategies.
    pub value_strategy: Option<SubjectNameStrategy>,
    types: PhantomData<Types<K, V>>,
}

/// What a [`Topic`] holds at the type level only: `fn() -> ...` keeps it `Send`, `Sync`
/// and covariant whatever `K` and `V` are.
type Types<K, V> = fn() -> (PhantomData<K>, V);

impl<K: ?Sized + TopicKey, V: TopicValue> Topic<K, V> {
    /// A descriptor; generated code writes these.
    pub const fn new(
        name: &'static str,
        value_subject: &'static str,
        key_subject: Option<&'static str>,
        environments: &'static [TopicConfig],
        sink: Option<SinkSpec>,
    ) -> Self {
        Topic {
            name,
            value_subject,
            key_subject,
            environments,
            sink,
            tombstones: false,
            value_strategy: None,
            types: PhantomData,
        }
    }

    /// This descriptor for a topic whose records may be tombstones (no value).
    pub const fn with_tombstones(mut self) -> Self {
        self.tombstones = true;
        self
    }

    /// This descriptor with the catalog's `subject_strategy` for values.
    pub const fn with_subject_strategy(mut self, strategy: SubjectNameStrategy) -> Self {
        self.value_strategy = Some(strategy);
        self
    }

    /// How keys are written.
    pub const fn key_format(&self) -> KeyFormat {
        K::FORMAT
    }

    /// The settings in `environment`, if the catalog has that environment.
    pub fn config(&self, environment: &str) -> Option<&'static TopicConfig> {
        self.environments.iter().find(|c| c.environment == environment)
    }
}

impl<K: ?Sized, V> fmt::Debug for Topic<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Topic")
            .field("name", &self.name)
            .field("value_subject", &self.value_subject)
            .field("key_subject", &self.key_subject)
            .field("value_type", &std::any::type_name::<V>())
            .field("environments", &self.environments)
            .field("sink", &self.sink)
            .field("tombstones", &self.tombstones)
            .field("value_strategy", &self.value_strategy)
            .finish()
    }
}

impl<K: ?Sized, V> Clone for Topic<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: ?Sized, V> Copy for Topic<K, V> {}
