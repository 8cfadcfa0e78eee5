//! The schema catalog site (`avrokit_codegen::site`): a page per topic, type and table for
//! the seed schemas, every internal link and anchor resolving, every page well-formed
//! with the schemas' texts escaped (a fixture whose docs hold `<script>`), a snapshot of
//! one type page, and (feature `gate`) the history read from a scratch git repository.

use avrokit_codegen::catalog::{Catalog, load_catalog, parse_catalog};
use avrokit_codegen::compat::Compatibility;
use avrokit_codegen::ir::SchemaSet;
use avrokit_codegen::site::{self, Change, History, Revision, SiteFile, TypeHistory};
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_dir, load_files};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seed() -> (SchemaSet, Catalog) {
    let dir = workspace().join("avro-schemas");
    let set = load_dir(&dir, &LoadOptions::default()).expect("the seed schemas load");
    let catalog = load_catalog(&dir.join("catalog.toml"), &set).expect("the seed catalog loads");
    (set, catalog)
}

/// The tricky fixture, with paths relative to the fixture directory's parent (so pages
/// do not depend on where the checkout is).
fn tricky() -> (SchemaSet, Catalog) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-tricky");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("fixture");
    let set = load_files(
        vec![SourceFile::new("site-tricky/alarm.avsc", read("alarm.avsc"))],
        &LoadOptions::default(),
    )
    .expect("the fixture loads");
    let catalog = parse_catalog(SourceFile::new("site-tricky/catalog.toml", read("catalog.toml")), &set)
        .expect("the fixture's catalog loads");
    (set, catalog)
}

fn by_path(files: &[SiteFile]) -> BTreeMap<&str, &str> {
    files.iter().map(|f| (f.path.as_str(), f.contents.as_str())).collect()
}

/// Joins a relative link to the directory of the page it is on, resolving `..`.
fn resolve(page: &str, link: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Every `href` and `src` of every page (and every page of the search index) points at a
/// file of the site, and every `#anchor` at an element with that id there.
fn check_links(files: &[SiteFile]) {
    let site = by_path(files);
    let mut checked = 0;
    let mut check = |page: &str, link: &str| {
        assert!(
            !link.contains("://") && !link.starts_with("//"),
            "{page}: external link {link}"
        );
        if link.starts_with("data:") {
            return;
        }
        let (path, anchor) = match link.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (link, None),
        };
        let target = if path.is_empty() {
            page.to_owned()
        } else {
            resolve(page, path)
        };
        let Some(contents) = site.get(target.as_str()) else {
            panic!("{page}: link {link} points at {target}, which the site does not have");
        };
        if let Some(anchor) = anchor {
            assert!(
                contents.contains(&format!("id=\"{anchor}\"")),
                "{page}: link {link}: {target} has no element with id {anchor}"
            );
        }
        checked += 1;
    };
    for file in files.iter().filter(|f| f.is_page()) {
        for attribute in ["href=\"", "src=\""] {
            for (at, _) in file.contents.match_indices(attribute) {
                let rest = &file.contents[at + attribute.len()..];
                let link = &rest[..rest.find('"').expect("quoted")];
                // Attribute values are escaped; links hold no entity but `&amp;`.
                check(&file.path, &link.replace("&amp;", "&"));
            }
        }
    }
    for entry in search_index(files) {
        check("index.html", entry["u"].as_str().expect("u"));
    }
    assert!(checked > 0);
}

fn search_index(files: &[SiteFile]) -> Vec<serde_json::Value> {
    let text = by_path(files)["search-index.js"];
    let start = text.find("window.AVROKIT_SEARCH = ").expect("assigns the global") + "window.AVROKIT_SEARCH = ".len();
    let json = text[start..].trim_end().trim_end_matches(';');
    serde_json::from_str::<Vec<serde_json::Value>>(json).expect("the index is JSON")
}

/// Tags balance, no `<` in text (every `<` starts a tag), attribute quotes pair up, and
/// no script other than the site's own two.
fn check_well_formed(path: &str, html: &str) {
    const VOID: [&str; 6] = ["meta", "link", "input", "br", "hr", "img"];
    let mut stack: Vec<&str> = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        let rest = &html[start..];
        if rest.starts_with("<!DOCTYPE") {
            at = start + rest.find('>').expect("doctype ends");
            continue;
        }
        let end = rest
            .find('>')
            .unwrap_or_else(|| panic!("{path}: unclosed tag at {start}"));
        let tag = &rest[1..end];
        let context = &html[html.floor_char_boundary(start.saturating_sub(60))..html.floor_char_boundary(start + 60)];
        assert!(
            tag.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/'),
            "{path}: a `<` that starts no tag (unescaped text?) at {start}: …{context}…"
        );
        assert!(!tag.contains('<'), "{path}: `<` inside a tag at {start}: …{context}…");
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "{path}: unbalanced quotes in a tag at {start}: …{context}…"
        );
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("{path}: </{name}> closes nothing"));
            assert_eq!(
                open, name,
                "{path}: <{open}> closed by </{name}> at {start}: …{context}…"
            );
        } else {
            let name = tag
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or_default();
            if name == "script" {
                assert!(
                    tag == "script src=\"search-index.js\""
                        || tag == "script src=\"site.js\""
                        || tag == "script src=\"../search-index.js\""
                        || tag == "script src=\"../site.js\"",
                    "{path}: a script that is not the site's: <{tag}>"
                );
            }
            if !(VOID.contains(&name) || tag.ends_with('/')) {
                stack.push(name);
            }
        }
        at = start + end + 1;
    }
    assert!(stack.is_empty(), "{path}: unclosed elements {stack:?}");
}

#[test]
fn the_seed_site_has_a_page_per_topic_type_and_table_and_every_link_resolves() {
    let (set, catalog) = seed();
    let files = site::render(&set, Some(&catalog), &History::default());
    let site = by_path(&files);
    for expected in ["index.html", "style.css", "site.js", "search-index.js"] {
        assert!(site.contains_key(expected), "{expected} missing");
    }
    for topic in &catalog.topics {
        let page = site
            .get(format!("topic/{}.html", topic.name).as_str())
            .unwrap_or_else(|| panic!("no page for topic {}", topic.name));
        assert!(page.contains(&format!("<h1>{}</h1>", topic.name)));
        // Each topic is a node of the index's graph.
        assert!(site["index.html"].contains(&format!("data-name=\"{}\"", topic.name)));
    }
    for named in &set.types {
        let page = site
            .get(format!("type/{}.html", named.name).as_str())
            .unwrap_or_else(|| panic!("no page for type {}", named.name));
        assert!(page.contains(&format!("<h1>{}</h1>", named.name.name)));
    }
    let tables: Vec<&str> = catalog
        .topics
        .iter()
        .filter_map(|t| t.sink.as_ref())
        .map(|s| s.table.as_str())
        .collect();
    assert_eq!(tables.len(), 3);
    for table in tables {
        assert!(
            site.contains_key(format!("table/{table}.html").as_str()),
            "no page for table {table}"
        );
    }
    let pages = files.iter().filter(|f| f.is_page()).count();
    assert_eq!(pages, 1 + catalog.topics.len() + set.types.len() + 3);
    check_links(&files);
    for file in files.iter().filter(|f| f.is_page()) {
        check_well_formed(&file.path, &file.contents);
    }
    // The search index names types, fields, symbols, topics, tables and columns.
    let index = search_index(&files);
    let has = |kind: &str, name: &str| index.iter().any(|e| e["k"] == kind && e["n"] == name);
    assert!(has("record", "astro.beam.TelescopeCommand"));
    assert!(has("field", "TelescopeCommand.priority"));
    assert!(has("enum", "astro.beam.TelescopeState"));
    assert!(has("topic", "telescope.commands"));
    assert!(has("table", "raw_access_events"));
    assert!(has("column", "raw_access_events.event_id"));
    assert!(index.iter().any(|e| e["k"] == "symbol"));
    // Deterministic: the same input renders the same bytes.
    assert_eq!(files, site::render(&set, Some(&catalog), &History::default()));
}

#[test]
fn texts_from_schemas_and_catalog_are_escaped() {
    let (set, catalog) = tricky();
    let files = site::render(&set, Some(&catalog), &History::default());
    for file in &files {
        assert!(!file.contents.contains("<script>alert"), "{}: raw script", file.path);
        assert!(!file.contents.contains("<img src=x"), "{}: raw img", file.path);
        assert!(!file.contents.contains("<b>bold"), "{}: raw markup", file.path);
    }
    for file in files.iter().filter(|f| f.is_page()) {
        check_well_formed(&file.path, &file.contents);
    }
    check_links(&files);
    let site = by_path(&files);
    let alarm = site["type/demo.tricky.Alarm.html"];
    assert!(alarm.contains("Raised when &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; friends show up."));
    assert!(
        alarm.contains("See <code>Level</code> and &lt;b&gt;bold&lt;/b&gt; claims."),
        "{alarm}"
    );
    assert!(alarm.contains("An id with a &lt;/td&gt; inside"));
    assert!(alarm.contains("Quote &quot; and apostrophe &#39; here"));
    assert!(
        alarm.contains("&quot;&lt;k&gt;&quot;:&quot;&lt;v&gt;&quot;"),
        "the map default, escaped"
    );
    assert!(site["topic/alarms.raised.html"].contains("Alarms &lt;img src=x onerror=alert(1)&gt; as they are raised."));
    // The per-environment override is shown and marked.
    assert!(site["topic/alarms.raised.html"].contains("<td class=\"override\">6</td>"));
    // The search index is JSON in a script: its strings stay strings.
    let index = search_index(&files);
    assert!(
        index
            .iter()
            .any(|e| e["n"] == "demo.tricky.Alarm" && e["d"].as_str().unwrap().contains("<script>"))
    );
}

#[test]
fn type_page_snapshot() {
    let (set, catalog) = tricky();
    let mut history = History {
        collected: true,
        ..History::default()
    };
    let revision = |commit: &str, date: &str, subject: &str, change: Change| Revision {
        commit: commit.into(),
        date: date.into(),
        subject: subject.into(),
        path: "site-tricky/alarm.avsc".into(),
        change,
    };
    history.types.insert(
        "demo.tricky.Alarm".into(),
        TypeHistory {
            path: "site-tricky/alarm.avsc".into(),
            mode: Compatibility::Backward,
            mode_topic: Some("alarms.raised".into()),
            revisions: vec![
                revision(
                    "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3",
                    "2024-03-01T10:00:00+00:00",
                    "Alarm gains tags without a default",
                    Change::Incompatible {
                        messages: vec!["READER_FIELD_MISSING_DEFAULT_VALUE at /fields/4: tags".into()],
                        total: 1,
                    },
                ),
                revision(
                    "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2",
                    "2024-02-01T10:00:00+00:00",
                    "Alarm gains an optional note <with markup>",
                    Change::Compatible { warnings: Vec::new() },
                ),
                revision(
                    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
                    "2024-01-01T10:00:00+00:00",
                    "Alarms",
                    Change::Added,
                ),
            ],
        },
    );
    let files = site::render(&set, Some(&catalog), &history);
    let page = &files
        .iter()
        .find(|f| f.path == "type/demo.tricky.Alarm.html")
        .expect("the type's page")
        .contents;
    check_well_formed("type/demo.tricky.Alarm.html", page);
    insta::assert_snapshot!(page);
}

#[cfg(feature = "gate")]
mod history {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .current_dir(dir)
            .args([
                "-c",
                "user.name=Site Test",
                "-c",
                "user.email=site@test",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("GIT_COMMITTER_DATE", "2024-01-02T03:04:05+00:00")
            .env("GIT_AUTHOR_DATE", "2024-01-02T03:04:05+00:00")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn record(fields: &str) -> String {
        format!(r#"{{"type":"record","name":"Reading","namespace":"demo","fields":[{fields}]}}"#)
    }

    #[test]
    fn history_follows_renames_and_judges_each_change_under_the_topic_mode() {
        let repo = std::env::temp_dir().join(format!("avrokit-site-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&repo);
        let schemas = repo.join("schemas");
        std::fs::create_dir_all(&schemas).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        let write = |file: &str, text: &str| std::fs::write(schemas.join(file), text).unwrap();
        write("reading.avsc", &record(r#"{"name":"id","type":"string"}"#));
        write(
            "catalog.toml",
            "[topics.readings]\nvalue = \"demo.Reading\"\ncompatibility = \"BACKWARD\"\n",
        );
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "Readings"]);
        write(
            "reading.avsc",
            &record(r#"{"name":"id","type":"string"},{"name":"unit","type":"string","default":"C"}"#),
        );
        git(&repo, &["commit", "-q", "-am", "Reading gains a unit with a default"]);
        git(&repo, &["mv", "schemas/reading.avsc", "schemas/sensor-reading.avsc"]);
        git(&repo, &["commit", "-q", "-m", "Rename the file"]);
        write(
            "sensor-reading.avsc",
            &record(
                r#"{"name":"id","type":"string"},{"name":"unit","type":"string","default":"C"},{"name":"value","type":"double"}"#,
            ),
        );
        git(
            &repo,
            &["commit", "-q", "-am", "Reading gains a value without a default"],
        );

        let set = load_dir(&schemas, &LoadOptions::default()).unwrap();
        let catalog = load_catalog(&schemas.join("catalog.toml"), &set).unwrap();
        let history = site::collect_history(&schemas, &set, Some(&catalog)).expect("history");
        assert!(history.collected);
        let reading = &history.types["demo.Reading"];
        assert_eq!(reading.path, "schemas/sensor-reading.avsc");
        assert_eq!(
            (reading.mode, reading.mode_topic.as_deref()),
            (Compatibility::Backward, Some("readings"))
        );
        let summary: Vec<(&str, &str, &str)> = reading
            .revisions
            .iter()
            .map(|r| (r.subject.as_str(), r.change.label(), r.path.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "Reading gains a value without a default",
                    "incompatible",
                    "schemas/sensor-reading.avsc"
                ),
                ("Rename the file", "unchanged", "schemas/sensor-reading.avsc"),
                (
                    "Reading gains a unit with a default",
                    "compatible",
                    "schemas/reading.avsc"
                ),
                ("Readings", "added", "schemas/reading.avsc"),
            ]
        );
        let Change::Incompatible { messages, total } = &reading.revisions[0].change else {
            unreachable!()
        };
        assert_eq!(*total, 1);
        assert_eq!(messages[0], "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/2: value");
        assert_eq!(reading.revisions[0].date, "2024-01-02T03:04:05+00:00");
        assert_eq!(reading.revisions[0].commit.len(), 40);

        // The page shows it: verdicts, the older path, the mode's topic.
        let files = site::render(&set, Some(&catalog), &history);
        let page = &files
            .iter()
            .find(|f| f.path == "type/demo.Reading.html")
            .unwrap()
            .contents;
        assert!(page.contains("<span class=\"verdict incompatible\">incompatible</span>"));
        assert!(page.contains("then <code>schemas/reading.avsc</code>"));
        assert!(page.contains("READER_FIELD_MISSING_DEFAULT_VALUE at /fields/2: value"));
        let _ = std::fs::remove_dir_all(&repo);
    }

    #[test]
    fn a_directory_outside_git_is_an_error_the_command_can_report() {
        let dir = std::env::temp_dir().join(format!("avrokit-site-nogit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.avsc"), record(r#"{"name":"id","type":"string"}"#)).unwrap();
        let set = load_dir(&dir, &LoadOptions::default()).unwrap();
        // /tmp is not inside a repository (unless someone made it one).
        if Command::new("git")
            .current_dir(&dir)
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .is_ok_and(|o| !o.status.success())
        {
            let err = site::collect_history(&dir, &set, None).expect_err("not a repository");
            assert!(err.to_string().contains("not inside a git repository"), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn writing_the_site_replaces_pages_that_are_gone_and_keeps_other_files() {
    let dir = std::env::temp_dir().join(format!("avrokit-site-write-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("type")).unwrap();
    std::fs::write(dir.join("type/gone.Type.html"), "old page").unwrap();
    std::fs::write(dir.join("type/notes.txt"), "not ours").unwrap();
    let (set, catalog) = tricky();
    let files = site::render(&set, Some(&catalog), &History::default());
    let pages = site::write_site(&dir, &files).expect("written");
    assert_eq!(pages, 5, "index, a topic, two types, a table");
    assert!(!dir.join("type/gone.Type.html").exists());
    assert!(dir.join("type/notes.txt").exists());
    for file in &files {
        assert_eq!(std::fs::read_to_string(dir.join(&file.path)).unwrap(), file.contents);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A topic of several event types shows every type with its subject, every type's page
/// names the topic, and the search entry and the index row name every type.
#[test]
fn a_topic_of_several_event_types_shows_each() {
    let record = |name: &str| {
        format!(
            r#"{{"type": "record", "name": "{name}", "namespace": "t", "fields": [{{"name": "id", "type": "string"}}]}}"#
        )
    };
    let set = load_files(
        vec![
            SourceFile::new("t/created.avsc", record("Created")),
            SourceFile::new("t/cancelled.avsc", record("Cancelled")),
        ],
        &LoadOptions::default(),
    )
    .expect("the schemas load");
    let catalog = parse_catalog(
        SourceFile::new(
            "catalog.toml",
            "environments = [\"dev\"]\n\n[topics.\"orders\"]\nvalue = [\"t.Created\", \"t.Cancelled\"]\nsubject_strategy = \"topic_record_name\"\n".to_owned(),
        ),
        &set,
    )
    .expect("the catalog loads");
    let files = site::render(&set, Some(&catalog), &History::default());
    check_links(&files);
    let pages = by_path(&files);
    let topic = pages["topic/orders.html"];
    for subject in ["orders-t.Created", "orders-t.Cancelled"] {
        assert!(
            topic.contains(&format!("subject <code>{subject}</code>")),
            "{subject} on the topic page:\n{topic}"
        );
    }
    for name in ["Created", "Cancelled"] {
        let page = pages[format!("type/t.{name}.html").as_str()];
        let used = "the value of topic <a class=\"topic-ref\" href=\"../topic/orders.html\">orders</a>";
        assert!(page.contains(used), "the page of t.{name} names the topic:\n{page}");
        assert!(
            pages["index.html"].contains(&format!("t.{name}")),
            "the index row names t.{name}"
        );
    }
    let entry = search_index(&files)
        .into_iter()
        .find(|e| e["k"] == "topic")
        .expect("a topic entry");
    let detail = entry["d"].as_str().expect("a detail");
    assert!(detail.contains("Created") && detail.contains("Cancelled"), "{detail}");
}
