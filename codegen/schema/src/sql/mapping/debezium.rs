//! Debezium's JdbcSinkConnector: the column types its type registry, with Hibernate's
//! PostgreSQL type names, gives the Connect schema that `AvroConverter` makes of each field.

use super::connect::{self, Dialect};
use super::{ColumnType, Refusal};
use crate::ir::{Schema, SchemaSet};

const DIALECT: Dialect = Dialect {
    name: "the Debezium JDBC sink",
    // Debezium writes a map as hstore on PostgreSQL, each value as its text; a map of
    // containers would be stored as their Java toString, so only scalars are allowed.
    maps_as_hstore: true,
    decimal_precision: true,
};

/// The column type the Debezium JDBC sink can fill for `schema`.
pub(super) fn column_type(schemas: &SchemaSet, schema: &Schema) -> Result<ColumnType, Refusal> {
    connect::column_type(&DIALECT, schemas, schema)
}
