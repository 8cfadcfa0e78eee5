//! The overview: counts, the graph, and tables of every topic, type and sink table.

use super::graph;
use super::html::{self, Current, esc};
use super::model::Model;
use crate::ir::NamedKind;
use std::fmt::Write;

pub(super) fn render(model: &Model<'_>) -> String {
    let root = "";
    let mut body = String::new();
    body.push_str("<div class=\"page-head\">\n<h1>Schema catalog</h1>\n");
    let _ = writeln!(
        body,
        "<p class=\"subtitle\">Every topic, Avro type and sink table of the schema directory, with their history.</p>\n</div>"
    );
    let records = model
        .types
        .iter()
        .filter(|id| matches!(model.set.get(**id).kind, NamedKind::Record(_)))
        .count();
    let _ = writeln!(
        body,
        "<div class=\"stats\">\
         <a class=\"stat\" href=\"#topics\"><span class=\"n\">{}</span> topics</a>\
         <a class=\"stat\" href=\"#types\"><span class=\"n\">{}</span> types <span class=\"muted\">({records} records)</span></a>\
         <a class=\"stat\" href=\"#tables\"><span class=\"n\">{}</span> tables</a>\
         <span class=\"stat\"><span class=\"n\">{}</span> environments <span class=\"muted\">{}</span></span>\
         </div>",
        model.topics.len(),
        model.types.len(),
        model.tables.len(),
        model.environments().len(),
        esc(&model.environments().join(", ")),
    );
    let _ = writeln!(
        body,
        "<section id=\"graph\">\n<h2>Topics → types → tables</h2>\n<div class=\"graph-box\">{}</div>\n</section>",
        graph::for_site(model, root)
    );

    let _ = writeln!(body, "<section id=\"topics\">\n<h2>Topics</h2>");
    if model.topics.is_empty() {
        body.push_str("<p class=\"muted\">No topic catalog.</p>\n");
    } else {
        let environments = model.environments();
        body.push_str("<table class=\"data\">\n<thead><tr><th>Topic</th><th>Key</th><th>Value</th><th>Mode</th>");
        let partitions_title = if environments.is_empty() {
            "Partitions".to_owned()
        } else {
            format!(
                "Partitions<br><span class=\"muted\">{}</span>",
                esc(&environments.join(" / "))
            )
        };
        let _ = write!(
            body,
            "<th class=\"num\">{partitions_title}</th><th>Retention</th><th>Sink</th></tr></thead>\n<tbody>\n"
        );
        for topic in &model.topics {
            let partitions: Vec<String> = if environments.is_empty() {
                vec![topic.settings.partitions.to_string()]
            } else {
                environments
                    .iter()
                    .map(|e| topic.settings_for(e).partitions.to_string())
                    .collect()
            };
            let key = match &topic.key {
                Some(key) => format!("<code>{}</code>", html::schema(model, key, root)),
                None => "<span class=\"muted\">—</span>".into(),
            };
            let sink = match &topic.sink {
                Some(sink) => html::table_link(&sink.table, root),
                None => "<span class=\"muted\">—</span>".into(),
            };
            let _ = writeln!(
                body,
                "<tr><td class=\"topic-cell\">{}<div class=\"aka\">{}</div></td><td>{key}</td><td><code>{}</code></td><td><span class=\"mode\">{}</span></td><td class=\"num\">{}</td><td>{}</td><td>{sink}</td></tr>",
                html::topic_link(&topic.name, root),
                html::summary(topic.doc.as_deref()),
                html::values(topic, "</code> | <code>", |schema| html::schema(model, schema, root)),
                topic.compatibility.as_str(),
                esc(&partitions.join(" / ")),
                esc(&html::duration(topic.settings.retention_ms)),
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body.push_str("</section>\n");

    let _ = writeln!(
        body,
        "<section id=\"types\">\n<h2>Types</h2>\n<table class=\"data\">\n<thead><tr><th>Type</th><th>Kind</th><th>Namespace</th><th class=\"num\">Fields</th><th class=\"num\">Versions</th><th>Doc</th></tr></thead>\n<tbody>"
    );
    for &id in &model.types {
        let named = model.set.get(id);
        let size = match &named.kind {
            NamedKind::Record(record) => record.fields.len().to_string(),
            NamedKind::Enum(e) => format!("{} symbols", e.symbols.len()),
            NamedKind::Fixed(f) => format!("{} bytes", f.size),
        };
        let versions = model
            .history
            .types
            .get(&named.name.to_string())
            .map(|h| h.revisions.len().to_string())
            .unwrap_or_else(|| "—".into());
        let kind = html::kind_name(&named.kind);
        let _ = writeln!(
            body,
            "<tr><td><a href=\"{}\">{}</a></td><td><span class=\"badge kind-{kind}\">{kind}</span></td><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"doc-cell\">{}</td></tr>",
            esc(&model.type_path(id)),
            esc(&named.name.name),
            esc(named.name.namespace.as_deref().unwrap_or("")),
            esc(&size),
            esc(&versions),
            html::summary(named.doc.as_deref()),
        );
    }
    body.push_str("</tbody>\n</table>\n</section>\n");

    let _ = writeln!(body, "<section id=\"tables\">\n<h2>Tables</h2>");
    if model.tables.is_empty() {
        body.push_str("<p class=\"muted\">No topic has a sink.</p>\n");
    } else {
        body.push_str(
            "<table class=\"data\">\n<thead><tr><th>Table</th><th>Topic</th><th>Writer</th><th class=\"num\">Columns</th><th>Primary key</th></tr></thead>\n<tbody>\n",
        );
        for entry in &model.tables {
            let columns = match &entry.table {
                Ok(table) => (table.columns.len() + avrokit_schema::sql::table::METADATA_COLUMNS.len()).to_string(),
                Err(_) => "—".into(),
            };
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"num\">{columns}</td><td><code>{}</code></td></tr>",
                html::table_link(&entry.sink.table, root),
                html::topic_link(&entry.topic.name, root),
                esc(entry.sink.writer.as_str()),
                esc(&entry.sink.primary_key.join(", ")),
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body.push_str("</section>\n");
    if model.history.collected && !model.history.notes.is_empty() {
        body.push_str("<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
        for note in &model.history.notes {
            let _ = writeln!(body, "<li>{}</li>", esc(note));
        }
        body.push_str("</ul>\n</section>\n");
    }
    html::page(model, "index.html", "Overview", &Current::Index, &body)
}
