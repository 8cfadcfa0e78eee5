//! The lint corpus, `tests/lint/`: one folder per rule (`RULE` or `RULE.VARIANT`, with an
//! optional `lint.toml` applied to its cases) holding `fires*.avsc` and `passes*.avsc`
//! cases, `suppression/`, and `config/` (lint configurations, most of them wrong). Each
//! case's findings (or the configuration's errors) are compared with the snapshot stored
//! beside it (`fires.avsc` → `fires.snap`).
//!
//! A `fires` case must report its folder's rule, a `passes` case nothing at all, and every
//! rule has both. The seed schemas in `avro-schemas/` pass under their catalog's `[lint]`.

use avrokit_codegen::lint::{self, ConfigSource, LintConfig, Rule};
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_dir, load_files};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint")
}

/// Compares `value` with `DIR/NAME.snap`.
fn assert_beside(dir: &Path, name: &str, value: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, value));
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// The configuration of a case folder: the defaults, then its `lint.toml`.
fn folder_config(dir: &Path) -> LintConfig {
    let mut config = LintConfig::default();
    let path = dir.join("lint.toml");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let shown = path.strip_prefix(corpus()).unwrap().to_owned();
        config
            .apply(&SourceFile::new(shown, text), ConfigSource::LintFile)
            .unwrap_or_else(|d| panic!("{d}"));
    }
    config
}

/// The findings of one case file, loaded alone, as text lines (paths from the corpus).
fn lint_case(path: &Path, config: &LintConfig) -> Vec<lint::Finding> {
    let shown = path.strip_prefix(corpus()).unwrap().to_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let set = load_files(vec![SourceFile::new(shown, text)], &LoadOptions::default())
        .unwrap_or_else(|d| panic!("{} does not load:\n{d}", path.display()));
    lint::run(&set, config)
}

fn shown(findings: &[lint::Finding]) -> String {
    if findings.is_empty() {
        return "no findings\n".to_owned();
    }
    findings.iter().map(|f| lint::text_line(f) + "\n").collect()
}

#[test]
fn every_case_matches_its_snapshot_and_its_name() {
    let mut fired: BTreeSet<Rule> = BTreeSet::new();
    let mut passed: BTreeSet<Rule> = BTreeSet::new();
    let mut failures = Vec::new();
    for dir in sorted_entries(&corpus()) {
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !dir.is_dir() || folder == "config" {
            continue;
        }
        let rule = Rule::from_id(folder.split('.').next().unwrap());
        let config = folder_config(&dir);
        for case in sorted_entries(&dir) {
            if case.extension().is_none_or(|e| e != "avsc") {
                continue;
            }
            let stem = case.file_stem().unwrap().to_string_lossy().into_owned();
            let findings = lint_case(&case, &config);
            if stem.starts_with("fires") {
                match rule {
                    Some(rule) if findings.iter().any(|f| f.rule == rule) => {
                        fired.insert(rule);
                    }
                    None if !findings.is_empty() => {}
                    _ => failures.push(format!("{folder}/{stem}: expected {rule:?} to fire")),
                }
            } else if stem.starts_with("passes") {
                if findings.is_empty() {
                    passed.extend(rule);
                } else {
                    failures.push(format!("{folder}/{stem}: expected no findings:\n{}", shown(&findings)));
                }
            } else {
                failures.push(format!("{folder}/{stem}: name cases fires*.avsc or passes*.avsc"));
            }
            assert_beside(&dir, &stem, &shown(&findings));
        }
    }
    for rule in Rule::ALL {
        if !fired.contains(&rule) {
            failures.push(format!("no case fires {rule}"));
        }
        if !passed.contains(&rule) {
            failures.push(format!("no case passes {rule}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What a configuration resolves to: each rule's level and the options.
fn resolved(config: &LintConfig) -> String {
    let mut out = String::new();
    for rule in Rule::ALL {
        out.push_str(&format!("{rule} = {}\n", config.level(rule)));
    }
    out.push_str(&format!(
        "field style: {}\nnamespace pattern: {}\nmoney words: {:?}\nmoney pattern: {:?}\ntimestamp suffixes: {:?}\nforbidden names: {:?}\n",
        config.field_style.as_str(),
        config.namespace_pattern.as_str(),
        config.money_words,
        config.money_pattern.as_ref().map(|p| p.as_str()),
        config.timestamp_suffixes,
        config.forbidden_names,
    ));
    out
}

#[test]
fn configurations_load_or_say_where_they_are_wrong() {
    let dir = corpus().join("config");
    for path in sorted_entries(&dir) {
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let source = if stem == "catalog" {
            ConfigSource::Catalog
        } else {
            ConfigSource::LintFile
        };
        let shown_path = path.strip_prefix(corpus()).unwrap().to_owned();
        let file = SourceFile::new(shown_path, std::fs::read_to_string(&path).unwrap());
        let mut config = LintConfig::default();
        let result = config.apply(&file, source);
        // The catalog case is the one that loads.
        assert_eq!(stem == "catalog", result.is_ok(), "{stem}: {result:?}");
        let shown = match result {
            Ok(()) => resolved(&config),
            Err(diagnostics) => diagnostics.to_string(),
        };
        assert_beside(&dir, &stem, &shown);
    }
}

#[test]
fn defaults_are_the_documented_ones() {
    assert_beside(&corpus().join("config"), "defaults", &resolved(&LintConfig::default()));
}

/// The schemas this repository ships pass the default rules as their catalog configures
/// them (`cargo xtask lint` runs the same).
#[test]
fn seed_schemas_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../avro-schemas");
    let set = load_dir(&root, &LoadOptions::default()).unwrap_or_else(|d| panic!("{d}"));
    let config = LintConfig::load(Some(&root.join("catalog.toml")), None).unwrap_or_else(|d| panic!("{d}"));
    let findings = lint::run(&set, &config);
    assert!(findings.is_empty(), "{}", shown(&findings));
    // And with no configuration at all: the catalog only tightens or relaxes nothing.
    let findings = lint::run(&set, &LintConfig::default());
    assert!(findings.is_empty(), "{}", shown(&findings));
}

#[test]
fn json_report_carries_every_field() {
    let case = corpus().join("enum-symbol-style/fires.avsc");
    let text = std::fs::read_to_string(&case).unwrap();
    let set = load_files(
        vec![SourceFile::new("enum-symbol-style/fires.avsc", text)],
        &LoadOptions::default(),
    )
    .unwrap();
    let findings = lint::run(&set, &LintConfig::default());
    let json = lint::to_json(&findings, &set, avrokit_codegen::Strictness::Lenient);
    assert_eq!(json["passed"], false);
    assert_eq!(json["errors"], 2);
    assert_eq!(
        json["findings"][0],
        serde_json::json!({
            "rule": "enum-symbol-style",
            "severity": "error",
            "file": "enum-symbol-style/fires.avsc",
            "line": 6,
            "column": 26,
            "pointer": "/symbols/1",
            "element": "lint.corpus.RouteType",
            "message": "enum symbol `node_to_hub` is not UPPER_SNAKE_CASE: write `NODE_TO_HUB`",
        })
    );
    assert_eq!(
        lint::summary(&findings, &set, avrokit_codegen::Strictness::Lenient),
        "lint FAILED: 1 type in 1 file: 2 errors, 0 warnings"
    );
}

/// The catalog accepts its `[lint]` table unread (the linter reads it), so a catalog with
/// one still loads for `gen` and the gate.
#[test]
fn the_catalog_loads_with_a_lint_table() {
    let schema =
        r#"{"type": "record", "name": "Reading", "namespace": "lint.corpus", "doc": "A reading.", "fields": []}"#;
    let set = load_files(vec![SourceFile::new("reading.avsc", schema)], &LoadOptions::default()).unwrap();
    let path = corpus().join("config/catalog.toml");
    let catalog = avrokit_codegen::catalog::parse_catalog(
        SourceFile::new("catalog.toml", std::fs::read_to_string(path).unwrap()),
        &set,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(catalog.topics.len(), 1);
}
