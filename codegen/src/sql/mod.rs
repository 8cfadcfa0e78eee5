//! The SQL backend: PostgreSQL DDL for every sink of the catalog, `CREATE TABLE IF NOT
//! EXISTS` plus its indexes, holding exactly what the sink's writer can fill (README,
//! "Sink DDL").
//!
//! The DDL is assembled with plain formatting rather than templates: each statement is a
//! few lines whose every piece (identifier spelling, literal quoting, type names) is
//! computed and escaped in Rust, where it is tested; a template would only hold the
//! commas and keywords between them.

pub(crate) mod migrations;

pub use avrokit_schema::sql::{Index, Sink, SinkWriter, mapping, names, table};

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostics;
use crate::ir::SchemaSet;
use crate::output::GeneratedFile;
use migrations::Existing;

/// The directory under the SQL output that holds the migrations.
pub const MIGRATIONS_DIR: &str = "migrations";

/// One `<table>.sql` per sink of `catalog` and, given the existing migrations, the
/// migrations directory after this run (under [`MIGRATIONS_DIR`]); or every reason a
/// sink's writer cannot fill its table or its table cannot follow a change, located in
/// the schemas or the catalog.
pub(crate) fn generate(
    schemas: &SchemaSet,
    catalog: &Catalog,
    migrations: Option<&Existing>,
) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let mut tables = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for topic in &catalog.topics {
        let Some(sink) = &topic.sink else {
            continue;
        };
        match table::for_value(schemas, &topic.value, &topic.name, sink, Some(&catalog.file)) {
            Ok(table) => tables.push(table),
            Err(problems) => diagnostics.0.extend(problems.0),
        }
    }
    let mut files: Vec<GeneratedFile> = tables
        .iter()
        .map(|t| GeneratedFile::new(format!("{}.sql", t.name), t.render()))
        .collect();
    if let (Some(existing), true) = (migrations, diagnostics.is_empty()) {
        let migrated = migrations::generate(&tables, schemas, catalog, existing)?;
        files.extend(
            migrated
                .into_iter()
                .map(|f| GeneratedFile::new(std::path::Path::new(MIGRATIONS_DIR).join(&f.path), f.contents)),
        );
    }
    diagnostics.into_result(files)
}
