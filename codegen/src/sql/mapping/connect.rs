//! The first step of both connectors: Confluent's `AvroConverter` (`AvroData.toConnectSchema`)
//! turns an Avro type into a Kafka Connect schema, which each connector then maps to SQL.

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
