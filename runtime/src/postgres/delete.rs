//! Tombstones as deletes: how a record's key names the row to delete.
//!
//! The mapping is the one `avrokit gen` checks for a topic with tombstones: the topic's
//! raw key (a string or bytes, as the producers write it) is the value of the table's
//! single primary-key column, a TEXT, UUID (the key is the UUID's text) or BYTEA column.
//! Any other table refuses the tombstone at the record (and `gen` refuses such a catalog
//! beforehand).

use super::error::SinkError;
use super::value::SqlValue;
use crate::codec;
use avrokit_schema::sql::mapping::SqlType;
use avrokit_schema::sql::table::Table;

/// The primary-key column a tombstone's key is the value of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyColumn {
    /// A TEXT column: the key must be UTF-8.
    Text,
    /// A UUID column: the key is a UUID's text.
    Uuid,
    /// A BYTEA column: the key as it is.
    Bytea,
}

impl KeyColumn {
    /// The key column of `table`, or why its rows cannot be deleted by key.
    pub(super) fn of(table: &Table) -> Result<KeyColumn, String> {
        let [key] = table.primary_key.as_slice() else {
            return Err(match table.primary_key.len() {
                0 => format!("{} has no primary key to delete by", table.ident),
                n => format!(
                    "{} has a primary key of {n} columns, and a record key names one value",
                    table.ident
                ),
            });
        };
        let column = table
            .columns
            .iter()
            .find(|c| &c.ident == key)
            .ok_or_else(|| format!("{}: the primary key {key} is not a column", table.ident))?;
        match column.ty.sql {
            SqlType::Text => Ok(KeyColumn::Text),
            SqlType::Uuid => Ok(KeyColumn::Uuid),
            SqlType::Bytea => Ok(KeyColumn::Bytea),
            _ => Err(format!(
                "{}: the primary key {key} is {}, and only TEXT, UUID or BYTEA keys are a record key",
                table.ident,
                column.ty.sql.sql()
            )),
        }
    }

    /// The column value `key` names, and its identity in a batch: the Avro encoding a
    /// row of the same key has in [`Row::key`](super::Row::key) (a string and bytes
    /// encode alike; a UUID's text as the key spells it, which is how the value's field
    /// spells it when producers key records by it).
    pub(super) fn value(self, key: &[u8]) -> Result<(SqlValue, Vec<u8>), String> {
        let mut identity = Vec::with_capacity(key.len() + 2);
        codec::write_bytes(&mut identity, key);
        let value = match self {
            KeyColumn::Text => {
                let text = std::str::from_utf8(key).map_err(|_| "the key is not UTF-8, and the key column is TEXT")?;
                if text.contains('\0') {
                    return Err("the key holds U+0000, which TEXT cannot".to_owned());
                }
                SqlValue::Text(text.to_owned())
            }
            KeyColumn::Uuid => {
                let uuid = std::str::from_utf8(key)
                    .ok()
                    .and_then(|text| uuid::Uuid::parse_str(text).ok())
                    .ok_or("the key is not a UUID's text, and the key column is UUID")?;
                SqlValue::Uuid(uuid.into_bytes())
            }
            KeyColumn::Bytea => SqlValue::Bytea(key.to_vec()),
        };
        Ok((value, identity))
    }
}

/// `DELETE FROM <table> WHERE <key> = ANY($1)`: one statement for every delete of a batch.
pub(super) fn statement(table: &Table) -> String {
    format!(
        "DELETE FROM {} WHERE {} = ANY($1)",
        table.ident,
        table.primary_key.join(", ")
    )
}

/// The error of tombstone `record` of a batch.
pub(super) fn refused(record: usize, reason: String) -> SinkError {
    SinkError::Tombstone { record, reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;
    use avrokit_schema::sql::{Sink, SinkWriter};

    fn table(value: &str, key: &[&str]) -> Table {
        let value = Schema::parse(value).expect("valid");
        let sink = Sink::new("t", SinkWriter::Avrokit, key.iter().copied());
        avrokit_schema::sql::table::for_value(value.types(), value.root(), "topic", &sink, None).expect("builds")
    }

    const VALUE: &str = r#"{"type": "record", "name": "R", "fields": [
        {"name": "id", "type": "string"}, {"name": "raw", "type": "bytes"}, {"name": "n", "type": "long"},
        {"name": "u", "type": {"type": "string", "logicalType": "uuid"}}]}"#;

    #[test]
    fn a_single_text_or_bytea_key_is_the_record_key() {
        assert_eq!(KeyColumn::of(&table(VALUE, &["id"])), Ok(KeyColumn::Text));
        assert_eq!(KeyColumn::of(&table(VALUE, &["raw"])), Ok(KeyColumn::Bytea));
        assert_eq!(KeyColumn::of(&table(VALUE, &["u"])), Ok(KeyColumn::Uuid));
        let text = "0b7e9d2c-3f4a-4b5c-8d6e-7f8091a2b3c4";
        let (value, identity) = KeyColumn::Uuid.value(text.as_bytes()).expect("a UUID");
        assert_eq!(value, SqlValue::Uuid(uuid::Uuid::parse_str(text).unwrap().into_bytes()));
        assert_eq!(identity[1..], *text.as_bytes());
        assert!(
            KeyColumn::Uuid
                .value(b"lock-1")
                .expect_err("not a UUID")
                .contains("UUID")
        );
        let (value, identity) = KeyColumn::Text.value(b"lock-1").expect("UTF-8");
        assert_eq!(value, SqlValue::Text("lock-1".into()));
        assert_eq!(identity, [&[12][..], b"lock-1"].concat());
        assert_eq!(
            KeyColumn::Bytea.value(&[0xff]).expect("any bytes").0,
            SqlValue::Bytea(vec![0xff])
        );
    }

    #[test]
    fn keys_that_name_no_single_row_are_refused_with_the_reason() {
        let long = KeyColumn::of(&table(VALUE, &["n"])).expect_err("BIGINT");
        assert!(long.contains("BIGINT"), "{long}");
        let two = KeyColumn::of(&table(VALUE, &["id", "n"])).expect_err("two columns");
        assert!(two.contains("2 columns"), "{two}");
        let none = KeyColumn::of(&table(VALUE, &[])).expect_err("no key");
        assert!(none.contains("no primary key"), "{none}");
        assert!(KeyColumn::Text.value(&[0xff]).expect_err("not UTF-8").contains("UTF-8"));
        assert!(KeyColumn::Text.value(b"a\0").expect_err("NUL").contains("U+0000"));
    }
}
