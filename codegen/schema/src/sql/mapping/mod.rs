//! Avro → PostgreSQL column types, one module per writer: what each writer can really
//! fill. avrokit's sink maps Avro types directly; the two connectors go Avro → Connect
//! schema (`connect`) → SQL, each with its own dialect.

mod avrokit;
mod confluent;
mod connect;
mod debezium;

use super::SinkWriter;
use crate::ir::{Schema, SchemaSet};

/// A PostgreSQL column type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlType {
    /// `BOOLEAN`
    Boolean,
    /// `INTEGER`
    Integer,
    /// `BIGINT`
    BigInt,
    /// `REAL`
    Real,
    /// `DOUBLE PRECISION`
    Double,
    /// `TEXT`
    Text,
    /// `BYTEA`
    Bytea,
    /// `NUMERIC(p, s)`, or unconstrained `NUMERIC`.
    Numeric(Option<(u32, u32)>),
    /// `UUID`
    Uuid,
    /// `DATE`
    Date,
    /// `TIME`
    Time,
    /// `TIMESTAMPTZ`
    TimestampTz,
    /// `TIMESTAMP` (without time zone)
    Timestamp,
    /// `INTERVAL`
    Interval,
    /// `JSONB`
    Jsonb,
    /// `HSTORE` (the extension)
    Hstore,
    /// `<element>[]`
    Array(Box<SqlType>),
}

impl SqlType {
    /// The type as written in DDL.
    pub fn sql(&self) -> String {
        match self {
            SqlType::Boolean => "BOOLEAN".into(),
            SqlType::Integer => "INTEGER".into(),
            SqlType::BigInt => "BIGINT".into(),
            SqlType::Real => "REAL".into(),
            SqlType::Double => "DOUBLE PRECISION".into(),
            SqlType::Text => "TEXT".into(),
            SqlType::Bytea => "BYTEA".into(),
            SqlType::Numeric(Some((p, s))) => format!("NUMERIC({p}, {s})"),
            SqlType::Numeric(None) => "NUMERIC".into(),
            SqlType::Uuid => "UUID".into(),
            SqlType::Date => "DATE".into(),
            SqlType::Time => "TIME".into(),
            SqlType::TimestampTz => "TIMESTAMPTZ".into(),
            SqlType::Timestamp => "TIMESTAMP".into(),
            SqlType::Interval => "INTERVAL".into(),
            SqlType::Jsonb => "JSONB".into(),
            SqlType::Hstore => "HSTORE".into(),
            SqlType::Array(element) => format!("{}[]", element.sql()),
        }
    }

    /// Whether the type, or its element type, needs the `hstore` extension.
    pub fn needs_hstore(&self) -> bool {
        match self {
            SqlType::Hstore => true,
            SqlType::Array(element) => element.needs_hstore(),
            _ => false,
        }
    }
}

/// A column's type and the values it admits beyond the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnType {
    /// The PostgreSQL type.
    pub sql: SqlType,
    /// Enum symbols the column (or each array element) must be one of.
    pub symbols: Option<Vec<String>>,
}

impl ColumnType {
    /// A column of `sql` with no further check.
    pub fn plain(sql: SqlType) -> Self {
        Self { sql, symbols: None }
    }
}

/// Why a writer cannot write a field, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refusal {
    /// What cannot be written (`a nested record (astro.beam.Position)`).
    pub what: String,
    /// The alternatives, as a sentence.
    pub alternatives: String,
}

/// The column type `writer` gives a non-null field type (the caller has unwrapped
/// `["null", T]`), or why it cannot write it.
pub fn column_type(writer: SinkWriter, schemas: &SchemaSet, schema: &Schema) -> Result<ColumnType, Refusal> {
    match writer {
        SinkWriter::Avrokit => avrokit::column_type(schemas, schema),
        SinkWriter::ConfluentJdbc => confluent::column_type(schemas, schema),
        SinkWriter::DebeziumJdbc => debezium::column_type(schemas, schema),
    }
}

/// What both connectors refuse alike: Connect STRUCTs (records, unions of several types)
/// and arrays of them have no column type in either sink.
pub(super) fn connector_refusal(schemas: &SchemaSet, schema: &Schema, connector: &str) -> Refusal {
    let what = match schema {
        Schema::Named(_) => format!("a nested record ({})", schemas.describe(schema)),
        Schema::Union(_) => format!("a union of several types ({})", schemas.describe(schema)),
        Schema::Array(_) => format!(
            "an array of {}",
            schemas
                .describe(schema)
                .trim_start_matches("array<")
                .trim_end_matches('>')
        ),
        Schema::Map(_) => format!("a map ({})", schemas.describe(schema)),
        _ => format!("`{}`", schemas.describe(schema)),
    };
    Refusal {
        what,
        alternatives: format!(
            "{connector} has no column type for it; set the sink's writer = \"avrokit\" (it stores it as JSONB), flatten the value with the Flatten SMT or pick fields with ExtractField, or change the field to primitives"
        ),
    }
}

/// A `null` field has nothing to store, whoever writes it.
pub(super) fn null_refusal() -> Refusal {
    Refusal {
        what: "a field of type `null`".into(),
        alternatives: "it carries no data: remove it from the value, or give it a type".into(),
    }
}
