//! Confluent's JdbcSinkConnector: the column types its `PostgreSqlDatabaseDialect.getSqlType`
//! gives the Connect schema that `AvroConverter` makes of each field.

use super::connect::{self, Dialect};
use super::{ColumnType, Refusal};
use crate::ir::{Schema, SchemaSet};

const DIALECT: Dialect = Dialect {
    name: "the Confluent JDBC sink",
    // The dialect has no map type.
    maps_as_hstore: false,
    // The dialect writes DECIMAL without precision or scale: an unconstrained NUMERIC.
    decimal_precision: false,
};

/// The column type the Confluent JDBC sink can fill for `schema`.
pub(super) fn column_type(schemas: &SchemaSet, schema: &Schema) -> Result<ColumnType, Refusal> {
    connect::column_type(&DIALECT, schemas, schema)
}
