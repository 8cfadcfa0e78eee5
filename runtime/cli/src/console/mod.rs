//! `avrokit consume TOPIC` and `avrokit produce TOPIC`: Avro topics at the terminal, by
//! the registry's schemas, with no generated Rust type — what kafka-avro-console-consumer,
//! kafka-avro-console-producer and kcat do, as JSON lines.
//!
//! ```text
//! avrokit consume telescope.data --from-beginning --max-messages 10
//! avrokit consume telescope.data --partition 0 --offset 42 --max-messages 1
//! avrokit produce telescope.data < values.jsonl
//! avrokit produce telescope.data --fake 1000 --seed 7
//! avrokit consume a --from-beginning --timeout 5 | avrokit produce b --envelope
//! ```
//!
//! One line per record, the same shape both ways (see [`mod@line`]): `consume` prints
//! `{"topic", "partition", "offset", "timestamp", "headers", "key", "schema_id", "value"}`
//! with the value in the Avro JSON encoding (`null` for a tombstone), and `produce
//! --envelope` reads that shape back (the fields a producer cannot choose are ignored).
//! Without `--envelope`, each input line is a bare value.

pub mod consume;
mod fake;
mod key;
pub mod line;
mod metadata;
pub mod produce;

pub use key::KeyEncoding;
