//! `avrokit lint` end to end, on schema directories in a temp dir: exit 0 clean, 1 on an
//! error finding (or a warning with `--deny-warnings`), 2 when the schemas or the
//! configuration do not load; text, JSON and GitHub output; the catalog's `[lint]` and
//! `--config` applied in turn.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("avrokit-lint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::write(dir.join(file), text).expect("write");
}

fn lint(schemas: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .arg("lint")
        .arg("--schemas")
        .arg(schemas)
        .args(extra)
        .env_remove("AVROKIT_SCHEMAS")
        .env_remove("AVROKIT_CATALOG")
        .output()
        .expect("runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const CLEAN: &str = r#"{"type": "record", "name": "Reading", "namespace": "plant.sensors", "doc": "A reading.",
  "fields": [{"name": "value", "type": "double", "doc": "The value."}]}"#;

/// An optional field with null second (an error) and a field without a doc (a warning).
const FINDINGS: &str = r#"{"type": "record", "name": "Reading", "namespace": "plant.sensors", "doc": "A reading.",
  "fields": [
    {"name": "value", "type": "double"},
    {"name": "note", "type": ["string", "null"], "default": "", "doc": "A note."}
  ]}"#;

/// A field without a doc: a warning only.
const WARNING: &str = r#"{"type": "record", "name": "Reading", "namespace": "plant.sensors", "doc": "A reading.",
  "fields": [{"name": "value", "type": "double"}]}"#;

#[test]
fn clean_schemas_exit_0() {
    let dir = scratch("clean");
    write(&dir, "reading.avsc", CLEAN);
    let output = lint(&dir, &[]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert_eq!(stdout(&output), "lint passed: 1 type in 1 file: 0 errors, 0 warnings\n");
}

#[test]
fn findings_in_three_formats_exit_1() {
    let dir = scratch("findings");
    write(&dir, "reading.avsc", FINDINGS);
    let file = dir.join("reading.avsc").display().to_string();

    let text = lint(&dir, &[]);
    assert_eq!(text.status.code(), Some(1), "{}", stderr(&text));
    assert_eq!(
        stdout(&text),
        format!(
            "{file}:3:5: doc-required-field: field `value` has no doc: add \"doc\": \"...\" saying what it holds at /fields/0 (warning)\n\
             {file}:4:30: optional-field: optional field `note` lists null as branch 1: write [\"null\", \"string\"] with \"default\": null at /fields/1/type (error)\n\
             lint FAILED: 1 type in 1 file: 1 error, 1 warning\n"
        )
    );

    let json = lint(&dir, &["--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let out = stdout(&json);
    assert_eq!(out.lines().count(), 1, "one document on one line: {out}");
    let value: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(value["passed"], false);
    assert_eq!(
        (value["errors"].as_u64(), value["warnings"].as_u64()),
        (Some(1), Some(1))
    );
    let finding = &value["findings"][1];
    assert_eq!(finding["rule"], "optional-field");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], file.as_str());
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(4), Some(30))
    );
    assert_eq!(finding["pointer"], "/fields/1/type");
    assert_eq!(finding["element"], "plant.sensors.Reading.note");

    let github = lint(&dir, &["--format", "github"]);
    assert_eq!(github.status.code(), Some(1));
    let escaped = file.replace(':', "%3A").replace(',', "%2C");
    let lines: Vec<String> = stdout(&github).lines().map(str::to_owned).collect();
    assert_eq!(
        lines[0],
        format!(
            "::warning file={escaped},line=3,col=5,title=doc-required-field::field `value` has no doc: add \"doc\": \"...\" saying what it holds at /fields/0"
        )
    );
    assert!(
        lines[1].starts_with(&format!("::error file={escaped},line=4,col=30,title=optional-field::")),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "lint FAILED: 1 type in 1 file: 1 error, 1 warning");
}

#[test]
fn warnings_fail_only_when_denied() {
    let dir = scratch("warnings");
    write(&dir, "reading.avsc", WARNING);
    assert_eq!(lint(&dir, &[]).status.code(), Some(0));
    let denied = lint(&dir, &["--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(
        stdout(&denied)
            .ends_with("lint FAILED: 1 type in 1 file: 0 errors, 1 warning (--deny-warnings: warnings fail)\n"),
        "{}",
        stdout(&denied)
    );
    let github = lint(&dir, &["--deny-warnings", "--format", "github"]);
    assert!(stdout(&github).starts_with("::error "), "{}", stdout(&github));
}

#[test]
fn the_catalog_then_the_config_file_configure_the_rules() {
    let dir = scratch("config");
    write(&dir, "reading.avsc", WARNING);
    // The catalog makes the missing doc an error; the config file turns the rule off.
    write(
        &dir,
        "catalog.toml",
        "[topics.\"plant.readings\"]\nvalue = \"plant.sensors.Reading\"\n\n[lint.rules]\ndoc-required-field = \"error\"\n",
    );
    let strict = lint(&dir, &[]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));
    assert!(stdout(&strict).contains("(error)"), "{}", stdout(&strict));
    let config = dir.join("lint.toml");
    write(&dir, "lint.toml", "[lint.rules]\ndoc-required-field = \"off\"\n");
    let relaxed = lint(&dir, &["--config", config.to_str().unwrap()]);
    assert_eq!(relaxed.status.code(), Some(0), "{}", stdout(&relaxed));
}

#[test]
fn what_does_not_load_exits_2() {
    let dir = scratch("broken");
    write(&dir, "reading.avsc", CLEAN);
    // A configuration with an unknown rule: located, with a suggestion.
    write(&dir, "lint.toml", "[lint.rules]\nenum-defualt = \"off\"\n");
    let config = dir.join("lint.toml");
    let bad_config = lint(&dir, &["--config", config.to_str().unwrap()]);
    assert_eq!(bad_config.status.code(), Some(2));
    let err = stderr(&bad_config);
    assert!(
        err.contains("lint.toml:2:1: error: unknown rule `enum-defualt`"),
        "{err}"
    );
    assert!(err.contains("did you mean `enum-default`?"), "{err}");
    // A missing --catalog, and schemas that do not parse.
    let missing = lint(&dir, &["--catalog", dir.join("nope.toml").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    write(&dir, "broken.avsc", "{\"type\": \"record\",");
    let broken = lint(&dir, &[]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains("the schemas do not load"),
        "{}",
        stderr(&broken)
    );
}
