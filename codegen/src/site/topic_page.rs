//! A topic's page: key and value types, compatibility mode and subjects, the Kafka
//! settings per environment, the sink, and a picture of what the topic carries.

use super::graph;
use super::html::{self, Current, esc};
use super::model::{self, Model};
use crate::catalog::{KeyFormat, Topic, TopicSettings};
use std::fmt::Write;

pub(super) fn render(model: &Model<'_>, topic: &Topic) -> String {
    let path = model::topic_path(&topic.name);
    let root = html::root_of(&path);
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<div class=\"page-head\">\n<p class=\"eyebrow\"><span class=\"badge kind-topic\">topic</span></p>\n<h1>{}</h1>\n</div>",
        esc(&topic.name)
    );
    if let Some(doc) = &topic.doc {
        let _ = writeln!(body, "<div class=\"doc\">{}</div>", html::doc(doc));
    }
    let key = match (&topic.key, topic.key_format) {
        (None, _) | (_, KeyFormat::None) => "<span class=\"muted\">none: records have no key</span>".to_owned(),
        (Some(key), KeyFormat::Raw) => format!(
            "<code>{}</code> <span class=\"muted\">written raw (the key's own bytes, not Avro)</span>",
            html::schema(model, key, &root)
        ),
        (Some(key), KeyFormat::Avro) => format!(
            "<code>{}</code> <span class=\"muted\">Avro, subject <code>{}</code></span>",
            html::schema(model, key, &root),
            esc(&topic.key_subject().unwrap_or_default())
        ),
    };
    let _ = writeln!(body, "<dl class=\"facts\">\n<dt>Key</dt><dd>{key}</dd>");
    // A topic of several event types has a value type, and a subject, per event type.
    let label = match topic.value_types.len() {
        1 => "Value",
        _ => "Value (one of)",
    };
    for (subject, value) in topic.value_subjects_with_types() {
        let _ = writeln!(
            body,
            "<dt>{label}</dt><dd><code>{}</code> <span class=\"muted\">Avro, subject <code>{}</code></span></dd>",
            html::schema(model, value, &root),
            esc(subject),
        );
    }
    let _ = writeln!(
        body,
        "<dt>Compatibility</dt><dd><span class=\"mode\">{}</span></dd>",
        topic.compatibility.as_str(),
    );
    if let Some(sink) = &topic.sink {
        let _ = writeln!(
            body,
            "<dt>Sink</dt><dd>table {} <span class=\"muted\">written by {}</span></dd>",
            html::table_link(&sink.table, &root),
            esc(sink.writer.display_name())
        );
    }
    body.push_str("</dl>\n");

    settings(model, topic, &mut body);

    if let Some(sink) = &topic.sink {
        let _ = writeln!(
            body,
            "<section id=\"sink\">\n<h2>Sink</h2>\n<p>Records are written to the PostgreSQL table {} by {} (<code>{}</code>).</p>",
            html::table_link(&sink.table, &root),
            esc(sink.writer.display_name()),
            esc(sink.writer.as_str())
        );
        body.push_str("<dl class=\"facts\">\n");
        let primary = if sink.primary_key.is_empty() {
            "<span class=\"muted\">none (rows are appended)</span>".to_owned()
        } else {
            code_list(&sink.primary_key)
        };
        let _ = writeln!(body, "<dt>Primary key</dt><dd>{primary}</dd>");
        for index in &sink.indexes {
            let _ = writeln!(
                body,
                "<dt>Index <code>{}</code></dt><dd>{}</dd>",
                esc(&index.name),
                code_list(&index.columns)
            );
        }
        if let Some(connector) = &sink.connector {
            let _ = writeln!(body, "<dt>Connector</dt><dd><code>{}</code></dd>", esc(connector));
        }
        if let Some(dead) = &sink.dead_letter_topic {
            let _ = writeln!(body, "<dt>Dead letters</dt><dd><code>{}</code></dd>", esc(dead));
        }
        body.push_str("</dl>\n</section>\n");
    }

    let picture = graph::for_topic(model, topic, &root);
    let _ = writeln!(
        body,
        "<section id=\"graph\">\n<h2>What it carries</h2>\n<div class=\"graph-box\">{picture}</div>\n</section>"
    );
    html::page(model, &path, &topic.name, &Current::Topic(topic.name.clone()), &body)
}

fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("<code>{}</code>", esc(i)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row per setting, one column per environment (or one column without environments);
/// values that differ from the topic's own settings are marked.
fn settings(model: &Model<'_>, topic: &Topic, body: &mut String) {
    let environments = model.environments();
    let columns: Vec<(&str, &TopicSettings)> = if environments.is_empty() {
        vec![("value", &topic.settings)]
    } else {
        environments
            .iter()
            .map(|env| (env.as_str(), topic.settings_for(env)))
            .collect()
    };
    body.push_str(
        "<section id=\"settings\">\n<h2>Settings</h2>\n<table class=\"data settings\">\n<thead><tr><th>Setting</th>",
    );
    for (name, _) in &columns {
        let _ = write!(body, "<th>{}</th>", esc(name));
    }
    body.push_str("</tr></thead>\n<tbody>\n");
    type Row = (&'static str, fn(&TopicSettings) -> String);
    let rows: [Row; 7] = [
        ("partitions", |s| s.partitions.to_string()),
        ("replication factor", |s| s.replication_factor.to_string()),
        ("min in-sync replicas", |s| s.min_insync_replicas.to_string()),
        ("retention", |s| html::duration(s.retention_ms)),
        ("retention per partition", |s| html::bytes(s.retention_bytes)),
        ("cleanup policy", |s| s.cleanup_policy.as_kafka().to_owned()),
        ("compression", |s| s.compression.as_kafka().to_owned()),
    ];
    for (label, value) in rows {
        let base = value(&topic.settings);
        let _ = write!(body, "<tr><th scope=\"row\">{label}</th>");
        for (_, settings) in &columns {
            let shown = value(settings);
            let class = if shown != base { " class=\"override\"" } else { "" };
            let _ = write!(body, "<td{class}>{}</td>", esc(&shown));
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody>\n</table>\n");
    if columns.iter().any(|(_, s)| **s != topic.settings) {
        body.push_str(
            "<p class=\"note\"><span class=\"override-swatch\"></span> overridden for that environment</p>\n",
        );
    }
    body.push_str("</section>\n");
}
