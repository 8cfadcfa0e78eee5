//! The malformed-schema corpora: `corpus/malformed/` (one broken thing per case) and
//! `corpus/layout/` (files that break the one-type-per-file rule of a schema directory);
//! and beside them `corpus/lenient/`: schemas Java's parser accepts that are probably not
//! what their author meant (a logical type on a type it does not fit, a record that can
//! never end). Those load with located, hinted warnings, and fail like malformed ones only
//! with `Strictness::Strict` in `LoadOptions`.
//!
//! Every case must fail to load, never panic, and report diagnostics that are located
//! (line and column), carry a hint, and read well; the rendered diagnostics are pinned
//! by a snapshot beside the case (`corpus/malformed/<case>.snap`), so any change to a
//! message is reviewed. A case is a `.avsc` file, or a directory of them when the problem
//! spans files (a duplicate definition, a reference into another file). A lenient case
//! has three expected outputs beside it: `<case>.snap` (the warnings), `<case>.strict.snap`
//! (the errors under `Strictness::Strict`) and, for the two shapes that have no value,
//! `<case>.generate.snap` (the generator's refusal).

use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{Diagnostics, Generator, LoadOptions, SchemaLayout, load_files};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[path = "support/corpus_snapshots.rs"]
mod corpus_snapshots;

/// One case: its name and its files, with paths as shown in diagnostics.
struct Case {
    name: String,
    files: Vec<SourceFile>,
    /// Where the case lives on disk, for the end-to-end run.
    path: PathBuf,
}

/// The cases under `tests/<corpus>`, sorted by name. Diagnostics show paths relative to
/// the repository root (`tests/corpus/malformed/x.avsc`), the directory `cargo xtask gen`
/// and the `avrokit` CLI run from, so snapshots do not depend on the checkout location.
fn cases(corpus: &str) -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<Case> = std::fs::read_dir(root.join(corpus))
        .unwrap_or_else(|err| panic!("cannot read {corpus}: {err}"))
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            let relative = Path::new("tests").join(corpus).join(&name);
            if path.is_dir() {
                let mut files: Vec<SourceFile> = std::fs::read_dir(&path)
                    .unwrap()
                    .map(|entry| entry.unwrap().path())
                    .filter(|file| file.extension().is_some_and(|ext| ext == "avsc"))
                    .map(|file| source(&file, relative.join(file.file_name().unwrap())))
                    .collect();
                files.sort_by(|a, b| a.path().cmp(b.path()));
                Some(Case { name, files, path })
            } else {
                let stem = name.strip_suffix(".avsc")?.to_owned();
                let file = source(&path, relative);
                Some(Case {
                    name: stem,
                    files: vec![file],
                    path,
                })
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn source(path: &Path, shown_as: PathBuf) -> SourceFile {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    SourceFile::new(shown_as, text)
}

/// The diagnostics of a case, and what is wrong with its outcome (a panic, a success, a
/// diagnostic without a location or a hint).
fn judge(case: &Case, outcome: std::thread::Result<Result<(), Diagnostics>>) -> (Option<Diagnostics>, Vec<String>) {
    let diagnostics = match outcome {
        Err(_) => return (None, vec![format!("{}: the loader panicked", case.name)]),
        Ok(Ok(())) => return (None, vec![format!("{}: loaded without an error", case.name)]),
        Ok(Err(diagnostics)) => diagnostics,
    };
    let mut problems = Vec::new();
    if diagnostics.is_empty() {
        problems.push(format!("{}: failed with no diagnostic", case.name));
    }
    for diagnostic in &diagnostics.0 {
        if diagnostic.line == 0 || diagnostic.column == 0 {
            problems.push(format!(
                "{}: diagnostic without a line and column:\n{diagnostic}",
                case.name
            ));
        }
        if diagnostic.hint.is_none() {
            problems.push(format!("{}: diagnostic without a hint:\n{diagnostic}", case.name));
        }
    }
    (Some(diagnostics), problems)
}

/// Loads every case of `corpus`, checks its diagnostics against `<case><suffix>.snap`
/// beside the case, and fails on any case whose outcome is wrong.
fn check_corpus(corpus: &str, suffix: &str, options: &LoadOptions) {
    let mut failures = Vec::new();
    for case in cases(corpus) {
        let files = case.files.clone();
        let outcome = catch_unwind(AssertUnwindSafe(|| load_files(files, options).map(drop)));
        let (diagnostics, problems) = judge(&case, outcome);
        failures.extend(problems);
        if let Some(diagnostics) = diagnostics {
            corpus_snapshots::assert_beside(corpus, &format!("{}{suffix}", case.name), &diagnostics.to_string());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn malformed_schemas_are_reported_with_located_hinted_diagnostics() {
    let cases = cases("corpus/malformed");
    assert!(cases.len() >= 30, "the corpus holds {} cases", cases.len());
    check_corpus("corpus/malformed", "", &LoadOptions::default());
}

#[test]
fn layout_violations_are_reported_when_the_rule_is_on() {
    let rule = LoadOptions::default().with_layout(SchemaLayout::OneTypePerFile);
    check_corpus("corpus/layout", "", &rule);
    // Without the rule the same files are valid schemas: the layout is all that is wrong.
    for case in cases("corpus/layout") {
        if let Err(diagnostics) = load_files(case.files, &LoadOptions::default()) {
            panic!("{} should load without the layout rule:\n{diagnostics}", case.name);
        }
    }
}

/// Warnings rendered like errors, with their count.
fn render_warnings(warnings: &[avrokit_codegen::Diagnostic]) -> String {
    let mut out: String = warnings.iter().map(|w| format!("{w}\n")).collect();
    out.push_str(&format!(
        "{} warning{}",
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" }
    ));
    out
}

#[test]
fn lenient_schemas_load_with_located_hinted_warnings() {
    let cases = cases("corpus/lenient");
    assert!(cases.len() >= 12, "the corpus holds {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let files = case.files.clone();
        match catch_unwind(AssertUnwindSafe(|| load_files(files, &LoadOptions::default()))) {
            Err(_) => failures.push(format!("{}: the loader panicked", case.name)),
            Ok(Err(diagnostics)) => failures.push(format!("{}: refused:\n{diagnostics}", case.name)),
            Ok(Ok(set)) => {
                if set.warnings.is_empty() {
                    failures.push(format!("{}: loaded without a warning", case.name));
                }
                for warning in &set.warnings {
                    if !warning.is_warning() || warning.line == 0 || warning.hint.is_none() {
                        failures.push(format!("{}: not a located, hinted warning:\n{warning}", case.name));
                    }
                }
                corpus_snapshots::assert_beside("corpus/lenient", &case.name, &render_warnings(&set.warnings));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn lenient_schemas_are_errors_when_strict() {
    let strict = LoadOptions::default().with_strictness(avrokit_codegen::Strictness::Strict);
    check_corpus("corpus/lenient", ".strict", &strict);
}

/// The generator, as `cargo xtask gen` and a `build.rs` run it, reads a directory from
/// disk and goes on to the Rust backend; each case must stop with diagnostics there too.
#[test]
fn no_case_panics_through_the_generator() {
    let scratch = std::env::temp_dir().join(format!("avrokit-malformed-{}", std::process::id()));
    let mut failures = Vec::new();
    for (corpus, layout) in [
        ("corpus/malformed", SchemaLayout::Any),
        ("corpus/layout", SchemaLayout::OneTypePerFile),
        ("corpus/lenient", SchemaLayout::Any),
    ] {
        for case in cases(corpus) {
            // A single-file case gets a directory of its own, as the generator loads
            // every .avsc under a directory.
            let dir = if case.path.is_dir() {
                case.path.clone()
            } else {
                let dir = scratch.join(&case.name);
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::copy(&case.path, dir.join(case.path.file_name().unwrap())).unwrap();
                dir
            };
            let outcome = catch_unwind(|| Generator::new(&dir).schema_layout(layout).generate().map(drop));
            // A lenient case generates unless no value of it exists (an empty union, a
            // record that never ends): then the generator refuses it, naming the field.
            let must_fail =
                corpus != "corpus/lenient" || ["union-empty", "record-never-ends"].contains(&case.name.as_str());
            match outcome {
                Err(_) => failures.push(format!("{}: the generator panicked", case.name)),
                Ok(Ok(())) if !must_fail => {}
                Ok(Ok(())) => failures.push(format!("{}: generated without an error", case.name)),
                Ok(Err(diagnostics)) if diagnostics.is_empty() => {
                    failures.push(format!("{}: failed with no diagnostic", case.name));
                }
                Ok(Err(_)) => {}
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What the loader accepts but has no value is refused at generation, located at the field.
#[test]
fn the_generator_refuses_what_has_no_value_naming_the_field() {
    for name in ["union-empty", "record-never-ends"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/lenient");
        let scratch = std::env::temp_dir().join(format!("avrokit-no-value-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&scratch).unwrap();
        let file = format!("{name}.avsc");
        std::fs::copy(dir.join(&file), scratch.join(&file)).unwrap();
        let diagnostics = Generator::new(&scratch).generate().map(drop).unwrap_err();
        let _ = std::fs::remove_dir_all(&scratch);
        let shown = diagnostics.to_string().replace(&format!("{}/", scratch.display()), "");
        corpus_snapshots::assert_beside("corpus/lenient", &format!("{name}.generate"), &shown);
    }
}
