//! The SQL text of the upsert, for one table and one row plan: the columns the plan
//! fills, the conflict clause, and the statements of each strategy.

use super::plan::RowPlan;
use avrokit_schema::sql::names::{identifier, quoted};
use avrokit_schema::sql::table::{METADATA_COLUMNS, Table};
use std::hash::{DefaultHasher, Hash, Hasher};
use tokio_postgres::types::{Kind, Type};

/// The column list of `plan`'s rows, spelled.
pub(super) fn column_list(table: &Table, plan: &RowPlan) -> String {
    plan.columns()
        .iter()
        .map(|i| table.columns[*i].ident.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a row whose key is already in the table does: take the new values and refresh
/// `sink_timestamp` (when the sink last wrote the row) while `created_at` keeps the first
/// write's time; nothing when every column the plan fills is key (the row already holds
/// those values). Columns the plan does not fill keep what they hold. A table without a
/// primary key is appended to.
pub(super) fn on_conflict(table: &Table, plan: &RowPlan) -> String {
    if table.primary_key.is_empty() {
        return String::new();
    }
    let updates: Vec<String> = plan
        .columns()
        .iter()
        .map(|i| &table.columns[*i].ident)
        .filter(|ident| !table.primary_key.contains(ident))
        .map(|ident| format!("{ident} = EXCLUDED.{ident}"))
        .collect();
    let key = table.primary_key.join(", ");
    if updates.is_empty() {
        return format!(" ON CONFLICT ({key}) DO NOTHING");
    }
    let sink_timestamp = identifier(table.writer, METADATA_COLUMNS[0]);
    format!(
        " ON CONFLICT ({key}) DO UPDATE SET {}, {sink_timestamp} = CURRENT_TIMESTAMP",
        updates.join(", ")
    )
}

/// A multi-row `INSERT … VALUES ($1, …), … ON CONFLICT …` for `rows` rows.
pub(super) fn insert_values(table: &Table, plan: &RowPlan, rows: usize) -> String {
    let width = plan.columns().len();
    let tuples: Vec<String> = (0..rows)
        .map(|row| {
            let params: Vec<String> = (1..=width).map(|c| format!("${}", row * width + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES {}{}",
        table.ident,
        column_list(table, plan),
        tuples.join(", "),
        on_conflict(table, plan)
    )
}

/// `INSERT … SELECT * FROM unnest($1::type[], …) ON CONFLICT …`: one array parameter
/// per column (`types`: the table's value column types), whatever the number of rows.
/// `None` when a column is itself an array, which `unnest` would flatten.
pub(super) fn insert_unnest(table: &Table, plan: &RowPlan, types: &[Type]) -> Option<String> {
    let mut arrays = Vec::with_capacity(plan.columns().len());
    for (param, column) in plan.columns().iter().enumerate() {
        let ty = &types[*column];
        if matches!(ty.kind(), Kind::Array(_)) {
            return None;
        }
        arrays.push(format!(
            "${}::{}.{}[]",
            param + 1,
            quoted(ty.schema()),
            quoted(ty.name())
        ));
    }
    Some(format!(
        "INSERT INTO {} ({}) SELECT * FROM unnest({}){}",
        table.ident,
        column_list(table, plan),
        arrays.join(", "),
        on_conflict(table, plan)
    ))
}

/// The session's staging table for `plan`'s rows into `table`: one per (table, writer
/// schema), since its columns are the plan's.
pub(super) fn stage_name(table: &Table, plan: &RowPlan) -> String {
    let mut hasher = DefaultHasher::new();
    table.ident.hash(&mut hasher);
    plan.writer().fingerprint().hash(&mut hasher);
    format!("avrokit_stage_{:016x}", hasher.finish())
}

/// Creates the staging table unless this session has it: the plan's columns with the
/// table's types, emptied at every commit.
pub(super) fn create_stage(table: &Table, plan: &RowPlan, stage: &str) -> String {
    format!(
        "CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS SELECT {} FROM {} WITH NO DATA",
        column_list(table, plan),
        table.ident
    )
}

/// Binary COPY of `plan`'s columns of `table` into `target`: the table itself (new rows),
/// or its staging table.
pub(super) fn copy_into(target: &str, table: &Table, plan: &RowPlan) -> String {
    format!(
        "COPY {target} ({}) FROM STDIN (FORMAT binary)",
        column_list(table, plan)
    )
}

/// The upsert from the staging table.
pub(super) fn insert_from_stage(table: &Table, plan: &RowPlan, stage: &str) -> String {
    let columns = column_list(table, plan);
    format!(
        "INSERT INTO {} ({columns}) SELECT {columns} FROM {stage}{}",
        table.ident,
        on_conflict(table, plan)
    )
}

/// A query that names every value column and returns no row: preparing it makes
/// PostgreSQL say whether the table and columns exist and what types they have.
pub(super) fn probe(table: &Table) -> String {
    let columns: Vec<&str> = table.columns.iter().map(|c| c.ident.as_str()).collect();
    format!("SELECT {} FROM {} LIMIT 0", columns.join(", "), table.ident)
}
