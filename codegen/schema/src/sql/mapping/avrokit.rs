//! avrokit's own sink: every Avro type has a column. Scalars map one to one; what has no
//! SQL scalar (records, maps, unions of several types, arrays of those) is JSONB.

use super::{ColumnType, Refusal, SqlType, null_refusal};
use crate::ir::{FixedLogical, Logical, NamedKind, Schema, SchemaSet};

/// The avrokit sink's column type for `schema`.
pub(super) fn column_type(schemas: &SchemaSet, schema: &Schema) -> Result<ColumnType, Refusal> {
    if *schema == Schema::Null {
        return Err(null_refusal());
    }
    Ok(match scalar(schemas, schema) {
        Some(column) => column,
        None => match schema {
            Schema::Array(items) => match scalar(schemas, items) {
                // PostgreSQL arrays are of scalars; an enum array keeps its check per
                // element.
                Some(element) => ColumnType {
                    sql: SqlType::Array(Box::new(element.sql)),
                    symbols: element.symbols,
                },
                None => ColumnType::plain(SqlType::Jsonb),
            },
            _ => ColumnType::plain(SqlType::Jsonb),
        },
    })
}

/// The column of a scalar type, or `None` for what is stored as JSONB.
fn scalar(schemas: &SchemaSet, schema: &Schema) -> Option<ColumnType> {
    let sql = match schema {
        Schema::Boolean => SqlType::Boolean,
        Schema::Int => SqlType::Integer,
        Schema::Long => SqlType::BigInt,
        Schema::Float => SqlType::Real,
        Schema::Double => SqlType::Double,
        Schema::String => SqlType::Text,
        Schema::Bytes => SqlType::Bytea,
        Schema::Logical(logical) => match logical {
            Logical::Decimal(d) => SqlType::Numeric(Some((d.precision, d.scale))),
            Logical::Uuid => SqlType::Uuid,
            Logical::Date => SqlType::Date,
            Logical::TimeMillis | Logical::TimeMicros => SqlType::Time,
            // PostgreSQL keeps microseconds: nanoseconds are truncated on insert.
            Logical::TimestampMillis | Logical::TimestampMicros | Logical::TimestampNanos => SqlType::TimestampTz,
            Logical::LocalTimestampMillis | Logical::LocalTimestampMicros | Logical::LocalTimestampNanos => {
                SqlType::Timestamp
            }
        },
        Schema::Named(id) => match &schemas.get(*id).kind {
            // TEXT with a CHECK rather than a PostgreSQL enum type: adding a symbol (a
            // compatible Avro change) is then a plain constraint swap in a migration,
            // where `ALTER TYPE ... ADD VALUE` cannot run inside a transaction block
            // before PostgreSQL 12 and can never remove or reorder symbols; the value
            // stays readable by any client as text.
            NamedKind::Enum(e) => {
                return Some(ColumnType {
                    sql: SqlType::Text,
                    symbols: Some(e.symbols.clone()),
                });
            }
            NamedKind::Fixed(f) => match f.logical {
                Some(FixedLogical::Decimal(d)) => SqlType::Numeric(Some((d.precision, d.scale))),
                Some(FixedLogical::Uuid) => SqlType::Uuid,
                Some(FixedLogical::Duration) => SqlType::Interval,
                None => SqlType::Bytea,
            },
            NamedKind::Record(_) => return None,
        },
        Schema::Null | Schema::Array(_) | Schema::Map(_) | Schema::Union(_) => return None,
    };
    Some(ColumnType::plain(sql))
}
