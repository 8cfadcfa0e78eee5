//! The SQL backend: PostgreSQL DDL for every sink of the catalog, `CREATE TABLE IF NOT
//! EXISTS` plus its indexes, holding exactly what the sink's writer can fill (README,
//! "Sink DDL").
//!
//! The DDL is assembled with plain formatting rather than templates: each statement is a
//! few lines whose every piece (identifier spelling, literal quoting, type names) is
//! computed and escaped in Rust, where it is tested; a template would only hold the
//! commas and keywords between them.

mod default;
pub mod mapping;
pub mod names;
pub mod table;

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostics;
use crate::ir::SchemaSet;
use crate::output::GeneratedFile;

/// One `<table>.sql` per sink of `catalog`, or every reason a sink's writer cannot fill
/// its table, located in the schemas or the catalog.
pub fn generate(schemas: &SchemaSet, catalog: &Catalog) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for topic in &catalog.topics {
        let Some(sink) = &topic.sink else {
            continue;
        };
        match table::build(schemas, catalog, topic, sink) {
            Ok(table) => files.push(GeneratedFile::new(format!("{}.sql", sink.table), table.render())),
            Err(problems) => diagnostics.0.extend(problems.0),
        }
    }
    diagnostics.into_result(files)
}
