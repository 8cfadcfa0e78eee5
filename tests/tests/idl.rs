//! Avro IDL (`.avdl`), the second source format.
//!
//! - `corpus/idl/apache/`: the Apache Avro project's own IDL test inputs and the outputs
//!   Java's IDL reader produces for them (provenance in `SOURCE.md`). Every named type of
//!   every expected output must have the byte-identical parsing canonical form when
//!   avrokit reads the input, and so must the file's root when the output is a schema.
//! - `corpus/idl/malformed/`: broken IDL, one mistake per case (a directory when the
//!   mistake spans files); every case fails with located, hinted diagnostics pinned by a
//!   snapshot beside it (`<case>.snap`).

use avrokit_codegen::canonical::parsing_canonical_form;
use avrokit_codegen::ir::{Schema, SchemaSet};
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_files};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[path = "support/corpus_snapshots.rs"]
mod corpus_snapshots;

/// Each Apache input and its expected output.
const APACHE_CASES: &[(&str, &str)] = &[
    ("comments.avdl", "comments.avpr"),
    ("cycle.avdl", "cycle.avpr"),
    ("echo.avdl", "echo.avpr"),
    ("forward_ref.avdl", "forward_ref.avpr"),
    ("leading_underscore.avdl", "leading_underscore.avpr"),
    ("reservedwords.avdl", "reservedwords.avpr"),
    ("schema_syntax_schema.avdl", "schema_syntax.avsc"),
    ("simple.avdl", "simple.avpr"),
    ("status_schema.avdl", "status.avsc"),
    ("union.avdl", "union.avpr"),
    ("uuid.avdl", "uuid.avpr"),
];

/// Apache cases deliberately not run, with the reason (see `SOURCE.md`).
const APACHE_OUT_OF_SCOPE: &[(&str, &str)] = &[
    (
        "import.avdl",
        "imports `OnTheClasspath.avdl` through the Java classpath; avrokit resolves imports relative to the importing file only",
    ),
    (
        "nestedimport.avdl",
        "imports through the Java classpath, as import.avdl",
    ),
];

fn corpus(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/idl").join(dir)
}

fn load(path: &Path) -> SchemaSet {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    load_files(vec![SourceFile::new(path, text)], &LoadOptions::default())
        .unwrap_or_else(|diagnostics| panic!("{} does not load:\n{diagnostics}", path.display()))
}

#[test]
fn apache_idl_inputs_have_the_canonical_forms_of_their_expected_outputs() {
    let apache = corpus("apache");
    let inputs: Vec<String> = std::fs::read_dir(apache.join("input"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".avdl"))
        .collect();
    // No input sits in the corpus untested: each is a case or an import of one.
    for input in &inputs {
        let used = APACHE_CASES.iter().any(|(case, _)| case == input);
        assert!(used, "{input} is in the corpus but no case runs it");
    }
    let mut compared = 0;
    let mut failures = Vec::new();
    for (input, output) in APACHE_CASES {
        let ours = load(&apache.join("input").join(input));
        let expected = load(&apache.join("output").join(output));
        for (id, named) in expected.iter() {
            let name = named.name.to_string();
            let expected_form = parsing_canonical_form(&expected, &Schema::Named(id));
            match ours.lookup(&name) {
                None => failures.push(format!("{input}: `{name}` is missing")),
                Some(our_id) => {
                    let our_form = parsing_canonical_form(&ours, &Schema::Named(our_id));
                    if our_form != expected_form {
                        failures.push(format!(
                            "{input}: `{name}`\n  ours:     {our_form}\n  expected: {expected_form}"
                        ));
                    }
                    compared += 1;
                }
            }
        }
        // Types beyond the expected ones may only come from imported files.
        for (_, named) in ours.iter() {
            let name = named.name.to_string();
            if named.origin.file == 0 && expected.lookup(&name).is_none() {
                failures.push(format!("{input}: `{name}` is not in {output}"));
            }
        }
        if output.ends_with(".avsc") {
            let (our_root, expected_root) = (
                parsing_canonical_form(&ours, &ours.roots[0]),
                parsing_canonical_form(&expected, &expected.roots[0]),
            );
            if our_root != expected_root {
                failures.push(format!(
                    "{input}: root\n  ours:     {our_root}\n  expected: {expected_root}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared >= 20, "only {compared} named types compared");
    // Out-of-scope cases are named, not silently absent.
    for (case, reason) in APACHE_OUT_OF_SCOPE {
        assert!(
            !inputs.contains(&case.to_string()),
            "{case} is out of scope ({reason}) yet in the corpus"
        );
    }
}

/// The malformed cases: `(name, files)`, files shown relative to the repository root.
fn malformed_cases() -> Vec<(String, Vec<PathBuf>)> {
    let dir = corpus("malformed");
    let shown = Path::new("tests/corpus/idl/malformed");
    let mut cases: Vec<(String, Vec<PathBuf>)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name()?.to_str()?.to_owned();
            if path.is_dir() {
                // The case's entry point is `main.avdl`; the other files are what it imports.
                Some((name.clone(), vec![shown.join(&name).join("main.avdl")]))
            } else {
                let stem = name.strip_suffix(".avdl")?.to_owned();
                Some((stem, vec![shown.join(&name)]))
            }
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn malformed_idl_is_reported_with_located_hinted_diagnostics() {
    // Imports are read relative to the shown paths, which are relative to the repository
    // root (as when `avrokit` runs there), so that snapshots do not depend on the checkout.
    std::env::set_current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()).unwrap();
    let cases = malformed_cases();
    assert!(cases.len() >= 20, "the corpus holds {} cases", cases.len());
    let mut failures = Vec::new();
    for (name, paths) in cases {
        let files: Vec<SourceFile> = paths
            .iter()
            .map(|path| SourceFile::new(path, std::fs::read_to_string(path).unwrap()))
            .collect();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            load_files(files, &LoadOptions::default()).map(drop)
        }));
        let diagnostics = match outcome {
            Err(_) => {
                failures.push(format!("{name}: the loader panicked"));
                continue;
            }
            Ok(Ok(())) => {
                failures.push(format!("{name}: loaded without an error"));
                continue;
            }
            Ok(Err(diagnostics)) => diagnostics,
        };
        for diagnostic in &diagnostics.0 {
            if diagnostic.line == 0 || diagnostic.column == 0 || diagnostic.hint.is_none() {
                failures.push(format!(
                    "{name}: diagnostic without a location or a hint:\n{diagnostic}"
                ));
            }
            if !diagnostic.file.to_string_lossy().ends_with(".avdl") {
                failures.push(format!("{name}: diagnostic outside the IDL file:\n{diagnostic}"));
            }
        }
        corpus_snapshots::assert_beside("corpus/idl/malformed", &name, &diagnostics.to_string());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
