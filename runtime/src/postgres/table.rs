//! [`SinkTable`]: the table a sink writes, built by codegen's SQL backend from the value
//! schema and the sink's description, exactly as `cargo xtask gen` builds the DDL.

use super::error::SinkError;
use crate::AvroMessage;
use crate::schema::Schema;
use avrokit_codegen::catalog::Sink;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::sql::table::{self, Table};

/// A sink's table model and the value schema it was built from.
#[derive(Debug, Clone)]
pub struct SinkTable {
    table: Table,
    value: Schema,
}

impl SinkTable {
    /// The table `sink` describes for records of `value` fed from `topic`, or every
    /// reason its writer cannot fill it (as `gen` reports them).
    pub fn new(value: &Schema, topic: &str, sink: &Sink) -> Result<Self, SinkError> {
        // There is no catalog file to locate sink-level problems in; the schema's own
        // problems are located in its text as usual.
        let origin = SourceFile::new(format!("<sink of topic {topic}>"), "");
        let table = table::for_value(value.types(), value.root(), topic, sink, &origin).map_err(SinkError::Table)?;
        Ok(Self {
            table,
            value: value.clone(),
        })
    }

    /// The table for records of the generated (or derived) type `T`.
    pub fn of<T: AvroMessage>(topic: &str, sink: &Sink) -> Result<Self, SinkError> {
        Self::new(T::schema(), topic, sink)
    }

    /// The table model: columns, key, indexes, and [`Table::render`] for its DDL.
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// The value schema the table was built from.
    pub fn value(&self) -> &Schema {
        &self.value
    }
}
