//! A named type's page: its doc, fields (or symbols, or size), where it is used, its
//! version history with verdicts, and its source.

use super::history::Change;
use super::html::{self, Current, esc};
use super::model::Model;
use crate::ir::{FieldOrder, NamedKind, Record, TypeId};
use crate::schema_json;
use std::fmt::Write;

pub(super) fn render(model: &Model<'_>, id: TypeId) -> String {
    let path = model.type_path(id);
    let root = html::root_of(&path);
    let named = model.set.get(id);
    let kind = html::kind_name(&named.kind);
    let file = model.set.file(named.origin);
    let mut body = String::new();
    let _ = write!(
        body,
        "<div class=\"page-head\">\n<p class=\"eyebrow\"><span class=\"badge kind-{kind}\">{kind}</span> {}</p>\n\
         <h1>{}</h1>\n<p class=\"subtitle\"><code>{}</code> · defined in <code>{}</code></p>\n</div>\n",
        esc(named.name.namespace.as_deref().unwrap_or("(no namespace)")),
        esc(&named.name.name),
        esc(&named.name.to_string()),
        esc(&file.path().to_string_lossy().replace('\\', "/")),
    );
    if let Some(doc) = &named.doc {
        let _ = writeln!(body, "<div class=\"doc\">{}</div>", html::doc(doc));
    }
    let mut facts = String::new();
    if !named.aliases.is_empty() {
        let aliases: Vec<String> = named
            .aliases
            .iter()
            .map(|a| format!("<code>{}</code>", esc(&a.to_string())))
            .collect();
        let _ = write!(facts, "<dt>Aliases</dt><dd>{}</dd>", aliases.join(", "));
    }
    let mode = &model.modes[&id];
    let _ = write!(
        facts,
        "<dt>Compatibility</dt><dd><span class=\"mode\">{}</span> {}</dd>",
        mode.mode.as_str(),
        match &mode.topic {
            Some(topic) => format!("(mode of topic {})", html::topic_link(topic, &root)),
            None => "(the registry's default: no topic reaches this type)".to_owned(),
        }
    );
    for (key, value) in &named.props {
        let _ = write!(
            facts,
            "<dt>{}</dt><dd><code>{}</code></dd>",
            esc(key),
            esc(&value.to_string())
        );
    }
    let _ = writeln!(body, "<dl class=\"facts\">{facts}</dl>");

    match &named.kind {
        NamedKind::Record(record) => fields(model, record, &root, &mut body),
        NamedKind::Enum(enumeration) => {
            body.push_str("<section id=\"symbols\">\n<h2>Symbols</h2>\n");
            if let Some(default) = &enumeration.default {
                let _ = writeln!(
                    body,
                    "<p>Default (what readers that do not know a symbol read): <a href=\"#{}\"><code>{}</code></a></p>",
                    esc(&html::anchor("symbol", default)),
                    esc(default)
                );
            } else {
                body.push_str(
                    "<p class=\"muted\">No default: a reader that does not know a symbol fails to read it.</p>\n",
                );
            }
            body.push_str(
                "<table class=\"data symbols\">\n<thead><tr><th class=\"num\">Index</th><th>Symbol</th></tr></thead>\n<tbody>\n",
            );
            for (index, symbol) in enumeration.symbols.iter().enumerate() {
                let anchor = html::anchor("symbol", symbol);
                let is_default = enumeration.default.as_deref() == Some(symbol.as_str());
                let _ = writeln!(
                    body,
                    "<tr id=\"{}\"><td class=\"num\">{index}</td><td><a class=\"anchor\" href=\"#{}\"><code>{}</code></a>{}</td></tr>",
                    esc(&anchor),
                    esc(&anchor),
                    esc(symbol),
                    if is_default {
                        " <span class=\"badge\">default</span>"
                    } else {
                        ""
                    }
                );
            }
            body.push_str("</tbody>\n</table>\n</section>\n");
        }
        NamedKind::Fixed(fixed) => {
            let _ = write!(
                body,
                "<section id=\"size\">\n<h2>Size</h2>\n<p><strong>{}</strong> byte{}",
                fixed.size,
                if fixed.size == 1 { "" } else { "s" }
            );
            if let Some(logical) = fixed.logical {
                let _ = write!(
                    body,
                    ", logical type <code>{}</code>",
                    esc(&html::fixed_logical(logical))
                );
            }
            body.push_str(".</p>\n</section>\n");
        }
    }
    used(model, id, &root, &mut body);
    history(model, id, &root, &mut body);
    let _ = write!(
        body,
        "<section id=\"source\">\n<h2>Source</h2>\n<details>\n<summary>The schema as written in <code>{}</code></summary>\n<pre class=\"source\"><code>{}</code></pre>\n</details>\n\
         <details>\n<summary>The self-contained schema (as registered)</summary>\n<pre class=\"source\"><code>{}</code></pre>\n</details>\n</section>\n",
        esc(&file.path().to_string_lossy().replace('\\', "/")),
        esc(file.text().trim_end()),
        esc(&pretty(&schema_json::to_json(model.set, &crate::ir::Schema::Named(id)))),
    );
    html::page(model, &path, &named.name.to_string(), &Current::Type(id), &body)
}

/// Compact JSON, indented (it parses: `to_json` writes valid JSON).
fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| json.to_owned())
}

fn fields(model: &Model<'_>, record: &Record, root: &str, body: &mut String) {
    let _ = writeln!(
        body,
        "<section id=\"fields\">\n<h2>Fields <span class=\"count\">{}</span></h2>",
        record.fields.len()
    );
    if record.fields.is_empty() {
        body.push_str("<p class=\"muted\">No fields.</p>\n</section>\n");
        return;
    }
    body.push_str(
        "<table class=\"data fields\">\n<thead><tr><th>Name</th><th>Type</th><th>Default</th><th>Logical type</th><th>Doc</th></tr></thead>\n<tbody>\n",
    );
    for field in &record.fields {
        let anchor = html::anchor("field", &field.name);
        let mut name = format!(
            "<a class=\"anchor\" href=\"#{}\"><code>{}</code></a>",
            esc(&anchor),
            esc(&field.name)
        );
        if field.schema.as_optional().is_some() {
            name.push_str(" <span class=\"badge optional\">optional</span>");
        }
        if !field.aliases.is_empty() {
            let aliases: Vec<String> = field.aliases.iter().map(|a| esc(a)).collect();
            let _ = write!(name, "<div class=\"aka\">alias {}</div>", aliases.join(", "));
        }
        match field.order {
            FieldOrder::Ascending => {}
            FieldOrder::Descending => name.push_str("<div class=\"aka\">order: descending</div>"),
            FieldOrder::Ignore => name.push_str("<div class=\"aka\">order: ignore</div>"),
        }
        let default = match &field.default {
            Some(value) => format!(
                "<code>{}</code>",
                esc(&schema_json::value_to_json(model.set, &field.schema, value))
            ),
            None => "<span class=\"muted\">—</span>".into(),
        };
        let logical = html::logical(model, &field.schema);
        let logical = if logical.is_empty() {
            String::new()
        } else {
            logical
                .iter()
                .map(|l| format!("<code>{}</code>", esc(l)))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let mut doc = field.doc.as_deref().map(html::doc).unwrap_or_default();
        for (key, value) in &field.props {
            let _ = write!(
                doc,
                "<div class=\"aka\">{}: <code>{}</code></div>",
                esc(key),
                esc(&value.to_string())
            );
        }
        let _ = writeln!(
            body,
            "<tr id=\"{}\"><td class=\"name\">{name}</td><td class=\"type\"><code>{}</code></td><td>{default}</td><td>{logical}</td><td class=\"doc-cell\">{doc}</td></tr>",
            esc(&anchor),
            html::schema(model, &field.schema, root),
        );
    }
    body.push_str("</tbody>\n</table>\n</section>\n");
}

fn used(model: &Model<'_>, id: TypeId, root: &str, body: &mut String) {
    body.push_str("<section id=\"used\">\n<h2>Where it is used</h2>\n");
    let uses = &model.uses[&id];
    let mut items = Vec::new();
    for (topic, role) in &uses.topics {
        let mut item = format!("the {role} of topic {}", html::topic_link(topic, root));
        if *role == "value"
            && let Some(table) = model.table_of(topic)
        {
            let _ = write!(item, ", written to table {}", html::table_link(&table.sink.table, root));
        }
        items.push(item);
    }
    if !uses.reached_by.is_empty() {
        let topics: Vec<String> = uses.reached_by.iter().map(|t| html::topic_link(t, root)).collect();
        items.push(format!(
            "inside the messages of topic{} {}",
            plural(topics.len()),
            topics.join(", ")
        ));
    }
    for (user, field) in &uses.fields {
        items.push(format!(
            "field <a href=\"{root}{}#{}\"><code>{}</code></a> of {}",
            esc(&model.type_path(*user)),
            esc(&html::anchor("field", field)),
            esc(field),
            html::type_link(model, *user, root)
        ));
    }
    if items.is_empty() {
        body.push_str("<p class=\"muted\">No topic or other type uses it.</p>\n");
    } else {
        body.push_str("<ul class=\"uses\">\n");
        for item in items {
            let _ = writeln!(body, "<li>{item}</li>");
        }
        body.push_str("</ul>\n");
    }
    body.push_str("</section>\n");
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn history(model: &Model<'_>, id: TypeId, root: &str, body: &mut String) {
    body.push_str("<section id=\"history\">\n<h2>Version history</h2>\n");
    let name = model.set.get(id).name.to_string();
    let Some(history) = model
        .history
        .types
        .get(&name)
        .filter(|h| model.history.collected && !h.revisions.is_empty())
    else {
        body.push_str(if model.history.collected {
            "<p class=\"muted\">No committed versions: the file is not in git yet.</p>\n"
        } else {
            "<p class=\"muted\">History was not collected (<code>avrokit docs --no-history</code>, or the schemas are not in a git repository).</p>\n"
        });
        body.push_str("</section>\n");
        return;
    };
    let mode = match &history.mode_topic {
        Some(topic) => format!(
            "under <span class=\"mode\">{}</span>, the mode of topic {}",
            history.mode.as_str(),
            html::topic_link(topic, root)
        ),
        None => format!(
            "under <span class=\"mode\">{}</span>, the registry's default",
            history.mode.as_str()
        ),
    };
    let _ = writeln!(
        body,
        "<p>Every commit that changed <code>{}</code> (following renames), newest first; each change judged against the earlier versions {mode}.</p>",
        esc(&history.path)
    );
    body.push_str(
        "<table class=\"data history\">\n<thead><tr><th>Date</th><th>Commit</th><th>Change</th><th>Verdict</th></tr></thead>\n<tbody>\n",
    );
    for revision in &history.revisions {
        let short = &revision.commit[..revision.commit.len().min(8)];
        let date = revision.date.get(..10).unwrap_or(&revision.date);
        let mut details = String::new();
        match &revision.change {
            Change::Compatible { warnings } => {
                for warning in warnings {
                    let _ = write!(details, "<li class=\"warning\">{}</li>", esc(warning));
                }
            }
            Change::Incompatible { messages, total } => {
                for message in messages {
                    let _ = write!(details, "<li>{}</li>", esc(message));
                }
                if *total > messages.len() {
                    let _ = write!(details, "<li class=\"muted\">and {} more</li>", total - messages.len());
                }
            }
            Change::Unreadable(why) => {
                let _ = write!(details, "<li class=\"muted\">{}</li>", esc(why));
            }
            Change::Added | Change::Unchanged => {}
        }
        if revision.path != history.path {
            let _ = write!(
                details,
                "<li class=\"muted\">then <code>{}</code></li>",
                esc(&revision.path)
            );
        }
        let details = if details.is_empty() {
            String::new()
        } else {
            format!("<ul class=\"messages\">{details}</ul>")
        };
        let label = revision.change.label();
        let _ = writeln!(
            body,
            "<tr id=\"{}\"><td class=\"date\" title=\"{}\">{}</td><td><code>{}</code></td><td>{}</td><td><span class=\"verdict {label}\">{label}</span>{details}</td></tr>",
            esc(&format!("rev-{short}")),
            esc(&revision.date),
            esc(date),
            esc(short),
            esc(&revision.subject),
        );
    }
    body.push_str("</tbody>\n</table>\n</section>\n");
}
