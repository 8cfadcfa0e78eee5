//! The table in the database against the table model: the sink refuses to start on a
//! table whose columns are not the types it writes (a table created from other DDL, or
//! a migration not yet run), rather than failing on the first row.

use super::error::SinkError;
use avrokit_schema::sql::mapping::SqlType;
use avrokit_schema::sql::table::Table;
use tokio_postgres::types::Type;

/// PostgreSQL's name (`pg_type.typname`) of a column type.
fn type_name(sql: &SqlType) -> String {
    match sql {
        SqlType::Boolean => "bool".into(),
        SqlType::Integer => "int4".into(),
        SqlType::BigInt => "int8".into(),
        SqlType::Real => "float4".into(),
        SqlType::Double => "float8".into(),
        SqlType::Text => "text".into(),
        SqlType::Bytea => "bytea".into(),
        SqlType::Numeric(_) => "numeric".into(),
        SqlType::Uuid => "uuid".into(),
        SqlType::Date => "date".into(),
        SqlType::Time => "time".into(),
        SqlType::TimestampTz => "timestamptz".into(),
        SqlType::Timestamp => "timestamp".into(),
        SqlType::Interval => "interval".into(),
        SqlType::Jsonb => "jsonb".into(),
        SqlType::Hstore => "hstore".into(),
        // Array types are named after their element with a leading underscore.
        SqlType::Array(element) => format!("_{}", type_name(element)),
    }
}

/// Compares the types PostgreSQL reports for `table`'s value columns (in order) with
/// the table model.
pub(super) fn column_types(table: &Table, found: &[Type]) -> Result<(), SinkError> {
    for (column, found) in table.columns.iter().zip(found) {
        let expected = type_name(&column.ty.sql);
        if found.name() != expected {
            return Err(SinkError::ColumnType {
                table: table.ident.clone(),
                column: column.ident.clone(),
                expected,
                found: found.name().to_owned(),
            });
        }
    }
    Ok(())
}
