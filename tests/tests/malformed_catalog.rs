//! The malformed-catalog corpus, `corpus/malformed-catalog/`: each file breaks one thing
//! of a topic catalog checked against the schemas of `corpus/catalog-schemas/` (whose
//! `catalog.toml` is the valid control). Every case must fail, never panic, and report
//! located, hinted diagnostics, pinned by a snapshot beside the case
//! (`corpus/malformed-catalog/<case>.snap`).

use avrokit_codegen::catalog::parse_catalog;
use avrokit_codegen::ir::SchemaSet;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{Generator, LoadOptions, load_dir};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[path = "support/corpus_snapshots.rs"]
mod corpus_snapshots;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schemas() -> SchemaSet {
    load_dir(&root().join("corpus/catalog-schemas"), &LoadOptions::default())
        .unwrap_or_else(|diagnostics| panic!("the catalog schemas must load:\n{diagnostics}"))
}

/// The cases, sorted: name, path on disk, and the file as diagnostics show it (relative
/// to the repository root, so snapshots do not depend on the checkout location).
fn cases() -> Vec<(String, PathBuf, SourceFile)> {
    let dir = root().join("corpus/malformed-catalog");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.strip_suffix(".toml")?.to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let shown = Path::new("tests/corpus/malformed-catalog").join(path.file_name()?);
            Some((name, path, SourceFile::new(shown, text)))
        })
        .collect();
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    cases
}

#[test]
fn the_control_catalog_is_valid() {
    let path = root().join("corpus/catalog-schemas/catalog.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    if let Err(diagnostics) = parse_catalog(SourceFile::new("catalog.toml", text), &schemas()) {
        panic!("the control catalog must be valid:\n{diagnostics}");
    }
}

#[test]
fn malformed_catalogs_are_reported_with_located_hinted_diagnostics() {
    let schemas = schemas();
    let cases = cases();
    assert!(cases.len() >= 13, "the corpus holds {} cases", cases.len());
    let mut failures = Vec::new();
    for (name, _, file) in cases {
        let outcome = catch_unwind(AssertUnwindSafe(|| parse_catalog(file, &schemas).map(drop)));
        let diagnostics = match outcome {
            Err(_) => {
                failures.push(format!("{name}: the catalog check panicked"));
                continue;
            }
            Ok(Ok(())) => {
                failures.push(format!("{name}: accepted without an error"));
                continue;
            }
            Ok(Err(diagnostics)) => diagnostics,
        };
        if diagnostics.is_empty() {
            failures.push(format!("{name}: failed with no diagnostic"));
        }
        for diagnostic in &diagnostics.0 {
            if diagnostic.line == 0 || diagnostic.column == 0 {
                failures.push(format!("{name}: diagnostic without a line and column:\n{diagnostic}"));
            }
            if diagnostic.hint.is_none() {
                failures.push(format!("{name}: diagnostic without a hint:\n{diagnostic}"));
            }
        }
        corpus_snapshots::assert_beside("corpus/malformed-catalog", &name, &diagnostics.to_string());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Through the generator, as `cargo xtask gen` runs it: schemas from disk, then the
/// catalog; each case must stop with diagnostics, not a panic.
#[test]
fn no_case_panics_through_the_generator() {
    let mut failures = Vec::new();
    for (name, path, _) in cases() {
        let outcome = catch_unwind(|| {
            Generator::new(root().join("corpus/catalog-schemas"))
                .catalog(&path)
                .generate()
                .map(drop)
        });
        match outcome {
            Err(_) => failures.push(format!("{name}: the generator panicked")),
            Ok(Ok(())) => failures.push(format!("{name}: generated without an error")),
            Ok(Err(diagnostics)) if diagnostics.is_empty() => {
                failures.push(format!("{name}: failed with no diagnostic"));
            }
            Ok(Err(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
