//! HTML building blocks: escaping, docs, types with links, and the page frame every page
//! shares (header with the search box, sidebar, footer scripts).

use super::model::{self, Model};
use crate::catalog::Topic;
use crate::ir::{FixedLogical, Logical, NamedKind, Schema, TypeId};
use std::fmt::Write;

/// `text` with `&`, `<`, `>`, `"` and `'` escaped: safe in element content and in quoted
/// attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A doc string as HTML: escaped, blank lines as paragraph breaks, `` `code` `` as code.
pub(super) fn doc(text: &str) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let _ = write!(out, "<p>{}</p>", inline(paragraph));
    }
    out
}

/// One line of doc text: escaped, with `` `code` `` spans.
pub(super) fn inline(text: &str) -> String {
    let mut out = String::new();
    let mut parts = text.split('`').peekable();
    let mut code = false;
    while let Some(part) = parts.next() {
        // An unmatched backtick stays a backtick.
        if code && parts.peek().is_none() {
            out.push('`');
            out.push_str(&esc(part));
            break;
        }
        if code {
            let _ = write!(out, "<code>{}</code>", esc(part));
        } else {
            out.push_str(&esc(part));
        }
        code = !code;
    }
    out
}

/// The first sentence of a doc (for listings), escaped.
pub(super) fn summary(text: Option<&str>) -> String {
    let Some(text) = text else { return String::new() };
    let first = text.split("\n\n").next().unwrap_or_default().trim();
    let sentence = match first.find(". ") {
        Some(end) => &first[..=end],
        None => first,
    };
    inline(&sentence.replace('\n', " "))
}

/// `../` once per directory of `path` (a path from the site's root): the way back to
/// the root from that page.
pub(super) fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// A link to a type's page, by its short name (the full name in the tooltip).
pub(super) fn type_link(model: &Model<'_>, id: TypeId, root: &str) -> String {
    format!(
        "<a class=\"type-ref\" href=\"{root}{}\" title=\"{}\">{}</a>",
        esc(&model.type_path(id)),
        esc(&model.set.get(id).name.to_string()),
        esc(&model.short_name(id))
    )
}

/// A link to a topic's page.
pub(super) fn topic_link(name: &str, root: &str) -> String {
    format!(
        "<a class=\"topic-ref\" href=\"{root}{}\">{}</a>",
        esc(&model::topic_path(name)),
        esc(name)
    )
}

/// A link to a table's page.
pub(super) fn table_link(name: &str, root: &str) -> String {
    format!(
        "<a class=\"table-ref\" href=\"{root}{}\">{}</a>",
        esc(&model::table_path(name)),
        esc(name)
    )
}

/// A schema as HTML, named types linked: `string`, `null | Position`,
/// `array<Reading>`, `timestamp-millis`.
/// Each of `topic`'s value types (several on a topic of several event types) through
/// `each`, joined by `separator`.
pub(super) fn values(topic: &Topic, separator: &str, each: impl Fn(&Schema) -> String) -> String {
    topic.value_types.iter().map(each).collect::<Vec<_>>().join(separator)
}

pub(super) fn schema(model: &Model<'_>, schema: &Schema, root: &str) -> String {
    match schema {
        Schema::Array(items) => format!(
            "<span class=\"kw\">array</span>&lt;{}&gt;",
            self::schema(model, items, root)
        ),
        Schema::Map(values) => format!(
            "<span class=\"kw\">map</span>&lt;{}&gt;",
            self::schema(model, values, root)
        ),
        Schema::Union(branches) => {
            let parts: Vec<String> = branches.iter().map(|b| self::schema(model, b, root)).collect();
            if parts.is_empty() {
                "<span class=\"kw\">union</span> []".into()
            } else {
                parts.join(" <span class=\"bar\">|</span> ")
            }
        }
        Schema::Named(id) => type_link(model, *id, root),
        other => format!("<span class=\"prim\">{}</span>", esc(&model.set.describe(other))),
    }
}

/// The logical types in a schema (through unions, arrays and maps, and of fixed types),
/// each with the type it annotates: `timestamp-millis on long`.
pub(super) fn logical(model: &Model<'_>, schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    collect_logical(model, schema, &mut out);
    out.dedup();
    out
}

fn collect_logical(model: &Model<'_>, schema: &Schema, out: &mut Vec<String>) {
    match schema {
        Schema::Array(inner) | Schema::Map(inner) => collect_logical(model, inner, out),
        Schema::Union(branches) => branches.iter().for_each(|b| collect_logical(model, b, out)),
        Schema::Logical(logical) => {
            let name = match logical {
                Logical::Decimal(d) => format!("decimal({}, {})", d.precision, d.scale),
                other => other.name().to_owned(),
            };
            out.push(format!("{name} on {}", model.set.describe(&logical.base())));
        }
        Schema::Named(id) => {
            if let NamedKind::Fixed(fixed) = &model.set.get(*id).kind
                && let Some(logical) = fixed.logical
            {
                out.push(format!("{} on fixed({})", fixed_logical(logical), fixed.size));
            }
        }
        _ => {}
    }
}

/// A fixed type's logical type: `decimal(9, 2)`, `uuid`, `duration`.
pub(super) fn fixed_logical(logical: FixedLogical) -> String {
    match logical {
        FixedLogical::Decimal(d) => format!("decimal({}, {})", d.precision, d.scale),
        FixedLogical::Uuid => "uuid".into(),
        FixedLogical::Duration => "duration".into(),
    }
}

/// Which sidebar entry a page is.
#[derive(Clone, PartialEq, Eq)]
pub(super) enum Current {
    Index,
    Topic(String),
    Type(TypeId),
    Table(String),
}

/// A whole page: `body` inside the shared frame. `path` is the page's own path from the
/// site's root; links are relative to it.
pub(super) fn page(model: &Model<'_>, path: &str, title: &str, current: &Current, body: &str) -> String {
    let root = root_of(path);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · Schema catalog</title>\n<link rel=\"icon\" href=\"data:,\">\n\
         <link rel=\"stylesheet\" href=\"{root}style.css\">\n</head>\n<body data-root=\"{root}\">\n",
        esc(title)
    );
    let _ = write!(
        out,
        "<header class=\"top\">\n<a class=\"brand\" href=\"{root}index.html\"><span class=\"logo\" aria-hidden=\"true\"></span>Schema catalog</a>\n\
         <div class=\"search\" role=\"search\">\n<input id=\"search\" type=\"search\" placeholder=\"Search types, fields, topics, tables…\" autocomplete=\"off\" spellcheck=\"false\" aria-label=\"Search the catalog\">\n\
         <kbd class=\"search-key\">/</kbd>\n<div id=\"search-results\" class=\"results\" role=\"listbox\" hidden></div>\n</div>\n</header>\n"
    );
    out.push_str("<div class=\"layout\">\n");
    out.push_str(&sidebar(model, &root, current));
    let _ = write!(
        out,
        "<main class=\"content\">\n{body}</main>\n</div>\n\
         <script src=\"{root}search-index.js\"></script>\n<script src=\"{root}site.js\"></script>\n</body>\n</html>\n"
    );
    out
}

fn sidebar(model: &Model<'_>, root: &str, current: &Current) -> String {
    let mark = |is: bool| {
        if is {
            " class=\"current\" aria-current=\"page\""
        } else {
            ""
        }
    };
    let mut out = String::from("<nav class=\"sidebar\" aria-label=\"Catalog\">\n");
    let _ = writeln!(
        out,
        "<a class=\"nav-home\" href=\"{root}index.html\"{}>Overview</a>",
        mark(*current == Current::Index)
    );
    if !model.topics.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Topics <span class=\"count\">{}</span></h2>\n<ul>",
            model.topics.len()
        );
        for topic in &model.topics {
            let is = *current == Current::Topic(topic.name.clone());
            let _ = writeln!(
                out,
                "<li><a href=\"{root}{}\"{}>{}</a></li>",
                esc(&model::topic_path(&topic.name)),
                mark(is),
                esc(&topic.name)
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(out, "<h2>Types <span class=\"count\">{}</span></h2>", model.types.len());
    let mut namespace: Option<Option<String>> = None;
    for &id in &model.types {
        let named = model.set.get(id);
        if namespace.as_ref() != Some(&named.name.namespace) {
            if namespace.is_some() {
                out.push_str("</ul>\n");
            }
            let _ = writeln!(
                out,
                "<h3>{}</h3>\n<ul>",
                esc(named.name.namespace.as_deref().unwrap_or("(no namespace)"))
            );
            namespace = Some(named.name.namespace.clone());
        }
        let _ = writeln!(
            out,
            "<li><a href=\"{root}{}\"{}><span class=\"kind-dot {}\" aria-hidden=\"true\"></span>{}</a></li>",
            esc(&model.type_path(id)),
            mark(*current == Current::Type(id)),
            kind_name(&named.kind),
            esc(&named.name.name)
        );
    }
    if namespace.is_some() {
        out.push_str("</ul>\n");
    }
    if !model.tables.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Tables <span class=\"count\">{}</span></h2>\n<ul>",
            model.tables.len()
        );
        for table in &model.tables {
            let is = *current == Current::Table(table.sink.table.clone());
            let _ = writeln!(
                out,
                "<li><a href=\"{root}{}\"{}>{}</a></li>",
                esc(&model::table_path(&table.sink.table)),
                mark(is),
                esc(&table.sink.table)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</nav>\n");
    out
}

/// `record`, `error`, `enum` or `fixed`.
pub(super) fn kind_name(kind: &NamedKind) -> &'static str {
    match kind {
        NamedKind::Record(record) if record.is_error => "error",
        NamedKind::Record(_) => "record",
        NamedKind::Enum(_) => "enum",
        NamedKind::Fixed(_) => "fixed",
    }
}

/// An HTML id from a name: letters, digits, `-` and `_` kept, anything else as `.`
/// (field and symbol names are Avro names, so nothing changes for them).
pub(super) fn anchor(prefix: &str, name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '.'
            }
        })
        .collect();
    format!("{prefix}-{cleaned}")
}

/// A duration in milliseconds as people read it: `7 days`, `36 hours`, `forever`.
pub(super) fn duration(ms: i64) -> String {
    if ms < 0 {
        return "forever".into();
    }
    const UNITS: [(i64, &str); 5] = [
        (7 * 24 * 3_600_000, "week"),
        (24 * 3_600_000, "day"),
        (3_600_000, "hour"),
        (60_000, "minute"),
        (1_000, "second"),
    ];
    for (size, unit) in UNITS {
        if ms >= size && ms % size == 0 {
            // Weeks read better as days below four weeks (7 days, 14 days).
            if unit == "week" && ms / size < 4 {
                continue;
            }
            let n = ms / size;
            return format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
        }
    }
    format!("{ms} ms")
}

/// A byte count as people read it: `100 GiB`, `unlimited`.
pub(super) fn bytes(n: i64) -> String {
    if n < 0 {
        return "unlimited".into();
    }
    for (size, unit) in [
        (1i64 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ] {
        if n >= size && n % size == 0 {
            return format!("{} {unit}", n / size);
        }
    }
    format!("{n} bytes")
}
