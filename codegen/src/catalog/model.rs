//! The catalog's model: what a loaded, checked `catalog.toml` says.

use super::ConnectSettings;
use crate::ir::Schema;
use crate::source::{SourceFile, Span};
use avrokit_schema::sql::Sink;
use avrokit_schema::subject::SubjectNameStrategy;
use avrokit_schema::{Compatibility, KeyFormat};
use std::collections::BTreeMap;

/// A loaded, checked catalog.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Catalog {
    /// The catalog file.
    pub file: SourceFile,
    /// Declared environments (`dev`, `prod`, ...).
    pub environments: Vec<String>,
    /// The topics, sorted by name.
    pub topics: Vec<Topic>,
    /// How Kafka Connect runs the connector sinks (`[connect]`).
    pub connect: ConnectSettings,
}

/// One topic.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Topic {
    /// The Kafka topic name.
    pub name: String,
    /// What the topic is for.
    pub doc: Option<String>,
    /// The key's Avro type (`None`: messages have no key).
    pub key: Option<Schema>,
    /// How keys are written.
    pub key_format: KeyFormat,
    /// The value's Avro type (the first of [`value_types`](Self::value_types) when the
    /// topic has several).
    pub value: Schema,
    /// Every value type, in the catalog's order: `[value]`, or the named records of a
    /// topic of several event types (`value = ["a.Created", "a.Deleted"]`), each with
    /// its own subject.
    pub value_types: Vec<Schema>,
    /// How value subjects are named (`subject_strategy`; TopicName by default, RecordName
    /// or TopicRecordName for several value types). Keys stay `<topic>-key`.
    pub subject_strategy: SubjectNameStrategy,
    /// Each value type's subject under that strategy, in the catalog's order.
    pub value_subjects: Vec<String>,
    /// Settings for environments without overrides.
    pub settings: TopicSettings,
    /// Per-environment settings, with overrides applied.
    pub environments: BTreeMap<String, TopicSettings>,
    /// The compatibility mode of the topic's subjects.
    pub compatibility: Compatibility,
    /// The PostgreSQL table the topic is written to, if any.
    pub sink: Option<Sink>,
    /// Whether records may be tombstones (no value: "delete this key"): the catalog's
    /// `tombstones`, else whether the topic is compacted.
    pub tombstones: bool,
    /// Where the topic's table starts in the catalog.
    pub span: Span,
}

impl Topic {
    /// The settings in `environment` (the base settings for an environment without
    /// overrides).
    pub fn settings_for(&self, environment: &str) -> &TopicSettings {
        self.environments.get(environment).unwrap_or(&self.settings)
    }

    /// The registry subject of the (first) value type: `<topic>-value` under the
    /// TopicName strategy, the type's full name under RecordName, `<topic>-<full name>`
    /// under TopicRecordName ([`value_subjects`](Self::value_subjects) has each type's).
    pub fn value_subject(&self) -> String {
        self.value_subjects[0].clone()
    }

    /// Each value type's subject with its schema, in the catalog's order.
    pub fn value_subjects_with_types(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.value_subjects.iter().map(String::as_str).zip(&self.value_types)
    }

    /// The registry subject of keys, when keys are Avro: `<topic>-key`.
    pub fn key_subject(&self) -> Option<String> {
        (self.key_format == KeyFormat::Avro).then(|| format!("{}-key", self.name))
    }
}

/// Kafka topic settings.
///
/// [`TopicSettings::default`] holds Kafka's broker defaults, which a topic gets for every
/// setting neither it nor `[defaults]` gives; the `with_*` methods change one setting:
///
/// ```
/// use avrokit_codegen::catalog::{CleanupPolicy, TopicSettings};
/// let settings = TopicSettings::default().with_partitions(6).with_cleanup_policy(CleanupPolicy::Compact);
/// assert_eq!(settings.kafka_configs()[0], ("cleanup.policy", "compact".to_owned()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TopicSettings {
    /// Number of partitions.
    pub partitions: u32,
    /// Replication factor.
    pub replication_factor: u16,
    /// `retention.ms` (-1: forever).
    pub retention_ms: i64,
    /// `retention.bytes` per partition (-1: unlimited).
    pub retention_bytes: i64,
    /// `cleanup.policy`.
    pub cleanup_policy: CleanupPolicy,
    /// `compression.type`.
    pub compression: Compression,
    /// `min.insync.replicas`.
    pub min_insync_replicas: u16,
}

impl Default for TopicSettings {
    /// Kafka's broker defaults: one partition, one replica, seven days of retention with
    /// no size limit, `delete`, the producer's compression, one in-sync replica.
    fn default() -> Self {
        Self {
            partitions: 1,
            replication_factor: 1,
            retention_ms: 7 * 24 * 3_600_000,
            retention_bytes: -1,
            cleanup_policy: CleanupPolicy::Delete,
            compression: Compression::Producer,
            min_insync_replicas: 1,
        }
    }
}

impl TopicSettings {
    /// The same settings with `partitions`.
    pub fn with_partitions(mut self, partitions: u32) -> Self {
        self.partitions = partitions;
        self
    }

    /// The same settings with `replication_factor`.
    pub fn with_replication_factor(mut self, replication_factor: u16) -> Self {
        self.replication_factor = replication_factor;
        self
    }

    /// The same settings with `retention.ms` (-1: forever).
    pub fn with_retention_ms(mut self, retention_ms: i64) -> Self {
        self.retention_ms = retention_ms;
        self
    }

    /// The same settings with `retention.bytes` per partition (-1: unlimited).
    pub fn with_retention_bytes(mut self, retention_bytes: i64) -> Self {
        self.retention_bytes = retention_bytes;
        self
    }

    /// The same settings with `cleanup.policy`.
    pub fn with_cleanup_policy(mut self, cleanup_policy: CleanupPolicy) -> Self {
        self.cleanup_policy = cleanup_policy;
        self
    }

    /// The same settings with `compression.type`.
    pub fn with_compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }

    /// The same settings with `min.insync.replicas`.
    pub fn with_min_insync_replicas(mut self, min_insync_replicas: u16) -> Self {
        self.min_insync_replicas = min_insync_replicas;
        self
    }

    /// The topic-level configs Kafka stores for these settings, keyed as Kafka spells
    /// them (partitions and replication factor are not configs: they are set at creation).
    pub fn kafka_configs(&self) -> [(&'static str, String); 5] {
        [
            ("cleanup.policy", self.cleanup_policy.as_kafka().to_owned()),
            ("compression.type", self.compression.as_kafka().to_owned()),
            ("min.insync.replicas", self.min_insync_replicas.to_string()),
            ("retention.bytes", self.retention_bytes.to_string()),
            ("retention.ms", self.retention_ms.to_string()),
        ]
    }
}

/// `cleanup.policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CleanupPolicy {
    /// `delete`: drop old segments.
    Delete,
    /// `compact`: keep the latest value per key.
    Compact,
    /// `compact,delete`: both.
    CompactDelete,
}

impl CleanupPolicy {
    /// The Kafka config value.
    pub fn as_kafka(self) -> &'static str {
        match self {
            CleanupPolicy::Delete => "delete",
            CleanupPolicy::Compact => "compact",
            CleanupPolicy::CompactDelete => "compact,delete",
        }
    }

    /// Whether Kafka compacts the topic (keeps the latest record per key, and drops a
    /// key whose latest record is a tombstone).
    pub fn compacts(self) -> bool {
        matches!(self, CleanupPolicy::Compact | CleanupPolicy::CompactDelete)
    }
}

/// `compression.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Keep whatever the producer used.
    Producer,
    /// Uncompressed.
    None,
    /// gzip.
    Gzip,
    /// Snappy.
    Snappy,
    /// LZ4.
    Lz4,
    /// Zstandard.
    Zstd,
}

impl Compression {
    /// The Kafka config value.
    pub fn as_kafka(self) -> &'static str {
        match self {
            Compression::Producer => "producer",
            Compression::None => "uncompressed",
            Compression::Gzip => "gzip",
            Compression::Snappy => "snappy",
            Compression::Lz4 => "lz4",
            Compression::Zstd => "zstd",
        }
    }
}
