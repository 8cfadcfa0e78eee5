//! Every derived type of `avro-schemas/` (the generated crate) and of the tricky corpus,
//! from the `REGISTRY` the generator writes next to them, so one test can run over all.

use avrokit::{DecodeError, Registered, avro_json};

/// Every registered record type.
pub fn all() -> impl Iterator<Item = &'static Registered> {
    avrokit_generated::REGISTRY.iter().chain(crate::corpus::REGISTRY)
}

/// The registered type with this full name.
pub fn lookup(name: &str) -> Option<&'static Registered> {
    all().find(|r| r.full_name == name)
}

/// The Avro JSON encoding of bytes of a registered type.
pub fn to_json(entry: &Registered, bytes: &[u8]) -> Result<serde_json::Value, DecodeError> {
    avro_json::to_json((entry.schema)(), bytes)
}
