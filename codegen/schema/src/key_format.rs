//! How a topic's keys are written: the catalog's `key_format`, a generated topic
//! descriptor's key type, and what the producer and consumer do with keys.

/// How a topic's keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormat {
    /// Records have no key.
    None,
    /// The key's own bytes: UTF-8 for a `string` key, as they are for a `bytes` key (what
    /// most producers send).
    Raw,
    /// A Confluent-framed Avro value, registered under the key subject (`<topic>-key`).
    Avro,
}
