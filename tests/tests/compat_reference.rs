//! The differential test of the compatibility engine: on every schema pair of
//! `tests/compat/reference.json` (written by `tests/compat/generate.py`, regenerated with
//! `cargo xtask compat vectors`), the engine's BACKWARD, FORWARD and FULL verdicts equal
//! those of the Python `avro` package's `ReaderWriterCompatibilityChecker`, a port of the
//! Java checker the Schema Registry runs, and so do the kinds of incompatibility found.

use avrokit_codegen::compat::{self, Compatibility, Version};
use avrokit_codegen::ir::SchemaSet;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_files};
use std::collections::BTreeSet;

fn load(id: u64, side: &str, json: &serde_json::Value) -> SchemaSet {
    let file = SourceFile::new(
        format!("pair-{id}-{side}.avsc"),
        serde_json::to_string_pretty(json).unwrap(),
    );
    load_files(vec![file], &LoadOptions::default())
        .unwrap_or_else(|diagnostics| panic!("pair {id}: the {side} schema does not load:\n{diagnostics}"))
}

fn kinds(report: &compat::Report) -> BTreeSet<String> {
    report
        .incompatibilities
        .iter()
        .map(|i| i.kind.as_str().to_owned())
        .collect()
}

fn expected_kinds(pair: &serde_json::Value, key: &str) -> BTreeSet<String> {
    pair[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn verdicts_equal_the_reference_checker_on_every_pair() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/compat/reference.json")).unwrap();
    let reference: serde_json::Value = serde_json::from_str(&text).unwrap();
    let pairs = reference["pairs"].as_array().unwrap();
    assert!(pairs.len() >= 1000, "the reference holds at least 1,000 pairs");
    let mut failures = Vec::new();
    for pair in pairs {
        let id = pair["id"].as_u64().unwrap();
        let old = load(id, "old", &pair["old"]);
        let new = load(id, "new", &pair["new"]);
        let (old_root, new_root) = (&old.roots[0], &new.roots[0]);
        let backward = compat::can_read((&new, new_root), (&old, old_root));
        let forward = compat::can_read((&old, old_root), (&new, new_root));
        let previous = [Version {
            number: 1,
            set: &old,
            schema: old_root,
        }];
        let full = compat::check((&new, new_root), &previous, Compatibility::Full).compatible;
        let expected = |key: &str| pair[key].as_bool().unwrap();
        let rules = &pair["rules"];
        if backward.is_compatible() != expected("backward") {
            failures.push(format!(
                "pair {id} {rules}: BACKWARD {} expected {}: {:?}",
                backward.is_compatible(),
                expected("backward"),
                backward.incompatibilities
            ));
        }
        if forward.is_compatible() != expected("forward") {
            failures.push(format!(
                "pair {id} {rules}: FORWARD {} expected {}: {:?}",
                forward.is_compatible(),
                expected("forward"),
                forward.incompatibilities
            ));
        }
        if full != expected("full") {
            failures.push(format!("pair {id} {rules}: FULL {full} expected {}", expected("full")));
        }
        if kinds(&backward) != expected_kinds(pair, "backward_types") {
            failures.push(format!(
                "pair {id} {rules}: BACKWARD kinds {:?} expected {:?}",
                kinds(&backward),
                expected_kinds(pair, "backward_types")
            ));
        }
        if kinds(&forward) != expected_kinds(pair, "forward_types") {
            failures.push(format!(
                "pair {id} {rules}: FORWARD kinds {:?} expected {:?}",
                kinds(&forward),
                expected_kinds(pair, "forward_types")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences from the reference checker:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
