//! Avro IDL (`.avdl`), the second source format.
//!
//! - `corpus/idl/apache/`: the Apache Avro project's own IDL test inputs and the outputs
//!   Java's IDL reader produces for them (provenance in `SOURCE.md`). Every named type of
//!   every expected output must have the byte-identical parsing canonical form when
//!   avrokit reads the input, and so must the file's root when the output is a schema.
//! - `corpus/idl/malformed/`: broken IDL, one mistake per case (a directory when the
//!   mistake spans files); every case fails with located, hinted diagnostics pinned by a
//!   snapshot beside it (`<case>.snap`).
//! - Robustness: mutations of real IDL (cut, inserted and replaced text) never panic the
//!   parser or the loader; they load or fail with located diagnostics.
//! - Java's own reading: Apache Avro 1.12.1's `IdlReader` (what `avro-tools
//!   idl2schemata` runs, from Maven Central via `corpus/idl/java/pom.xml`) reads every
//!   Apache input and `corpus/idl/java/features*.avdl` (every feature avrokit reads); each
//!   type's canonical form and its whole JSON (docs, defaults, aliases, logical types,
//!   properties) must equal avrokit's. Without `java` and `mvn` on the PATH it prints
//!   `SKIPPED` and passes.

use avrokit_codegen::canonical::parsing_canonical_form;
use avrokit_codegen::ir::{Schema, SchemaSet};
use avrokit_codegen::schema_json::to_json;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, SchemaLayout, load_files};
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/corpus_snapshots.rs"]
mod corpus_snapshots;

/// Each Apache input and its expected output.
const APACHE_CASES: &[(&str, &str)] = &[
    ("comments.avdl", "comments.avpr"),
    ("cycle.avdl", "cycle.avpr"),
    ("echo.avdl", "echo.avpr"),
    ("forward_ref.avdl", "forward_ref.avpr"),
    ("interop.avdl", "interop.avpr"),
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
    (
        "mr_events.avdl",
        "the stored input and expected output are from different commits (a field only the input has)",
    ),
    (
        "baseball.avdl",
        "imports position.avsc and player.avsc, which the stored copy lacks",
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

/// Runs `command`, returning its stdout, or `None` when the program is not installed.
fn run_tool(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn java_idl_reader_agrees_on_every_type() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let java_dir = corpus("java");
    let classpath_file = std::env::temp_dir().join(format!("avrokit-idl-classpath-{}", std::process::id()));
    let fetched = run_tool(
        Command::new("mvn")
            .args(["-q", "-f"])
            .arg(java_dir.join("pom.xml"))
            .arg("dependency:build-classpath")
            .arg(format!("-Dmdep.outputFile={}", classpath_file.display())),
    );
    if fetched.is_none() || run_tool(Command::new("java").arg("-version")).is_none() {
        eprintln!("SKIPPED java_idl_reader_agrees_on_every_type: needs `java` (17+) and `mvn` on the PATH");
        return;
    }
    let classpath = std::fs::read_to_string(&classpath_file).unwrap();
    let mut inputs: Vec<PathBuf> = Vec::new();
    for dir in [corpus("apache").join("input"), java_dir.clone()] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "avdl") {
                inputs.push(path.strip_prefix(&root).unwrap().to_path_buf());
            }
        }
    }
    inputs.sort();
    let listing = run_tool(
        Command::new("java")
            .current_dir(&root)
            .arg("-cp")
            .arg(classpath.trim())
            .arg(java_dir.join("IdlSchemata.java"))
            .args(&inputs),
    )
    .unwrap();

    let mut sets: HashMap<String, SchemaSet> = HashMap::new();
    let mut failures = Vec::new();
    let mut compared = 0;
    for line in listing.lines() {
        let [file, name, java_form, java_json] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("unexpected line from IdlSchemata: {line}");
        };
        let set = sets.entry(file.to_owned()).or_insert_with(|| load(&root.join(file)));
        let schema = match name {
            "<main>" => set.roots[0].clone(),
            _ => match set.lookup(name) {
                Some(id) => Schema::Named(id),
                None => {
                    failures.push(format!("{file}: `{name}` is missing"));
                    continue;
                }
            },
        };
        let form = parsing_canonical_form(set, &schema);
        if form != java_form {
            failures.push(format!(
                "{file}: `{name}` canonical form\n  ours: {form}\n  java: {java_form}"
            ));
        }
        let ours: serde_json::Value = serde_json::from_str(&to_json(set, &schema)).unwrap();
        let java: serde_json::Value = serde_json::from_str(java_json).unwrap();
        if ours != java {
            failures.push(format!("{file}: `{name}` JSON\n  ours: {ours}\n  java: {java}"));
        }
        compared += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared >= 40, "only {compared} types compared");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
    #[test]
    fn mutated_idl_loads_or_fails_located_never_panics(
        which in 0usize..2,
        at in 0usize..4000,
        cut in 0usize..12,
        insert in "[ -~\n\u{e9}]{0,4}",
    ) {
        let source = [corpus("java").join("features.avdl"), corpus("apache").join("input/simple.avdl")];
        let text = std::fs::read_to_string(&source[which]).unwrap();
        let mut start = at.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mutated = format!("{}{insert}{}", &text[..start], &text[end..]);
        if let Err(diagnostics) = load_files(vec![SourceFile::new("mutated.avdl", mutated)], &LoadOptions::default()) {
            for diagnostic in &diagnostics.0 {
                proptest::prop_assert!(diagnostic.line > 0 && diagnostic.column > 0, "{diagnostic}");
            }
        }
    }
}

#[test]
fn the_layout_rule_binds_avsc_files_and_lets_an_idl_file_hold_many_types() {
    let rule = LoadOptions::default().with_layout(SchemaLayout::OneTypePerFile);
    let idl = SourceFile::new(
        "schemas/pointing.avdl",
        "namespace astro;\nrecord Target { Mode mode; }\nenum Mode { TRACK, PARK }\n",
    );
    let avsc = SourceFile::new(
        "schemas/header.avsc",
        r#"{"type": "record", "name": "Header", "namespace": "astro", "fields": [{"name": "source", "type": "string"}]}"#,
    );
    let set = load_files(vec![idl.clone(), avsc], &rule).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(set.types.len(), 3);
    let misnamed = SourceFile::new(
        "schemas/wrong-name.avsc",
        r#"{"type": "record", "name": "Header", "namespace": "astro", "fields": []}"#,
    );
    let diagnostics = load_files(vec![idl, misnamed], &rule).unwrap_err().to_string();
    assert!(
        diagnostics.contains("file `wrong-name.avsc` defines `astro.Header`"),
        "{diagnostics}"
    );
}
