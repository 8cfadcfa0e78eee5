//! The schema catalog site (`avrokit docs`): static HTML pages generated from the schemas,
//! the topic catalog and the schemas' git history, to browse without a server (open
//! `index.html` straight from disk).
//!
//! * [`render`] is a pure function from a [`SchemaSet`], an optional [`Catalog`] and a
//!   [`History`] to the site's files ([`SiteFile`]: a path relative to the output
//!   directory and its contents). The output is deterministic (everything sorted, no
//!   timestamps other than commit dates), so it can be snapshot-tested.
//! * [`collect_history`] (feature `gate`) reads each type's versions from git, the way the
//!   compatibility gate reads them, and judges each change with the [`compat`](crate::compat)
//!   engine under the subject's mode.
//! * [`write_site`] writes the files into a directory.
//!
//! The pages:
//!
//! | page | what it shows |
//! |---|---|
//! | `index.html` | topics, types and tables, and a graph topics → types → tables |
//! | `topic/<topic>.html` | key and value types, compatibility mode, partitions, retention, cleanup and compression per environment, the sink |
//! | `type/<full name>.html` | doc; fields (type, default, doc, logical type), enum symbols or fixed size; where it is used; its version history with each change's verdict |
//! | `table/<table>.html` | the sink table's columns (SQL type, nullability, default), primary key, indexes and DDL |
//!
//! Every page has a search box over type, field, symbol, topic, table and column names;
//! the index it searches is `search-index.js` (a script assigning a global, since a page
//! opened from disk cannot fetch JSON). The site is one stylesheet (`style.css`) and one
//! script (`site.js`), with no external assets. All text from the schemas is HTML-escaped.
//!
//! ```
//! use avrokit_codegen::site::{self, History};
//! use avrokit_codegen::{LoadOptions, load_files, source::SourceFile};
//!
//! let text = r#"{"type":"record","name":"Ping","namespace":"demo","doc":"A <ping>.","fields":[{"name":"at","type":"long"}]}"#;
//! let set = load_files(vec![SourceFile::new("ping.avsc", text)], &LoadOptions::default())
//!     .map_err(|diagnostics| diagnostics.to_string())?;
//! let files = site::render(&set, None, &History::default());
//! let page = files.iter().find(|f| f.path == "type/demo.Ping.html").expect("a page per type");
//! assert!(page.contents.contains("A &lt;ping&gt;."));
//! # Ok::<(), String>(())
//! ```

mod assets;
mod graph;
mod history;
mod html;
mod index_page;
mod model;
mod search;
mod table_page;
mod topic_page;
mod type_page;

#[cfg(feature = "gate")]
pub use history::collect_history;
pub use history::{Change, History, Revision, TypeHistory};

use crate::catalog::Catalog;
use crate::ir::SchemaSet;
use std::path::Path;

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    /// The path relative to the site's directory, with `/` separators
    /// (`type/astro.beam.TelescopeCommand.html`).
    pub path: String,
    /// The file's text.
    pub contents: String,
}

impl SiteFile {
    /// Whether the file is an HTML page.
    pub fn is_page(&self) -> bool {
        self.path.ends_with(".html")
    }
}

/// The whole site for `schemas`, its `catalog` (if any) and the types' `history`, sorted
/// by path: `index.html`, a page per topic, type and sink table, `style.css`, `site.js`
/// and `search-index.js`.
pub fn render(schemas: &SchemaSet, catalog: Option<&Catalog>, history: &History) -> Vec<SiteFile> {
    let model = model::Model::new(schemas, catalog, history);
    let mut files = vec![
        SiteFile {
            path: "index.html".into(),
            contents: index_page::render(&model),
        },
        SiteFile {
            path: "style.css".into(),
            contents: assets::STYLE.to_owned(),
        },
        SiteFile {
            path: "site.js".into(),
            contents: assets::SCRIPT.to_owned(),
        },
        SiteFile {
            path: "search-index.js".into(),
            contents: search::render(&model),
        },
    ];
    for topic in &model.topics {
        files.push(SiteFile {
            path: model::topic_path(&topic.name),
            contents: topic_page::render(&model, topic),
        });
    }
    for &id in &model.types {
        files.push(SiteFile {
            path: model.type_path(id),
            contents: type_page::render(&model, id),
        });
    }
    for table in &model.tables {
        files.push(SiteFile {
            path: model::table_path(&table.sink.table),
            contents: table_page::render(&model, table),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Writes `files` under `dir` (created if needed), and removes pages an earlier run left in
/// its `topic/`, `type/` and `table/` directories that are no longer part of the site.
/// Returns how many pages (HTML files) it wrote.
pub fn write_site(dir: &Path, files: &[SiteFile]) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    for section in ["topic", "type", "table"] {
        let Ok(entries) = std::fs::read_dir(dir.join(section)) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            let name = path.file_name().map(|n| format!("{section}/{}", n.to_string_lossy()));
            let stale = name.is_some_and(|name| name.ends_with(".html") && !files.iter().any(|f| f.path == name));
            if stale {
                std::fs::remove_file(&path)?;
            }
        }
    }
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &file.contents)?;
    }
    Ok(files.iter().filter(|f| f.is_page()).count())
}
