//! One sink's table: its columns from the value's fields (as the writer can fill them),
//! the sink metadata columns, the primary key and the indexes; and its DDL.

use super::default::{expression, quote};
use super::mapping::{ColumnType, SqlType, column_type};
use super::names::{column_name, identifier, is_reserved, table_identifier, table_parts};
use super::{Sink, SinkWriter};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{NamedKind, Origin, Schema, SchemaSet};
use crate::source::SourceFile;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// Columns every sink table carries beside the value's fields (as the Debezium-era
/// tables of the pipelines this replaces have them): when the
/// sink wrote the row, and when the row was first created. The writers leave them to
/// their defaults.
pub const METADATA_COLUMNS: [&str; 2] = ["sink_timestamp", "created_at"];

/// A table ready to be written as DDL.
#[derive(Debug, Clone)]
pub struct Table {
    /// The topic it is fed from.
    pub topic: String,
    /// The value type's full name.
    pub value_type: String,
    /// Who writes it.
    pub writer: SinkWriter,
    /// The table name as the writer's statements spell it.
    pub ident: String,
    /// The table name as the catalog writes it.
    pub name: String,
    /// Where the sink is written in the catalog (`None`: described in code).
    pub sink_span: Option<crate::source::Span>,
    /// The value's columns, in field order.
    pub columns: Vec<Column>,
    /// The type of the metadata columns: the writer's timestamp type, so they compare with
    /// the value's timestamps without a conversion.
    pub metadata_type: SqlType,
    /// Primary key columns, spelled.
    pub primary_key: Vec<String>,
    /// Indexes: name and columns, spelled.
    pub indexes: Vec<(String, Vec<String>)>,
    /// The value type's documentation.
    pub doc: Option<String>,
}

/// One column from a value field.
#[derive(Debug, Clone)]
pub struct Column {
    /// The Avro field it holds.
    pub field: String,
    /// Where the field is written.
    pub origin: Origin,
    /// The column name as the writer's statements spell it.
    pub ident: String,
    /// The name of its symbols `CHECK` constraint, spelled (named so that a migration can
    /// replace it when the enum gains a symbol).
    pub check_name: String,
    /// Its type.
    pub ty: ColumnType,
    /// Whether it admits NULL (the field is optional).
    pub nullable: bool,
    /// The `DEFAULT` expression from the Avro default.
    pub default: Option<String>,
    /// The field's documentation.
    pub doc: Option<String>,
}

/// Builds the table `sink` describes for records of `value` fed from `topic`, without a
/// catalog: what the runtime sink does with the schema it writes, so that its table model
/// is the one the DDL came from. Problems with the sink itself are located at
/// `sink.span` in `catalog` when the sink was read from one.
pub fn for_value(
    schemas: &SchemaSet,
    value: &Schema,
    topic: &str,
    sink: &Sink,
    catalog: Option<&SourceFile>,
) -> Result<Table, Diagnostics> {
    let at_sink = |message: String| match (catalog, sink.span) {
        (Some(file), Some(span)) => Diagnostic::at(file, span, message),
        (Some(file), None) => Diagnostic::file(file.path(), message),
        (None, _) => Diagnostic::file(Path::new(&format!("<sink of topic {topic}>")), message),
    };
    let mut diagnostics = Diagnostics::default();
    let writer = sink.writer;
    let Schema::Named(value_id) = value else {
        // The catalog refuses sinks on non-record values; nothing to build.
        return Err(at_sink("a sink needs a record value type".to_owned()).into());
    };
    let value = schemas.get(*value_id);
    let NamedKind::Record(record) = &value.kind else {
        return Err(at_sink("a sink needs a record value type".to_owned()).into());
    };
    let context = format!("topic `{topic}`, table `{}`", sink.table);
    if writer == SinkWriter::DebeziumJdbc
        && let Some(part) = table_parts(writer, &sink.table).into_iter().find(|p| is_reserved(p))
    {
        diagnostics.push(
            at_sink(format!(
                "{context}: `{part}` is reserved in PostgreSQL and Debezium writes table names unquoted"
            ))
            .with_hint("rename the table"),
        );
    }
    // Physical names folded to lower case: what PostgreSQL and the readers of the
    // table cannot tell apart.
    let mut taken: BTreeMap<String, String> = METADATA_COLUMNS
        .iter()
        .map(|c| (c.to_string(), format!("the sink metadata column `{c}`")))
        .collect();
    let mut columns = Vec::with_capacity(record.fields.len());
    let mut spelled: BTreeMap<&str, String> = BTreeMap::new();
    for field in &record.fields {
        let file = schemas.file(field.origin);
        let at = |message: String| Diagnostic::at(file, field.origin.span, message);
        let physical = column_name(writer, &field.name);
        if let Some(first) = taken.get(&physical.to_lowercase()) {
            diagnostics.push(
                at(format!(
                    "{context}: column `{physical}` of field `{}` collides with {first} after case folding",
                    field.name
                ))
                .with_hint("rename the field (keep the old name as an alias), or give the sink another table"),
            );
            continue;
        }
        taken.insert(physical.to_lowercase(), format!("field `{}`", field.name));
        if writer == SinkWriter::DebeziumJdbc && is_reserved(&physical) {
            diagnostics.push(
                at(format!(
                    "{context}: field `{}` is a reserved word in PostgreSQL, and {} writes column names unquoted",
                    field.name,
                    writer.display_name()
                ))
                .with_hint("rename the field (keep the old name as an alias), or use writer = \"avrokit\" or \"confluent-jdbc\", which quote"),
            );
            continue;
        }
        let (inner, nullable) = match &field.schema {
            Schema::Union(branches) if branches.contains(&Schema::Null) => match field.schema.as_optional() {
                Some((inner, _)) => (inner, true),
                None => (&field.schema, true),
            },
            other => (other, false),
        };
        let ty = match column_type(writer, schemas, inner) {
            Ok(ty) => ty,
            Err(refusal) => {
                diagnostics.push(
                    at(format!(
                        "{context}: {} cannot write field `{}`: {}",
                        writer.display_name(),
                        field.name,
                        refusal.what
                    ))
                    .with_hint(refusal.alternatives),
                );
                continue;
            }
        };
        let default = match &field.default {
            Some(value) => match expression(schemas, &field.schema, value, &ty.sql) {
                Ok(default) => default,
                Err(problem) => {
                    diagnostics.push(
                        at(format!("{context}: field `{}`: {problem}", field.name))
                            .with_hint("change the default, or remove it and let the writer fill the column"),
                    );
                    continue;
                }
            },
            None => None,
        };
        let ident = identifier(writer, &physical);
        spelled.insert(field.name.as_str(), ident.clone());
        columns.push(Column {
            field: field.name.clone(),
            origin: field.origin,
            check_name: identifier(writer, &format!("{physical}_symbols")),
            ident,
            ty,
            nullable,
            default,
            doc: field.doc.clone(),
        });
    }
    // The catalog has checked that key and index columns are fields; spell them as the
    // columns are spelled.
    let spell = |field: &String| {
        spelled
            .get(field.as_str())
            .cloned()
            .unwrap_or_else(|| identifier(writer, field))
    };
    let table = Table {
        topic: topic.to_owned(),
        value_type: value.name.to_string(),
        writer,
        ident: table_identifier(writer, &sink.table),
        name: sink.table.clone(),
        sink_span: sink.span,
        columns,
        metadata_type: match writer {
            SinkWriter::Avrokit => SqlType::TimestampTz,
            SinkWriter::ConfluentJdbc | SinkWriter::DebeziumJdbc => SqlType::Timestamp,
        },
        primary_key: sink.primary_key.iter().map(spell).collect(),
        indexes: sink
            .indexes
            .iter()
            .map(|index| {
                let name = identifier(writer, &column_name(writer, &index.name));
                (name, index.columns.iter().map(spell).collect())
            })
            .collect(),
        doc: value.doc.clone(),
    };
    diagnostics.into_result(table)
}

impl Table {
    /// The DDL: re-runnable (`IF NOT EXISTS` throughout), deterministic.
    pub fn render(&self) -> String {
        let mut sql = String::new();
        let _ = writeln!(
            sql,
            "-- Generated by `cargo xtask gen` from avro-schemas/: do not edit."
        );
        let _ = writeln!(sql, "{}", self.provenance());
        sql.push('\n');
        sql.push_str(&self.statements());
        sql
    }

    /// What feeds the table, as a comment line.
    pub fn provenance(&self) -> String {
        format!(
            "-- Sink of topic `{}` (value {}), written by {}.",
            self.topic,
            self.value_type,
            self.writer.display_name()
        )
    }

    /// The statements that create the table, its indexes and comments.
    pub fn statements(&self) -> String {
        let mut sql = String::new();
        if self.columns.iter().any(|c| c.ty.sql.needs_hstore()) {
            let _ = writeln!(sql, "CREATE EXTENSION IF NOT EXISTS hstore;\n");
        }
        let mut lines: Vec<String> = self.columns.iter().map(Column::definition).collect();
        for metadata in METADATA_COLUMNS {
            lines.push(format!(
                "{} {} DEFAULT CURRENT_TIMESTAMP",
                identifier(self.writer, metadata),
                self.metadata_type.sql()
            ));
        }
        if !self.primary_key.is_empty() {
            lines.push(format!("PRIMARY KEY ({})", self.primary_key.join(", ")));
        }
        let _ = writeln!(sql, "CREATE TABLE IF NOT EXISTS {} (", self.ident);
        let _ = writeln!(sql, "    {}", lines.join(",\n    "));
        let _ = writeln!(sql, ");");
        if !self.indexes.is_empty() {
            sql.push('\n');
        }
        for (name, columns) in &self.indexes {
            let _ = writeln!(
                sql,
                "CREATE INDEX IF NOT EXISTS {name} ON {} ({});",
                self.ident,
                columns.join(", ")
            );
        }
        sql.push('\n');
        if let Some(doc) = &self.doc {
            let _ = writeln!(sql, "COMMENT ON TABLE {} IS {};", self.ident, quote(doc));
        }
        for column in &self.columns {
            if let Some(doc) = &column.doc {
                let _ = writeln!(
                    sql,
                    "COMMENT ON COLUMN {}.{} IS {};",
                    self.ident,
                    column.ident,
                    quote(doc)
                );
            }
        }
        sql
    }
}

impl Column {
    /// The column as `CREATE TABLE` and `ADD COLUMN` write it.
    pub fn definition(&self) -> String {
        let mut line = format!("{} {}", self.ident, self.ty.sql.sql());
        if !self.nullable {
            line.push_str(" NOT NULL");
        }
        if let Some(default) = &self.default {
            let _ = write!(line, " DEFAULT {default}");
        }
        if let Some(check) = self.check() {
            let _ = write!(line, " CONSTRAINT {} {check}", self.check_name);
        }
        line
    }

    /// The `CHECK (...)` that keeps an enum column (or each element of an array of
    /// enums) to the symbols.
    pub fn check(&self) -> Option<String> {
        let symbols = self.ty.symbols.as_ref()?;
        let list: Vec<String> = symbols.iter().map(|s| quote(s)).collect();
        Some(match &self.ty.sql {
            SqlType::Array(element) => {
                format!(
                    "CHECK ({} <@ ARRAY[{}]::{}[])",
                    self.ident,
                    list.join(", "),
                    element.sql()
                )
            }
            _ => format!("CHECK ({} IN ({}))", self.ident, list.join(", ")),
        })
    }
}
