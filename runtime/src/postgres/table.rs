//! [`SinkTable`]: the table a sink writes, built by codegen's SQL backend from the value
//! schema and the sink's description, exactly as `cargo xtask gen` builds the DDL.

use super::error::SinkError;
use crate::AvroMessage;
use crate::schema::Schema;
use crate::topic::Topic;
use avrokit_schema::sql::Sink;
use avrokit_schema::sql::table::{self, Table};

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
        // No catalog file to locate sink-level problems in; the schema's own problems are
        // located in its text as usual.
        let table = table::for_value(value.types(), value.root(), topic, sink, None).map_err(SinkError::Table)?;
        Ok(Self {
            table,
            value: value.clone(),
        })
    }

    /// The table for records of the generated (or derived) type `T`.
    pub fn of<T: AvroMessage>(topic: &str, sink: &Sink) -> Result<Self, SinkError> {
        Self::new(T::schema(), topic, sink)
    }

    /// The table of a generated topic descriptor's sink (`topics::SMART_ACCESS_EVENTS`),
    /// or `None` when the catalog gives the topic no sink.
    pub fn for_topic<K: ?Sized, T: AvroMessage>(topic: &Topic<K, T>) -> Option<Result<Self, SinkError>> {
        let spec = topic.sink?;
        let sink = spec.indexes.iter().fold(
            Sink::new(spec.table, spec.writer, spec.primary_key.iter().copied()),
            |sink, index| sink.with_index(index.name, index.columns.iter().copied()),
        );
        Some(Self::of::<T>(topic.name, &sink))
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
