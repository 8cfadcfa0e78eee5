//! The sink's typed errors: which record of the batch, which field or column, and why;
//! PostgreSQL's own message and SQLSTATE when the database refused.

use crate::error::DecodeError;
use avrokit_schema::Diagnostics;
use thiserror::Error;

/// Why a batch was not written. Nothing of the batch is in the table after any of these:
/// the transaction is rolled back (or never opened), so the caller may retry or
/// dead-letter the batch.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SinkError {
    /// The value schema and sink cannot make a table (the same refusals `cargo xtask gen`
    /// reports).
    #[error("the sink table cannot be built:\n{0}")]
    Table(Diagnostics),
    /// A record's writer schema does not fit the table.
    #[error("record {record}: {error}")]
    Plan {
        /// Its index in the batch.
        record: usize,
        /// Why.
        error: PlanError,
    },
    /// A record's bytes could not become a row.
    #[error("record {record}, field `{field}`: {error}")]
    Value {
        /// Its index in the batch.
        record: usize,
        /// The Avro field being read (`<end>` for bytes after the last field).
        field: String,
        /// Why.
        error: ValueError,
    },
    /// A tombstone whose key names no row of the table: the table's primary key is not
    /// one TEXT or BYTEA column, or the key does not fit it.
    #[error("record {record}: a tombstone cannot delete its row: {reason}")]
    Tombstone {
        /// Its index in the batch.
        record: usize,
        /// Why.
        reason: String,
    },
    /// A column of the table in the database is not what the table model says (the
    /// table was not created from this DDL, or a migration is missing).
    #[error("column {column} of {table} is {found} in the database, but the sink writes {expected}")]
    ColumnType {
        /// The table, spelled.
        table: String,
        /// The column, spelled.
        column: String,
        /// The type the table model has (PostgreSQL's type name).
        expected: String,
        /// The type the database has.
        found: String,
    },
    /// A row's value has no binary form of its column's type (an array value for a
    /// scalar column: a table that does not match its model).
    #[error("row {row} of the batch, column {column}: {reason}")]
    Encode {
        /// Its index among the batch's rows (after equal keys were merged).
        row: usize,
        /// The column, spelled.
        column: String,
        /// Why.
        reason: String,
    },
    /// PostgreSQL refused a statement, or the connection failed.
    #[error("{doing}: {}{message}", code.as_ref().map(|c| format!("[{c}] ")).unwrap_or_default())]
    Database {
        /// What the sink was doing (`inserting 500 rows into raw_access_events`).
        doing: String,
        /// The SQLSTATE, when the server answered.
        code: Option<String>,
        /// PostgreSQL's message (with its detail), or the client's.
        message: String,
        /// The client's error.
        #[source]
        source: tokio_postgres::Error,
    },
}

impl SinkError {
    /// A database error while `doing` something, keeping PostgreSQL's message, detail
    /// and SQLSTATE.
    pub fn database(doing: impl Into<String>, source: tokio_postgres::Error) -> Self {
        let (code, message) = match source.as_db_error() {
            Some(db) => (
                Some(db.code().code().to_owned()),
                match db.detail() {
                    Some(detail) => format!("{} ({detail})", db.message()),
                    None => db.message().to_owned(),
                },
            ),
            None => (None, source.to_string()),
        };
        SinkError::Database {
            doing: doing.into(),
            code,
            message,
            source,
        }
    }

    /// The SQLSTATE of a database error.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            SinkError::Database { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// Why a writer schema cannot feed the table.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The writer schema is not a record.
    #[error("the writer schema is `{0}`, not a record")]
    NotARecord(String),
    /// A writer field has no column (nor does any alias of it).
    #[error(
        "field `{field}` of the writer schema has no column in {table}; add it to the value schema and run `cargo xtask gen` (a migration adds the column)"
    )]
    NoColumn {
        /// The field.
        field: String,
        /// The table, spelled.
        table: String,
    },
    /// A writer field's type cannot fill its column.
    #[error("field `{field}` is `{avro}` in the writer schema, which cannot fill column {column} {sql}")]
    Type {
        /// The field.
        field: String,
        /// Its Avro type.
        avro: String,
        /// The column, spelled.
        column: String,
        /// Its PostgreSQL type.
        sql: String,
    },
    /// A column the writer schema has no field for can be left neither NULL nor to a
    /// default.
    #[error("the writer schema has no field for column {column}, which is {why}")]
    MissingColumn {
        /// The column, spelled.
        column: String,
        /// `part of the primary key` or `NOT NULL without a default`.
        why: &'static str,
    },
}

/// Why one value could not become a column value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The Avro bytes are malformed (the offset is within the record).
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A value PostgreSQL's type cannot hold.
    #[error("{what} {value} is outside what {sql} holds")]
    OutOfRange {
        /// The Avro value's kind.
        what: &'static str,
        /// The value.
        value: String,
        /// The PostgreSQL type (or the bound).
        sql: &'static str,
    },
    /// A string with U+0000, which PostgreSQL text types refuse.
    #[error("PostgreSQL {sql} cannot hold the character U+0000")]
    Nul {
        /// The column type.
        sql: &'static str,
    },
    /// Bytes promoted to a TEXT column that are not UTF-8.
    #[error("bytes for a TEXT column are not UTF-8")]
    NotUtf8,
    /// An enum symbol the column's CHECK does not admit (the writer has a newer symbol
    /// than the table).
    #[error("enum symbol `{0}` is not among the column's symbols; run the migration that adds it")]
    Symbol(String),
    /// NULL for a NOT NULL column.
    #[error("null, but the column is NOT NULL")]
    Null,
}
