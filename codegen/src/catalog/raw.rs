//! The catalog file as written, before checking: every value keeps its span.
//!
//! One table shape, [`RawSettings`], serves `[defaults]`, each topic and each
//! per-environment override, so the settings are spelled once; which keys each place may
//! use is checked afterwards (serde cannot combine `flatten` with `deny_unknown_fields`).

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCatalog {
    #[serde(default)]
    pub environments: Vec<Spanned<String>>,
    #[serde(default)]
    pub defaults: RawSettings,
    #[serde(default)]
    pub topics: BTreeMap<Spanned<String>, Spanned<RawSettings>>,
    pub connect: Option<RawConnect>,
    /// `[lint]`: the schema linter's configuration, which `avrokit lint` reads and checks
    /// (`lint::config`, feature `lint`); the catalog accepts it unread.
    #[serde(default, rename = "lint")]
    pub _lint: Option<serde::de::IgnoredAny>,
    /// `[codegen]`: the generated code's configuration, which the generator reads and
    /// checks (`CodegenConfig`); the catalog accepts it unread.
    #[serde(default, rename = "codegen")]
    pub _codegen: Option<serde::de::IgnoredAny>,
}

/// `[connect]`: the Kafka Connect workers' converter and connection placeholders.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConnect {
    pub converter: Option<Spanned<String>>,
    pub registry_url: Option<Spanned<String>>,
    pub database_url: Option<Spanned<String>>,
    pub database_user: Option<Spanned<String>>,
    pub database_password: Option<Spanned<String>>,
}

/// A topic, the defaults, or an environment's overrides.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSettings {
    pub doc: Option<String>,
    pub key: Option<Spanned<String>>,
    pub key_format: Option<Spanned<String>>,
    /// One type name, or (for a topic of several event types) a list of them.
    pub value: Option<Spanned<RawValue>>,
    /// How the value (and key) subjects are named: `topic_name`, `record_name` or
    /// `topic_record_name`.
    pub subject_strategy: Option<Spanned<String>>,
    pub compatibility: Option<Spanned<String>>,
    pub partitions: Option<Spanned<u32>>,
    pub replication_factor: Option<Spanned<u16>>,
    pub retention: Option<Spanned<String>>,
    pub retention_bytes: Option<Spanned<String>>,
    pub cleanup_policy: Option<Spanned<String>>,
    pub compression: Option<Spanned<String>>,
    pub min_insync_replicas: Option<Spanned<u16>>,
    /// Whether records may be tombstones, when the cleanup policy alone should not say.
    pub tombstones: Option<Spanned<bool>>,
    pub sink: Option<RawSink>,
    #[serde(default)]
    pub env: BTreeMap<Spanned<String>, Spanned<RawSettings>>,
}

impl RawSettings {
    /// Keys set here that are not Kafka settings, with their spans: allowed in a topic,
    /// not in an environment override.
    pub fn topic_only_keys(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut keys = Vec::new();
        let mut add = |name: &'static str, span: Option<std::ops::Range<usize>>| {
            if let Some(span) = span {
                keys.push((name, span));
            }
        };
        add("key", self.key.as_ref().map(Spanned::span));
        add("key_format", self.key_format.as_ref().map(Spanned::span));
        add("value", self.value.as_ref().map(Spanned::span));
        add("compatibility", self.compatibility.as_ref().map(Spanned::span));
        add("subject_strategy", self.subject_strategy.as_ref().map(Spanned::span));
        add("tombstones", self.tombstones.as_ref().map(Spanned::span));
        add("sink", self.sink.as_ref().map(|s| s.table.span()));
        add("env", self.env.keys().next().map(Spanned::span));
        keys
    }
}

/// A topic's sink table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSink {
    pub table: Spanned<String>,
    /// Who writes the table: `avrokit`, `confluent-jdbc` or `debezium-jdbc`.
    pub writer: Option<Spanned<String>>,
    #[serde(default)]
    pub primary_key: Vec<Spanned<String>>,
    #[serde(default)]
    pub indexes: Vec<RawIndex>,
    /// The Kafka Connect connector's name, instead of `<table>-sink`.
    pub connector: Option<Spanned<String>>,
    /// The connector's dead-letter topic, instead of `<topic>.dlq`.
    pub dead_letter_topic: Option<Spanned<String>>,
}

/// A secondary index.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndex {
    pub name: Spanned<String>,
    pub columns: Vec<Spanned<String>>,
}

/// A topic's `value`: one type name, or a list of them (several event types).
#[derive(Debug)]
pub(super) enum RawValue {
    /// `value = "shop.Order"`.
    One(String),
    /// `value = ["shop.OrderCreated", "shop.OrderCancelled"]`.
    Several(Vec<String>),
}

impl RawValue {
    /// The type names, in order.
    pub fn names(&self) -> Vec<&str> {
        match self {
            RawValue::One(name) => vec![name.as_str()],
            RawValue::Several(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawValue;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a type name, or a list of type names")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<RawValue, E> {
                Ok(RawValue::One(name.to_owned()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(RawValue::Several(names))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
