//! The statements that take a table from its locked shape to the generated one, or why
//! the table cannot follow.

use super::super::table::{Column, Table};
use super::lock::{ColumnShape, TableShape};
use avrokit_schema::sql::quote;

/// A change the table cannot follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The field it concerns (`None`: the table as a whole).
    pub field: Option<String>,
    /// What changes and why the table cannot follow.
    pub what: String,
    /// What to do instead.
    pub instead: String,
}

/// The forward statements from `old` to `table`, and the shape they leave; or every
/// change they cannot make.
pub fn migrate(old: &TableShape, table: &Table) -> Result<(Vec<String>, TableShape), Vec<Refusal>> {
    let t = &table.ident;
    let mut refusals = Vec::new();
    let mut statements = Vec::new();
    let mut shape = TableShape::of(table);
    if old.primary_key != table.primary_key {
        refusals.push(Refusal {
            field: None,
            what: format!(
                "the primary key changes from ({}) to ({}): rows written so far are keyed differently and upserts \
                 would no longer find them",
                old.primary_key.join(", "),
                table.primary_key.join(", ")
            ),
            instead: "keep the primary key, or give the sink a new table (a new table is created from scratch)".into(),
        });
    }
    for column in &table.columns {
        match old.columns.iter().find(|c| c.ident == column.ident) {
            None => add_column(t, column, &mut statements, &mut refusals),
            Some(before) => alter_column(t, before, column, &mut statements, &mut refusals),
        }
    }
    // Columns whose field left the schema stay, with their data, and stop requiring a value.
    for before in old
        .columns
        .iter()
        .filter(|c| !table.columns.iter().any(|n| n.ident == c.ident))
    {
        let mut kept = before.clone();
        if !before.retired {
            statements.push(format!(
                "-- {}: its field left the schema; the column keeps its data",
                before.ident
            ));
            if !before.nullable {
                statements.push(format!("ALTER TABLE {t} ALTER COLUMN {} DROP NOT NULL;", before.ident));
            }
        }
        kept.retired = true;
        kept.nullable = true;
        shape.columns.push(kept);
    }
    for (name, columns) in &old.indexes {
        if table.indexes.iter().all(|(n, c)| n != name || c != columns) {
            statements.push(format!("DROP INDEX IF EXISTS {};", qualified_index(t, name)));
        }
    }
    for (name, columns) in &table.indexes {
        if old.indexes.get(name) != Some(columns) {
            statements.push(format!(
                "CREATE INDEX IF NOT EXISTS {name} ON {t} ({});",
                columns.join(", ")
            ));
        }
    }
    if old.doc != table.doc {
        statements.push(format!("COMMENT ON TABLE {t} IS {};", comment(table.doc.as_deref())));
    }
    if refusals.is_empty() {
        Ok((statements, shape))
    } else {
        Err(refusals)
    }
}

fn add_column(t: &str, column: &Column, statements: &mut Vec<String>, refusals: &mut Vec<Refusal>) {
    if !column.nullable && column.default.is_none() {
        refusals.push(Refusal {
            field: Some(column.field.clone()),
            what: format!(
                "new field `{}` is required and has no default: the rows already in the table have no value for \
                 column {}, and the JDBC sinks refuse to add such a column too",
                column.field, column.ident
            ),
            instead: "give the field a default, or make it optional (a union with \"null\" first, default null)".into(),
        });
        return;
    }
    statements.push(format!(
        "ALTER TABLE {t} ADD COLUMN IF NOT EXISTS {};",
        column.definition()
    ));
    if let Some(doc) = &column.doc {
        statements.push(format!("COMMENT ON COLUMN {t}.{} IS {};", column.ident, quote(doc)));
    }
}

fn alter_column(
    t: &str,
    before: &ColumnShape,
    column: &Column,
    statements: &mut Vec<String>,
    refusals: &mut Vec<Refusal>,
) {
    let now = ColumnShape::of(column);
    let c = &column.ident;
    let refuse = |what: String, instead: &str| Refusal {
        field: Some(column.field.clone()),
        what,
        instead: instead.into(),
    };
    if before.sql_type != now.sql_type {
        if widens(&before.sql_type, &now.sql_type) {
            statements.push(format!("ALTER TABLE {t} ALTER COLUMN {c} TYPE {};", now.sql_type));
        } else {
            refusals.push(refuse(
                format!(
                    "field `{}` changes its column type from {} to {}: existing rows cannot be converted \
                     automatically, and the JDBC sinks never alter a column's type",
                    column.field, before.sql_type, now.sql_type
                ),
                "keep the field's type and add a new field (optional or with a default) of the new type, or give \
                 the sink a new table",
            ));
            return;
        }
    }
    if before.retired && !now.nullable {
        refusals.push(refuse(
            format!(
                "field `{}` comes back as required, but column {c} holds NULL for the rows written while it was gone",
                column.field
            ),
            "bring it back optional (a union with \"null\" first, default null)",
        ));
    } else if before.nullable && !now.nullable && !before.retired {
        refusals.push(refuse(
            format!(
                "field `{}` becomes required, but column {c} may hold NULL in rows written so far",
                column.field
            ),
            "keep the field optional; to require it, backfill the column and add the NOT NULL by hand in the \
             database, then change the schema",
        ));
    } else if !before.nullable && now.nullable {
        statements.push(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL;"));
    }
    if before.default != now.default {
        statements.push(match &now.default {
            Some(default) => format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {default};"),
            None => format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT;"),
        });
    }
    if before.check != now.check {
        if let Some((name, _)) = &before.check {
            statements.push(format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {name};"));
        }
        if let Some((name, check)) = &now.check {
            statements.push(format!("ALTER TABLE {t} ADD CONSTRAINT {name} {check};"));
        }
    }
    if before.doc != now.doc {
        statements.push(format!("COMMENT ON COLUMN {t}.{c} IS {};", comment(now.doc.as_deref())));
    }
}

/// Whether PostgreSQL converts every value of `from` to `to` exactly: the Avro
/// promotions int → long and float → double, as column types.
fn widens(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("INTEGER", "BIGINT") | ("REAL", "DOUBLE PRECISION") | ("INTEGER[]", "BIGINT[]")
    )
}

/// An index name qualified with the table's schema, as `DROP INDEX` needs it.
fn qualified_index(table: &str, index: &str) -> String {
    match table.rsplit_once('.') {
        Some((schema, _)) => format!("{schema}.{index}"),
        None => index.to_owned(),
    }
}

fn comment(doc: Option<&str>) -> String {
    doc.map_or_else(|| "NULL".to_owned(), quote)
}
