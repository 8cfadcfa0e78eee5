//! `avrokit idl2schemata` end to end: `.avdl` files in, one `.avsc` per named type out
//! (kebab-case file names, the one-type-per-file layout), and the round trip: the written
//! files load to the same canonical form for every type, for a mixed directory and for
//! every Apache Avro IDL test input in `tests/corpus/idl/apache/input/`. And the other
//! commands that read a schema directory read `.avdl` files in it: `lint` locates its
//! findings in the IDL text, and the compatibility gate checks IDL types against git
//! history (a topic's value type, and a type no topic reaches, both in one `.avdl` file).

use avrokit_codegen::canonical::parsing_canonical_form;
use avrokit_codegen::ir::{Schema, SchemaSet};
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, SchemaLayout, load_dir, load_files};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod scratch_repo;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("avrokit-idl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn idl2schemata(input: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .arg("idl2schemata")
        .arg(input)
        .arg("--out")
        .arg(out)
        .output()
        .expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every named type's full name and parsing canonical form.
fn forms(set: &SchemaSet) -> Vec<(String, String)> {
    let mut forms: Vec<_> = set
        .iter()
        .map(|(id, named)| (named.name.to_string(), parsing_canonical_form(set, &Schema::Named(id))))
        .collect();
    forms.sort();
    forms
}

const PROTOCOL: &str = r#"/** Telescope pointing. */
@namespace("astro")
protocol Pointing {
  import schema "header.avsc";

  /** Where a telescope looks. */
  record Target {
    string name;
    /** Right ascension in degrees. */
    double ra = 0.0;
    decimal(9, 6) dec;
    Mode mode = "TRACK";
    union { null, Checksum } checksum = null;
    timestamp_ms? at = null;
    array<string> tags = [];
    map<long> counters = {};
    meta.Header header;
    int @aliases(["priority_level"]) `priority` = 1;
  }

  enum Mode { TRACK, SLEW, PARK } = PARK;
  fixed Checksum(16);

  Target point(Target target);
}
"#;

const HEADER: &str =
    r#"{"type": "record", "name": "Header", "namespace": "meta", "fields": [{"name": "source", "type": "string"}]}"#;

const SCHEMA_SYNTAX: &str = r#"namespace astro.ops;
schema NightLog;

record NightLog {
  date night;
  array<astro.Target> targets;
  uuid id;
  local_timestamp_ms? closed_at;
}
"#;

#[test]
fn a_mixed_directory_round_trips_through_one_file_per_type() {
    let dir = scratch("mixed");
    let input = dir.join("schemas");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("pointing.avdl"), PROTOCOL).unwrap();
    std::fs::write(input.join("night-log.avdl"), SCHEMA_SYNTAX).unwrap();
    std::fs::write(input.join("header.avsc"), HEADER).unwrap();
    let out = dir.join("out");

    let output = idl2schemata(&input, &out);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    // The `.avsc` input's type exists already and is not written again.
    assert_eq!(written, ["checksum.avsc", "mode.avsc", "night-log.avsc", "target.avsc"]);
    assert_eq!(text(&output.stderr).lines().last(), Some("wrote 4 schema files"));

    // The written files, with the `.avsc` they refer to, form a schema directory that
    // follows the layout rule, and every type keeps its canonical form.
    std::fs::copy(input.join("header.avsc"), out.join("header.avsc")).unwrap();
    let rule = LoadOptions::default().with_layout(SchemaLayout::OneTypePerFile);
    let round_trip = load_dir(&out, &rule).unwrap_or_else(|d| panic!("the written files do not load:\n{d}"));
    let original = load_dir(&input, &LoadOptions::default()).unwrap();
    assert_eq!(forms(&round_trip), forms(&original));
    assert_eq!(forms(&original).len(), 5);

    // What the canonical form drops is written too: docs, defaults, aliases, logical types.
    let target = std::fs::read_to_string(out.join("target.avsc")).unwrap();
    for kept in [
        "\"doc\": \"Where a telescope looks.\"",
        "\"doc\": \"Right ascension in degrees.\"",
        "\"logicalType\": \"decimal\"",
        "\"logicalType\": \"timestamp-millis\"",
        "\"default\": \"TRACK\"",
        "\"priority_level\"",
        "\"name\": \"priority\"",
    ] {
        assert!(target.contains(kept), "target.avsc lacks {kept}:\n{target}");
    }
    let mode = std::fs::read_to_string(out.join("mode.avsc")).unwrap();
    assert!(mode.contains("\"default\": \"PARK\""), "{mode}");
}

#[test]
fn every_apache_idl_input_round_trips() {
    let inputs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/idl/apache/input");
    let mut cases = 0;
    for entry in std::fs::read_dir(&inputs).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "avdl") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let out = scratch(&format!("apache-{stem}"));
        let output = idl2schemata(&path, &out);
        assert_eq!(output.status.code(), Some(0), "{stem}: {}", text(&output.stderr));
        let original = load_files(
            vec![SourceFile::new(&path, std::fs::read_to_string(&path).unwrap())],
            &LoadOptions::default(),
        )
        .unwrap();
        // Imported `.avsc` types are referred to, not written: load them beside the output.
        let mut files: Vec<SourceFile> = std::fs::read_dir(&out)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .map(|p| SourceFile::new(&p, std::fs::read_to_string(&p).unwrap()))
            .collect();
        for file in &original.files {
            if file.path().extension().is_some_and(|ext| ext == "avsc") {
                files.push(file.clone());
            }
        }
        let round_trip = load_files(files, &LoadOptions::default())
            .unwrap_or_else(|d| panic!("{stem}: the written files do not load:\n{d}"));
        assert_eq!(forms(&round_trip), forms(&original), "{stem}");
        cases += 1;
    }
    assert!(cases >= 10, "only {cases} inputs");
}

#[test]
fn malformed_idl_exits_2_with_the_located_error() {
    let dir = scratch("malformed");
    std::fs::write(
        dir.join("broken.avdl"),
        "namespace demo;\nrecord Ping {\n  long at\n}\n",
    )
    .unwrap();
    let output = idl2schemata(&dir, &dir.join("out"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("broken.avdl:4:1: error: expected `;` after the field `at`, found `}`"),
        "{stderr}"
    );
    assert!(
        !dir.join("out").exists(),
        "nothing is written when the input does not load"
    );
}

#[test]
fn a_directory_without_idl_is_an_error() {
    let dir = scratch("no-idl");
    std::fs::write(dir.join("header.avsc"), HEADER).unwrap();
    let output = idl2schemata(&dir, &dir.join("out"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("holds no .avdl file"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn lint_locates_findings_in_idl_files() {
    let dir = scratch("lint");
    std::fs::write(
        dir.join("pointing.avdl"),
        "@namespace(\"astro\")\nprotocol Pointing {\n  /** A target. */\n  record Target {\n    /** Its note. */\n    union { string, null } note = \"\";\n  }\n}\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .args(["lint", "--schemas"])
        .arg(&dir)
        .env_remove("AVROKIT_SCHEMAS")
        .env_remove("AVROKIT_CATALOG")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let expected = format!(
        "{}:6:5: optional-field: optional field `note` lists null as branch 1: write [\"null\", \"string\"] with \"default\": null at /0/fields/0/type (error)",
        dir.join("pointing.avdl").display()
    );
    assert!(stdout.contains(&expected), "{stdout}");
}

/// A schema-syntax IDL file declaring `t.Thing` (with `field` as its second field, on
/// line 5) and `t.Extra` (with `extra`, on line 9).
fn things_idl(field: &str, extra: &str) -> String {
    format!("namespace t;\n\nrecord Thing {{\n  string id;\n  {field};\n}}\n\nrecord Extra {{\n  {extra};\n}}\n")
}

#[test]
fn the_gate_checks_idl_types_against_git_history() {
    let repo = scratch_repo::Repo::new("idl-gate");
    repo.write(
        "catalog.toml",
        "environments = [\"dev\"]\n\n[topics.\"things\"]\nvalue = \"t.Thing\"\ncompatibility = \"BACKWARD\"\n",
    );
    repo.write("t/things.avdl", &things_idl("string name", "long count"));
    repo.commit("v1");

    repo.write("t/things.avdl", &things_idl("string name", "long count = 0"));
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("compat: 2 subjects checked, 0 failing"), "{out}");

    repo.write("t/things.avdl", &things_idl("int name", "string count"));
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(
            "avro-schemas/t/things.avdl:5:3: TYPE_MISMATCH: reader type: INT not compatible with writer type: STRING"
        ),
        "{out}"
    );
    // The type no topic reaches is its own subject, found in the older .avdl too.
    assert!(
        out.contains(
            "avro-schemas/t/things.avdl:9:3: TYPE_MISMATCH: reader type: STRING not compatible with writer type: LONG"
        ),
        "{out}"
    );
    assert!(out.contains("compat: 2 subjects checked, 2 failing"), "{out}");
}
