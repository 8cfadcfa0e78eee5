//! Tombstones: which topics may carry records without a value ("delete this key"), and
//! whether such a topic's sink can name the row a tombstone deletes.
//!
//! A tombstone has only its key, so the key must be the table's primary key:
//! - a raw `string` or `bytes` key is the value of a primary key of one field of that
//!   type (the producers key each record by it); for avrokit's sink a `string` key may
//!   also be a `uuid` field's text;
//! - an Avro record key (connector sinks only) has exactly the primary-key fields, each
//!   of the value field's type: the connectors then take the key columns from the key
//!   (`pk.mode=record_key`).

use super::TopicSettings;
use crate::ir::{Logical, NamedKind, Schema, SchemaSet};
use avrokit_schema::KeyFormat;
use avrokit_schema::sql::{Sink, SinkWriter};
use std::collections::BTreeMap;

/// Whether a topic may carry tombstones: as its `tombstones` flag says, else when it is
/// compacted (in its base settings or any environment), since deleting a key is what a
/// tombstone on a compacted topic does.
pub(super) fn enabled(
    flag: Option<bool>,
    settings: &TopicSettings,
    environments: &BTreeMap<String, TopicSettings>,
) -> bool {
    flag.unwrap_or_else(|| {
        std::iter::once(settings)
            .chain(environments.values())
            .any(|s| s.cleanup_policy.compacts())
    })
}

/// Why `sink` cannot delete the row a tombstone of a topic with `key` (written as
/// `key_format`) and `value` names, as a message and a hint; `None` when it can.
pub(super) fn key_problem(
    schemas: &SchemaSet,
    key: Option<&Schema>,
    key_format: KeyFormat,
    value: &Schema,
    sink: &Sink,
) -> Option<(String, String)> {
    let value_fields = record_fields(schemas, value);
    let primary_key = sink.primary_key.join(", ");
    let key = match (key, key_format) {
        (None | Some(Schema::Null), _) | (_, KeyFormat::None) => {
            return Some((
                "a tombstone names the row to delete by its key, and the topic has no key".to_owned(),
                format!("give the topic a key holding the primary key ({primary_key}), or set tombstones = false"),
            ));
        }
        (Some(key), _) => key,
    };
    if key_format == KeyFormat::Raw {
        let [field] = sink.primary_key.as_slice() else {
            return Some((
                format!(
                    "a raw `{}` key names one value, and the primary key has {} fields ({primary_key})",
                    schemas.describe(key),
                    sink.primary_key.len()
                ),
                "key the table by one field, or use an Avro record key with the primary-key fields".to_owned(),
            ));
        };
        let field_schema = value_fields.get(field.as_str())?;
        let uuid_text = sink.writer == SinkWriter::Avrokit
            && *key == Schema::String
            && **field_schema == Schema::Logical(Logical::Uuid);
        return (*field_schema != key && !uuid_text).then(|| {
            (
                format!(
                    "the raw `{}` key cannot be primary key `{field}`, which is `{}`",
                    schemas.describe(key),
                    schemas.describe(field_schema)
                ),
                format!(
                    "a raw key is the primary key's value as written: key the topic by a `{}` field",
                    schemas.describe(key)
                ),
            )
        });
    }
    if sink.writer == SinkWriter::Avrokit {
        return Some((
            "avrokit's sink deletes by raw string or bytes keys, and this key is Avro".to_owned(),
            "use key_format = \"raw\" with the primary key's value as the key, or a connector sink".to_owned(),
        ));
    }
    let key_fields = record_fields(schemas, key);
    let mut names: Vec<&str> = key_fields.keys().copied().collect();
    let mut wanted: Vec<&str> = sink.primary_key.iter().map(String::as_str).collect();
    names.sort_unstable();
    wanted.sort_unstable();
    if names != wanted {
        return Some((
            format!(
                "the key `{}` has the fields ({}), and the primary key is ({primary_key})",
                schemas.describe(key),
                names.join(", ")
            ),
            "the connector takes the key columns from the key: give the key record exactly the primary-key fields"
                .to_owned(),
        ));
    }
    let differing = key_fields
        .iter()
        .find(|(name, schema)| value_fields.get(*name).is_some_and(|v| v != *schema));
    differing.map(|(name, schema)| {
        (
            format!(
                "key field `{name}` is `{}`, and the value's `{name}` is `{}`",
                schemas.describe(schema),
                schemas.describe(value_fields[name])
            ),
            "give the key's fields the value's types".to_owned(),
        )
    })
}

/// The fields of `schema` by name, when it is a record (none otherwise).
fn record_fields<'a>(schemas: &'a SchemaSet, schema: &Schema) -> BTreeMap<&'a str, &'a Schema> {
    match schema {
        Schema::Named(id) => match &schemas.get(*id).kind {
            NamedKind::Record(record) => record.fields.iter().map(|f| (f.name.as_str(), &f.schema)).collect(),
            _ => BTreeMap::new(),
        },
        _ => BTreeMap::new(),
    }
}
