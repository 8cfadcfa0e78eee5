//! [`RowPlan`]: how the records of one writer schema become rows of the table, built
//! once per writer schema (like the resolution plans of [`crate::resolve`]) and then run
//! on every record's bytes.

use super::convert::{Conversion, conversion};
use super::error::{PlanError, ValueError};
use super::value::SqlValue;
use crate::codec::Reader;
use crate::schema::Schema;
use avrokit_schema::ir::{self, NamedKind, Record};
use avrokit_schema::sql::table::Table;

/// The plan of one writer schema against one table.
#[derive(Debug)]
pub struct RowPlan {
    writer: Schema,
    /// One per writer field, in the order the bytes hold them.
    steps: Vec<Step>,
    /// The table columns the rows fill (indexes into `Table::columns`), in row order.
    columns: Vec<usize>,
}

#[derive(Debug)]
struct Step {
    field: String,
    /// Where the value goes in the row.
    slot: usize,
    conversion: Conversion,
    nullable: bool,
    key: bool,
}

/// A record decoded into the plan's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One value per plan column, in [`RowPlan::columns`] order.
    pub values: Vec<SqlValue>,
    /// The Avro encoding of the key fields, one after the other: two records of a batch
    /// with equal keys have equal bytes here (Avro's encoding of a scalar is canonical),
    /// which is how the sink keeps only the last of them.
    pub key: Vec<u8>,
}

/// The record type of `schema`'s root, if it is one.
fn root_record(schema: &Schema) -> Option<&Record> {
    match schema.root() {
        ir::Schema::Named(id) => match &schema.types().get(*id).kind {
            NamedKind::Record(record) => Some(record),
            _ => None,
        },
        _ => None,
    }
}

impl RowPlan {
    /// Plans how records written with `writer` fill `table`, whose value type is
    /// `value`. A writer field is matched to the value field of the same name or alias;
    /// a value field the writer lacks leaves its column to the table's default.
    pub fn new(table: &Table, value: &Schema, writer: &Schema) -> Result<Self, PlanError> {
        let record =
            root_record(writer).ok_or_else(|| PlanError::NotARecord(writer.types().describe(writer.root())))?;
        let value_fields = root_record(value).map(|r| r.fields.as_slice()).unwrap_or_default();
        let mut steps = Vec::with_capacity(record.fields.len());
        let mut columns = Vec::with_capacity(record.fields.len());
        for field in &record.fields {
            let column_field = value_fields
                .iter()
                .find(|f| f.name == field.name || f.aliases.contains(&field.name))
                .map_or(field.name.as_str(), |f| f.name.as_str());
            let index = table
                .columns
                .iter()
                .position(|c| c.field == column_field)
                .ok_or_else(|| PlanError::NoColumn {
                    field: field.name.clone(),
                    table: table.ident.clone(),
                })?;
            let column = &table.columns[index];
            let conversion = conversion(
                writer.types(),
                &field.schema,
                &column.ty.sql,
                column.ty.symbols.as_deref(),
            )
            .ok_or_else(|| PlanError::Type {
                field: field.name.clone(),
                avro: writer.types().describe(&field.schema),
                column: column.ident.clone(),
                sql: column.ty.sql.sql(),
            })?;
            steps.push(Step {
                field: field.name.clone(),
                slot: columns.len(),
                conversion,
                nullable: column.nullable,
                key: table.primary_key.contains(&column.ident),
            });
            columns.push(index);
        }
        for (index, column) in table.columns.iter().enumerate() {
            if columns.contains(&index) {
                continue;
            }
            if table.primary_key.contains(&column.ident) {
                return Err(PlanError::MissingColumn {
                    column: column.ident.clone(),
                    why: "part of the primary key",
                });
            }
            if !column.nullable && column.default.is_none() {
                return Err(PlanError::MissingColumn {
                    column: column.ident.clone(),
                    why: "NOT NULL without a default",
                });
            }
        }
        Ok(Self {
            writer: writer.clone(),
            steps,
            columns,
        })
    }

    /// The table columns each row fills (indexes into the table's columns), in order.
    pub fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// The writer schema the plan reads.
    pub fn writer(&self) -> &Schema {
        &self.writer
    }

    /// Decodes one record; on failure, the field being read (`<end>` for trailing bytes)
    /// and why.
    pub fn decode(&self, bytes: &[u8]) -> Result<Row, (String, ValueError)> {
        let mut reader = Reader::new(bytes);
        let mut values = vec![SqlValue::Null; self.columns.len()];
        let mut key = Vec::new();
        for step in &self.steps {
            let start = reader.position();
            let value = step
                .conversion
                .decode(self.writer.types(), &mut reader)
                .map_err(|e| (step.field.clone(), e))?;
            if value == SqlValue::Null && !step.nullable {
                return Err((step.field.clone(), ValueError::Null));
            }
            if step.key {
                key.extend_from_slice(reader.consumed_since(start));
            }
            values[step.slot] = value;
        }
        reader.finish().map_err(|e| ("<end>".to_owned(), e.into()))?;
        Ok(Row { values, key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec;
    use avrokit_schema::sql::{Sink, SinkWriter};

    const VALUE: &str = r#"{"type": "record", "name": "R", "fields": [
        {"name": "id", "type": "long"},
        {"name": "kind", "type": {"type": "enum", "name": "K", "symbols": ["A", "B"]}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "note", "type": ["null", "string"], "default": null},
        {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []}]}"#;

    fn plan(writer: &str) -> Result<RowPlan, PlanError> {
        let value = Schema::parse(VALUE).expect("valid");
        let sink = Sink::new("t", SinkWriter::Avrokit, ["id"]);
        let table =
            avrokit_schema::sql::table::for_value(value.types(), value.root(), "topic", &sink, None).expect("builds");
        RowPlan::new(&table, &value, &Schema::parse(writer).expect("valid"))
    }

    /// The value schema with `fields` replaced.
    fn writer(fields: &str) -> String {
        format!(r#"{{"type": "record", "name": "R", "fields": [{fields}]}}"#)
    }

    const ID: &str = r#"{"name": "id", "type": "long"}"#;
    const KIND: &str = r#"{"name": "kind", "type": {"type": "enum", "name": "K", "symbols": ["A", "B"]}}"#;
    const AT: &str = r#"{"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}"#;

    fn record(id: i64, kind: i64, at: i64) -> Vec<u8> {
        let mut bytes = Vec::new();
        codec::write_long(&mut bytes, id);
        codec::write_long(&mut bytes, kind);
        codec::write_long(&mut bytes, at);
        bytes
    }

    #[test]
    fn a_record_of_another_writer_schema_fills_the_columns_it_has() {
        // An `int` id (Avro promotes it to the long column), no `note` nor `tags`: they are
        // left to their defaults.
        let plan = plan(&writer(&format!(r#"{{"name": "id", "type": "int"}}, {KIND}, {AT}"#))).expect("plans");
        assert_eq!(plan.columns(), &[0, 1, 2]);
        let row = plan.decode(&record(-3, 1, 86_400_000)).expect("decodes");
        assert_eq!(
            row.values,
            [
                SqlValue::Int8(-3),
                SqlValue::Text("B".into()),
                SqlValue::Timestamp(86_400_000_000 - 946_684_800_000_000),
            ]
        );
        assert_eq!(row.key, record(-3, 1, 0)[..1]);
    }

    #[test]
    fn writer_schemas_that_cannot_fill_the_table_are_refused_before_any_byte() {
        let extra = writer(&format!(r#"{ID}, {KIND}, {AT}, {{"name": "extra", "type": "int"}}"#));
        assert!(matches!(plan(&extra), Err(PlanError::NoColumn { field, .. }) if field == "extra"));
        let wrong = writer(&format!(r#"{ID}, {KIND}, {{"name": "at", "type": "string"}}"#));
        assert!(
            matches!(plan(&wrong), Err(PlanError::Type { field, sql, .. }) if field == "at" && sql == "TIMESTAMPTZ")
        );
        let keyless = writer(&format!("{KIND}, {AT}"));
        assert!(matches!(plan(&keyless), Err(PlanError::MissingColumn { column, .. }) if column == "id"));
        let required = writer(ID);
        assert!(matches!(plan(&required), Err(PlanError::MissingColumn { column, .. }) if column == "kind"));
        assert!(matches!(plan(r#""long""#), Err(PlanError::NotARecord(_))));
    }

    #[test]
    fn bad_bytes_and_values_are_located_at_their_field() {
        let plan = plan(&writer(&format!(
            r#"{ID}, {{"name": "kind", "type": {{"type": "enum", "name": "K", "symbols": ["A", "B", "C"]}}}}, {AT}, {{"name": "note", "type": ["null", "string"]}}"#
        )))
        .expect("plans");
        let mut good = record(1, 0, 0);
        codec::write_long(&mut good, 0);
        assert!(plan.decode(&good).is_ok());
        let error = |bytes: &[u8]| plan.decode(bytes).expect_err("refused");
        assert!(matches!(error(&good[..1]), (f, ValueError::Decode(_)) if f == "kind"));
        assert!(matches!(error(&good[..2]), (f, ValueError::Decode(_)) if f == "at"));
        assert!(matches!(error(&[good.as_slice(), &[0]].concat()), (f, ValueError::Decode(_)) if f == "<end>"));
        let mut newer_symbol = record(1, 2, 0);
        codec::write_long(&mut newer_symbol, 0);
        assert!(matches!(error(&newer_symbol), (f, ValueError::Symbol(s)) if f == "kind" && s == "C"));
        let mut too_early = record(1, 0, i64::MIN / 1000);
        codec::write_long(&mut too_early, 0);
        assert!(matches!(error(&too_early), (f, ValueError::OutOfRange { .. }) if f == "at"));
        let mut nul = record(1, 0, 0);
        codec::write_long(&mut nul, 1);
        codec::write_str(&mut nul, "a\0b");
        assert!(matches!(error(&nul), (f, ValueError::Nul { .. }) if f == "note"));
        assert!(matches!(error(&[0x80; 12]), (f, ValueError::Decode(_)) if f == "id"));
    }
}
