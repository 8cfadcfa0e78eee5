//! A sink table's page: its columns (SQL type, nullability, default, the field each
//! comes from), primary key, indexes and DDL.

use super::html::{self, Current, esc};
use super::model::{self, Model, TableEntry};
use crate::ir::{NamedKind, Schema};
use avrokit_schema::sql::table::METADATA_COLUMNS;
use std::fmt::Write;

pub(super) fn render(model: &Model<'_>, entry: &TableEntry<'_>) -> String {
    let path = model::table_path(&entry.sink.table);
    let root = html::root_of(&path);
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<div class=\"page-head\">\n<p class=\"eyebrow\"><span class=\"badge kind-table\">table</span> PostgreSQL</p>\n<h1>{}</h1>\n</div>",
        esc(&entry.sink.table)
    );
    let _ = writeln!(
        body,
        "<dl class=\"facts\">\n<dt>Fed from</dt><dd>topic {}</dd>\n<dt>Rows</dt><dd><code>{}</code> values</dd>\n<dt>Written by</dt><dd>{} (<code>{}</code>)</dd>\n</dl>",
        html::topic_link(&entry.topic.name, &root),
        html::schema(model, &entry.topic.value, &root),
        esc(entry.sink.writer.display_name()),
        esc(entry.sink.writer.as_str()),
    );
    let table = match &entry.table {
        Ok(table) => table,
        Err(problem) => {
            let _ = writeln!(
                body,
                "<section id=\"columns\">\n<h2>Columns</h2>\n<p class=\"error\">The table cannot be built from the value type:</p>\n<pre class=\"source\"><code>{}</code></pre>\n</section>",
                esc(problem)
            );
            return html::page(
                model,
                &path,
                &entry.sink.table,
                &Current::Table(entry.sink.table.clone()),
                &body,
            );
        }
    };
    if let Some(doc) = &table.doc {
        let _ = writeln!(body, "<div class=\"doc\">{}</div>", html::doc(doc));
    }
    let value_id = match &entry.topic.value {
        Schema::Named(id) if matches!(model.set.get(*id).kind, NamedKind::Record(_)) => Some(*id),
        _ => None,
    };
    let _ = writeln!(
        body,
        "<section id=\"columns\">\n<h2>Columns <span class=\"count\">{}</span></h2>",
        table.columns.len() + METADATA_COLUMNS.len()
    );
    body.push_str(
        "<table class=\"data columns\">\n<thead><tr><th>Column</th><th>SQL type</th><th>Null</th><th>Default</th><th>From field</th><th>Doc</th></tr></thead>\n<tbody>\n",
    );
    for column in &table.columns {
        let anchor = html::anchor("column", &column.field);
        let key = if table.primary_key.contains(&column.ident) {
            " <span class=\"badge key\">primary key</span>"
        } else {
            ""
        };
        let mut sql = format!("<code>{}</code>", esc(&column.ty.sql.sql()));
        if let Some(check) = column.check() {
            let _ = write!(sql, "<div class=\"aka\"><code>{}</code></div>", esc(&check));
        }
        let field = match value_id {
            Some(id) => format!(
                "<a href=\"{root}{}#{}\"><code>{}</code></a>",
                esc(&model.type_path(id)),
                esc(&html::anchor("field", &column.field)),
                esc(&column.field)
            ),
            None => format!("<code>{}</code>", esc(&column.field)),
        };
        let _ = writeln!(
            body,
            "<tr id=\"{}\"><td class=\"name\"><a class=\"anchor\" href=\"#{}\"><code>{}</code></a>{key}</td><td>{sql}</td><td>{}</td><td>{}</td><td>{field}</td><td class=\"doc-cell\">{}</td></tr>",
            esc(&anchor),
            esc(&anchor),
            esc(&column.ident),
            null_cell(column.nullable),
            column
                .default
                .as_deref()
                .map(|d| format!("<code>{}</code>", esc(d)))
                .unwrap_or_else(|| "<span class=\"muted\">—</span>".into()),
            column.doc.as_deref().map(html::doc).unwrap_or_default(),
        );
    }
    for metadata in METADATA_COLUMNS {
        let anchor = html::anchor("column", metadata);
        let _ = writeln!(
            body,
            "<tr id=\"{}\" class=\"metadata\"><td class=\"name\"><a class=\"anchor\" href=\"#{}\"><code>{}</code></a></td><td><code>{}</code></td><td>{}</td><td><code>CURRENT_TIMESTAMP</code></td><td><span class=\"muted\">sink metadata</span></td><td class=\"doc-cell\"><p class=\"muted\">{}</p></td></tr>",
            esc(&anchor),
            esc(&anchor),
            esc(metadata),
            esc(&table.metadata_type.sql()),
            null_cell(true),
            if metadata == "sink_timestamp" {
                "When the sink wrote the row."
            } else {
                "When the row was first created."
            }
        );
    }
    body.push_str("</tbody>\n</table>\n</section>\n");

    body.push_str("<section id=\"keys\">\n<h2>Keys and indexes</h2>\n<dl class=\"facts\">\n");
    let primary = if table.primary_key.is_empty() {
        "<span class=\"muted\">none</span>".to_owned()
    } else {
        format!("<code>({})</code>", esc(&table.primary_key.join(", ")))
    };
    let _ = writeln!(body, "<dt>Primary key</dt><dd>{primary}</dd>");
    if table.indexes.is_empty() {
        body.push_str("<dt>Indexes</dt><dd><span class=\"muted\">none</span></dd>\n");
    }
    for (name, columns) in &table.indexes {
        let _ = writeln!(
            body,
            "<dt>Index <code>{}</code></dt><dd><code>({})</code></dd>",
            esc(name),
            esc(&columns.join(", "))
        );
    }
    body.push_str("</dl>\n</section>\n");
    let _ = writeln!(
        body,
        "<section id=\"ddl\">\n<h2>DDL</h2>\n<pre class=\"source\"><code>{}</code></pre>\n</section>",
        esc(table.statements().trim_end())
    );
    html::page(
        model,
        &path,
        &entry.sink.table,
        &Current::Table(entry.sink.table.clone()),
        &body,
    )
}

fn null_cell(nullable: bool) -> &'static str {
    if nullable {
        "<span class=\"null yes\">NULL</span>"
    } else {
        "<span class=\"null no\">NOT NULL</span>"
    }
}
