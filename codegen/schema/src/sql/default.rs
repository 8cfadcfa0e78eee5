//! Avro field defaults as SQL `DEFAULT` expressions, in the column's type (a
//! `timestamp-micros` default is a number in a connector's BIGINT column and a timestamp
//! in avrokit's TIMESTAMPTZ column).

use super::mapping::SqlType;
use crate::ir::{FixedLogical, Logical, NamedKind, Schema, SchemaSet, Value};

/// The `DEFAULT` expression of `value` (a default of `schema`) in a column of `sql`;
/// `Ok(None)` when the default is `null` (a nullable column's implicit default), `Err`
/// when the value has no literal in that type.
pub fn expression(
    schemas: &SchemaSet,
    schema: &Schema,
    value: &Value,
    sql: &SqlType,
) -> Result<Option<String>, String> {
    let (schema, value) = unwrap_union(schema, value);
    if *value == Value::Null {
        return Ok(None);
    }
    let unsupported = || {
        format!(
            "the default {} has no literal of type {}",
            to_json(schemas, schema, value),
            sql.sql()
        )
    };
    let literal = match (sql, value) {
        (SqlType::Jsonb, _) => format!("{}::JSONB", quote(&to_json(schemas, schema, value).to_string())),
        (SqlType::Boolean, Value::Boolean(b)) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        (SqlType::Integer | SqlType::BigInt, Value::Int(n)) => n.to_string(),
        (SqlType::Integer | SqlType::BigInt, Value::Long(n)) => n.to_string(),
        (SqlType::Real | SqlType::Double, Value::Float(f)) => float(f64::from(*f), sql),
        (SqlType::Real | SqlType::Double, Value::Double(f)) => float(*f, sql),
        (SqlType::Text, Value::String(s)) => quote(s),
        (SqlType::Text, Value::Enum(index)) => quote(&enum_symbol(schemas, schema, *index).ok_or_else(unsupported)?),
        (SqlType::Uuid, Value::String(s)) => format!("{}::UUID", quote(s)),
        (SqlType::Uuid, Value::Fixed(b)) => format!("{}::UUID", quote(&hex(b))),
        (SqlType::Bytea, Value::Bytes(b) | Value::Fixed(b)) => format!("{}::BYTEA", quote(&format!("\\x{}", hex(b)))),
        (SqlType::Numeric(_), Value::Bytes(b) | Value::Fixed(b)) => {
            decimal(b, scale(schemas, schema)).ok_or_else(unsupported)?
        }
        (SqlType::Date, Value::Int(days)) => format!("(DATE '1970-01-01' + {days})"),
        (SqlType::Time, Value::Int(ms)) => format!("TIME '{}'", time(i64::from(*ms) * 1000)),
        (SqlType::Time, Value::Long(us)) => format!("TIME '{}'", time(*us)),
        (SqlType::Timestamp | SqlType::TimestampTz, Value::Long(n)) => {
            let micros = match schema {
                Schema::Logical(Logical::TimestampMillis | Logical::LocalTimestampMillis) => n.saturating_mul(1000),
                // PostgreSQL keeps microseconds; the nanoseconds below are dropped.
                Schema::Logical(Logical::TimestampNanos | Logical::LocalTimestampNanos) => n.div_euclid(1000),
                _ => *n,
            };
            let epoch = if *sql == SqlType::TimestampTz {
                "TIMESTAMPTZ '1970-01-01 00:00:00+00'"
            } else {
                "TIMESTAMP '1970-01-01 00:00:00'"
            };
            format!("({epoch} + {micros} * INTERVAL '1 microsecond')")
        }
        (SqlType::Interval, Value::Fixed(b)) if b.len() == 12 => {
            let part = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
            format!(
                "INTERVAL '{} months {} days {} milliseconds'",
                part(0),
                part(4),
                part(8)
            )
        }
        (SqlType::Array(element), Value::Array(items)) => {
            let Schema::Array(item_schema) = schema else {
                return Err(unsupported());
            };
            let mut literals = Vec::with_capacity(items.len());
            for item in items {
                literals.push(expression(schemas, item_schema, item, element)?.unwrap_or_else(|| "NULL".into()));
            }
            format!("ARRAY[{}]::{}", literals.join(", "), sql.sql())
        }
        (SqlType::Hstore, Value::Map(entries)) => {
            let Schema::Map(value_schema) = schema else {
                return Err(unsupported());
            };
            // Debezium stores each value as its text, as `to_json` spells scalars.
            let keys: Vec<String> = entries.keys().map(|k| quote(k)).collect();
            let values: Vec<String> = entries
                .values()
                .map(|v| match to_json(schemas, value_schema, v) {
                    serde_json::Value::String(s) => quote(&s),
                    serde_json::Value::Null => "NULL".into(),
                    other => quote(&other.to_string()),
                })
                .collect();
            format!(
                "hstore(ARRAY[{}]::TEXT[], ARRAY[{}]::TEXT[])",
                keys.join(", "),
                values.join(", ")
            )
        }
        _ => return Err(unsupported()),
    };
    Ok(Some(literal))
}

/// A SQL string literal.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// An optional's default is stored as its branch: unwrap to the branch's type and value.
fn unwrap_union<'a>(schema: &'a Schema, value: &'a Value) -> (&'a Schema, &'a Value) {
    match (schema, value) {
        (Schema::Union(branches), Value::Union(index, inner))
            if branches.len() == 2 && schema.as_optional().is_some() =>
        {
            unwrap_union(&branches[*index], inner)
        }
        _ => (schema, value),
    }
}

fn float(f: f64, sql: &SqlType) -> String {
    if f.is_finite() {
        format!("{f:?}")
    } else {
        let text = if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        };
        format!("{}::{}", quote(text), sql.sql())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn enum_symbol(schemas: &SchemaSet, schema: &Schema, index: usize) -> Option<String> {
    match schema {
        Schema::Named(id) => match &schemas.get(*id).kind {
            NamedKind::Enum(e) => e.symbols.get(index).cloned(),
            _ => None,
        },
        _ => None,
    }
}

fn scale(schemas: &SchemaSet, schema: &Schema) -> u32 {
    match schema {
        Schema::Logical(Logical::Decimal(d)) => d.scale,
        Schema::Named(id) => match &schemas.get(*id).kind {
            NamedKind::Fixed(f) => match f.logical {
                Some(FixedLogical::Decimal(d)) => d.scale,
                _ => 0,
            },
            _ => 0,
        },
        _ => 0,
    }
}

/// A decimal's two's-complement big-endian unscaled value, written with `scale` digits
/// after the point; `None` beyond 128 bits (beyond any precision avrokit accepts).
fn decimal(bytes: &[u8], scale: u32) -> Option<String> {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    // Sign-extension bytes carry no value; a fixed is padded with them.
    let pad = if negative { 0xff } else { 0x00 };
    let significant = bytes.iter().skip_while(|b| **b == pad).count();
    if significant > 15 {
        return None;
    }
    let unscaled = bytes
        .iter()
        .fold(if negative { -1i128 } else { 0 }, |acc, b| (acc << 8) | i128::from(*b));
    let digits = unscaled.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    let sign = if unscaled < 0 { "-" } else { "" };
    Some(if scale == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
}

/// Microseconds after midnight as `HH:MM:SS.ffffff`.
fn time(micros: i64) -> String {
    let (seconds, fraction) = (micros.div_euclid(1_000_000), micros.rem_euclid(1_000_000));
    format!(
        "{:02}:{:02}:{:02}.{fraction:06}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The default as JSON, for JSONB columns: records as objects by field name, enums as
/// their symbol, unions as their branch's value, bytes as Avro JSON strings (one
/// character per byte), logical types in their underlying representation.
fn to_json(schemas: &SchemaSet, schema: &Schema, value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match (schema, value) {
        (_, Value::Null) => J::Null,
        (_, Value::Boolean(b)) => J::Bool(*b),
        (_, Value::Int(n)) => J::from(*n),
        (_, Value::Long(n)) => J::from(*n),
        (_, Value::Float(f)) => serde_json::Number::from_f64(f64::from(*f)).map_or(J::String(f.to_string()), J::Number),
        (_, Value::Double(f)) => serde_json::Number::from_f64(*f).map_or(J::String(f.to_string()), J::Number),
        (_, Value::Bytes(b) | Value::Fixed(b)) => J::String(b.iter().map(|&c| char::from(c)).collect()),
        (_, Value::String(s)) => J::String(s.clone()),
        (Schema::Array(items), Value::Array(values)) => {
            J::Array(values.iter().map(|v| to_json(schemas, items, v)).collect())
        }
        (Schema::Map(values_schema), Value::Map(entries)) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(schemas, values_schema, v)))
                .collect(),
        ),
        (Schema::Union(branches), Value::Union(index, inner)) => match branches.get(*index) {
            Some(branch) => to_json(schemas, branch, inner),
            None => J::Null,
        },
        (Schema::Named(id), _) => match (&schemas.get(*id).kind, value) {
            (NamedKind::Record(record), Value::Record(values)) => J::Object(
                record
                    .fields
                    .iter()
                    .zip(values)
                    .map(|(field, v)| (field.name.clone(), to_json(schemas, &field.schema, v)))
                    .collect(),
            ),
            (NamedKind::Enum(e), Value::Enum(index)) => e.symbols.get(*index).map_or(J::Null, |s| J::String(s.clone())),
            _ => J::Null,
        },
        _ => J::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_scale_and_sign() {
        assert_eq!(decimal(&[0x30, 0x39], 2).as_deref(), Some("123.45"));
        assert_eq!(decimal(&[0xff, 0xff, 0xcf, 0xc7], 2).as_deref(), Some("-123.45"));
        assert_eq!(decimal(&[0x05], 3).as_deref(), Some("0.005"));
        assert_eq!(decimal(&[], 0).as_deref(), Some("0"));
    }

    #[test]
    fn times_are_written_to_the_microsecond() {
        assert_eq!(time(45_296_789_000), "12:34:56.789000");
        assert_eq!(time(0), "00:00:00.000000");
    }

    #[test]
    fn strings_are_quoted_with_doubled_quotes() {
        assert_eq!(quote("it's"), "'it''s'");
    }
}
