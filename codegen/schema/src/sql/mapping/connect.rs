//! The first step of both connectors: Confluent's `AvroConverter` (`AvroData.toConnectSchema`)
//! turns an Avro type into a Kafka Connect schema, which each connector then maps to SQL.

use super::{ColumnType, Refusal, SqlType, connector_refusal, null_refusal};
use crate::ir::{FixedLogical, Logical, NamedKind, Schema, SchemaSet};

/// A Kafka Connect schema, as far as the sinks distinguish them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Connect {
    /// BOOLEAN
    Boolean,
    /// INT32
    Int32,
    /// INT64, including the logical types AvroData leaves unmapped (time-micros,
    /// timestamp-micros/-nanos, local-timestamp-*).
    Int64,
    /// FLOAT32
    Float32,
    /// FLOAT64
    Float64,
    /// STRING, including enums.
    String,
    /// A STRING carrying a `uuid`: text on the wire, bindable to a pre-created UUID column.
    Uuid,
    /// BYTES, including fixed.
    Bytes,
    /// `Decimal` with its precision and scale.
    Decimal(u32, u32),
    /// `Date`
    Date,
    /// `Time` (from time-millis only).
    Time,
    /// `Timestamp` (from timestamp-millis only).
    Timestamp,
    /// ARRAY
    Array(Box<Connect>),
    /// MAP with string keys.
    Map(Box<Connect>),
    /// STRUCT: a record, or a union of several non-null types (`io.confluent.connect.avro.Union`).
    Struct,
}

/// The Connect schema AvroData gives a non-null Avro type (`None` for `null`).
pub(super) fn connect_schema(schemas: &SchemaSet, schema: &Schema) -> Option<Connect> {
    Some(match schema {
        Schema::Null => return None,
        Schema::Boolean => Connect::Boolean,
        Schema::Int => Connect::Int32,
        Schema::Long => Connect::Int64,
        Schema::Float => Connect::Float32,
        Schema::Double => Connect::Float64,
        Schema::String => Connect::String,
        Schema::Bytes => Connect::Bytes,
        Schema::Array(items) => Connect::Array(Box::new(connect_schema(schemas, items)?)),
        Schema::Map(values) => Connect::Map(Box::new(connect_schema(schemas, values)?)),
        Schema::Union(branches) => match schema.as_optional() {
            Some((inner, _)) => return connect_schema(schemas, inner),
            None if branches.iter().filter(|b| **b != Schema::Null).count() == 1 => {
                let inner = branches.iter().find(|b| **b != Schema::Null)?;
                return connect_schema(schemas, inner);
            }
            None => Connect::Struct,
        },
        Schema::Logical(logical) => match logical {
            Logical::Decimal(d) => Connect::Decimal(d.precision, d.scale),
            Logical::Uuid => Connect::Uuid,
            Logical::Date => Connect::Date,
            Logical::TimeMillis => Connect::Time,
            Logical::TimestampMillis => Connect::Timestamp,
            Logical::TimeMicros
            | Logical::TimestampMicros
            | Logical::TimestampNanos
            | Logical::LocalTimestampMillis
            | Logical::LocalTimestampMicros
            | Logical::LocalTimestampNanos => Connect::Int64,
        },
        Schema::Named(id) => match &schemas.get(*id).kind {
            NamedKind::Record(_) => Connect::Struct,
            NamedKind::Enum(_) => Connect::String,
            NamedKind::Fixed(f) => match f.logical {
                Some(FixedLogical::Decimal(d)) => Connect::Decimal(d.precision, d.scale),
                // AvroData maps neither uuid nor duration on a fixed: BYTES.
                Some(FixedLogical::Uuid | FixedLogical::Duration) | None => Connect::Bytes,
            },
        },
    })
}

/// The connectors' array support (PostgreSQL only) covers arrays of primitive types.
pub(super) fn array_element_ok(element: &Connect) -> bool {
    matches!(
        element,
        Connect::Boolean | Connect::Int32 | Connect::Int64 | Connect::Float32 | Connect::Float64 | Connect::String
    )
}

/// What distinguishes one JDBC sink connector's PostgreSQL mapping from the other's; the
/// rest (Avro → Connect → SQL) they share.
pub(super) struct Dialect {
    /// The connector, for refusals.
    pub name: &'static str,
    /// Whether it writes a map of scalars (as hstore); otherwise maps are refused.
    pub maps_as_hstore: bool,
    /// Whether DECIMAL columns keep the schema's precision and scale.
    pub decimal_precision: bool,
}

/// The column type `dialect`'s connector can fill for `schema`, or why it cannot.
pub(super) fn column_type(dialect: &Dialect, schemas: &SchemaSet, schema: &Schema) -> Result<ColumnType, Refusal> {
    let connect = connect_schema(schemas, schema).ok_or_else(null_refusal)?;
    let sql = match &connect {
        Connect::Array(element) if array_element_ok(element) => {
            scalar(dialect, element).map(|element| SqlType::Array(Box::new(element)))
        }
        Connect::Map(value) if dialect.maps_as_hstore && array_element_ok(value) => Some(SqlType::Hstore),
        other => scalar(dialect, other),
    };
    sql.map(ColumnType::plain)
        .ok_or_else(|| connector_refusal(schemas, schema, dialect.name))
}

/// The column type of a scalar Connect type; `None` for containers.
fn scalar(dialect: &Dialect, connect: &Connect) -> Option<SqlType> {
    Some(match connect {
        Connect::Boolean => SqlType::Boolean,
        Connect::Int32 => SqlType::Integer,
        Connect::Int64 => SqlType::BigInt,
        Connect::Float32 => SqlType::Real,
        Connect::Float64 => SqlType::Double,
        Connect::String => SqlType::Text,
        // Both bind a pre-created `uuid` column with a cast (`?::uuid`, `cast(? as uuid)`);
        // our DDL owns the table, so the column can have the precise type.
        Connect::Uuid => SqlType::Uuid,
        Connect::Bytes => SqlType::Bytea,
        Connect::Decimal(p, s) => SqlType::Numeric(dialect.decimal_precision.then_some((*p, *s))),
        Connect::Date => SqlType::Date,
        Connect::Time => SqlType::Time,
        Connect::Timestamp => SqlType::Timestamp,
        Connect::Array(_) | Connect::Map(_) | Connect::Struct => return None,
    })
}
