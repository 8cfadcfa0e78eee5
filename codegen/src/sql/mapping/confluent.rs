//! Confluent's JdbcSinkConnector: `PostgreSqlDatabaseDialect.getSqlType` over the Connect
//! schema (survey, section d).

use super::connect::{Connect, array_element_ok, connect_schema};
use super::{ColumnType, Refusal, SqlType, connector_refusal, null_refusal};
use crate::ir::{Schema, SchemaSet};

const NAME: &str = "the Confluent JDBC sink";

/// The column type the Confluent JDBC sink can fill for `schema`.
pub(super) fn column_type(schemas: &SchemaSet, schema: &Schema) -> Result<ColumnType, Refusal> {
    let connect = connect_schema(schemas, schema).ok_or_else(null_refusal)?;
    let sql = match &connect {
        Connect::Array(element) if array_element_ok(element) => SqlType::Array(Box::new(scalar(element))),
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
        // The dialect binds a pre-created `uuid` column as `?::uuid`; our DDL owns the
        // table, so the column can have the precise type.
        Connect::Uuid => SqlType::Uuid,
        Connect::Bytes => SqlType::Bytea,
        // The dialect writes DECIMAL without precision or scale: an unconstrained NUMERIC.
        Connect::Decimal(..) => SqlType::Numeric(None),
        Connect::Date => SqlType::Date,
        Connect::Time => SqlType::Time,
        Connect::Timestamp => SqlType::Timestamp,
        Connect::Array(_) | Connect::Map(_) | Connect::Struct => {
            unreachable!("column_type refuses containers before asking for a scalar")
        }
    }
}
