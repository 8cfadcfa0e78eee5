//! Debezium's JdbcSinkConnector: its type registry with Hibernate's PostgreSQL type names
//! over the Connect schema (survey, section d).

use super::connect::{Connect, array_element_ok, connect_schema};
use super::{ColumnType, Refusal, SqlType, connector_refusal, null_refusal};
use crate::ir::{Schema, SchemaSet};

const NAME: &str = "the Debezium JDBC sink";

/// The column type the Debezium JDBC sink can fill for `schema`.
pub(super) fn column_type(schemas: &SchemaSet, schema: &Schema) -> Result<ColumnType, Refusal> {
    let connect = connect_schema(schemas, schema).ok_or_else(null_refusal)?;
    let sql = match &connect {
        Connect::Array(element) if array_element_ok(element) => SqlType::Array(Box::new(scalar(element))),
        // Debezium writes a map as hstore on PostgreSQL, each value as its text; a map of
        // containers would be stored as their Java toString, so only scalars are allowed.
        Connect::Map(value) if array_element_ok(value) => SqlType::Hstore,
        Connect::Array(_) | Connect::Map(_) | Connect::Struct => {
            return Err(connector_refusal(schemas, schema, NAME));
        }
        other => scalar(other),
    };
    Ok(ColumnType::plain(sql))
}

fn scalar(connect: &Connect) -> SqlType {
    match connect {
        Connect::Boolean => SqlType::Boolean,
        Connect::Int32 => SqlType::Integer,
        Connect::Int64 => SqlType::BigInt,
        Connect::Float32 => SqlType::Real,
        Connect::Float64 => SqlType::Double,
        Connect::String => SqlType::Text,
        // Bound as `cast(? as uuid)` when the pre-created column is a uuid.
        Connect::Uuid => SqlType::Uuid,
        Connect::Bytes => SqlType::Bytea,
        Connect::Decimal(p, s) => SqlType::Numeric(Some((*p, *s))),
        Connect::Date => SqlType::Date,
        Connect::Time => SqlType::Time,
        Connect::Timestamp => SqlType::Timestamp,
        Connect::Array(_) | Connect::Map(_) | Connect::Struct => {
            unreachable!("column_type refuses containers before asking for a scalar")
        }
    }
}
