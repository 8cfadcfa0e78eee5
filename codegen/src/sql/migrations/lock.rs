//! `tables.lock.json`: the shape every sink table has once all migrations have run, and
//! the checksum of every migration, so that the next `gen` knows what to migrate from
//! and notices a migration edited after the fact.

use super::super::table::{Column, Table};
use crate::canonical::rabin_fingerprint;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The lock file's name in the migrations directory.
pub const LOCK_FILE: &str = "tables.lock.json";

/// The lock file's content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lock {
    /// Every migration, in order.
    pub migrations: Vec<LockedMigration>,
    /// Each table's shape after the last migration, by table name as the catalog writes it.
    pub tables: BTreeMap<String, TableShape>,
}

/// One migration file and its checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedMigration {
    /// File name (`0001_create_telescope_data_raw.sql`).
    pub file: String,
    /// Rabin fingerprint of its content, in hex.
    pub checksum: String,
}

/// A table as the migrations leave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableShape {
    /// The table's name as the writer's statements spell it.
    pub ident: String,
    /// Its columns from value fields, in the order they were added.
    pub columns: Vec<ColumnShape>,
    /// Primary key columns, spelled.
    pub primary_key: Vec<String>,
    /// Secondary indexes: name → columns, spelled.
    pub indexes: BTreeMap<String, Vec<String>>,
    /// The table comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// A column as the migrations leave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnShape {
    /// Column name, spelled.
    pub ident: String,
    /// PostgreSQL type.
    pub sql_type: String,
    /// Whether it admits NULL.
    pub nullable: bool,
    /// `DEFAULT` expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The symbols `CHECK (...)`, and the constraint's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<(String, String)>,
    /// The column comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The field left the schema: the column stays, with its data, and admits NULL.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

impl TableShape {
    /// The shape `table`'s DDL creates.
    pub fn of(table: &Table) -> TableShape {
        TableShape {
            ident: table.ident.clone(),
            columns: table.columns.iter().map(ColumnShape::of).collect(),
            primary_key: table.primary_key.clone(),
            indexes: table.indexes.iter().cloned().collect(),
            doc: table.doc.clone(),
        }
    }
}

impl ColumnShape {
    /// The shape of `column` as generated.
    pub fn of(column: &Column) -> ColumnShape {
        ColumnShape {
            ident: column.ident.clone(),
            sql_type: column.ty.sql.sql(),
            nullable: column.nullable,
            default: column.default.clone(),
            check: column.check().map(|check| (column.check_name.clone(), check)),
            doc: column.doc.clone(),
            retired: false,
        }
    }
}

/// The checksum recorded for a migration's content.
pub fn checksum(contents: &str) -> String {
    format!("{:016x}", rabin_fingerprint(contents.as_bytes()))
}

impl Lock {
    /// Parses a lock file.
    pub fn parse(text: &str) -> Result<Lock, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// The lock file's text: pretty JSON, stable key order, trailing newline.
    pub fn render(&self) -> String {
        // Strings, bools and string-keyed maps only: serializing cannot fail.
        let mut text = serde_json::to_string_pretty(self).expect("a lock of strings serializes");
        text.push('\n');
        text
    }
}
