//! The `avrokit` command line, end to end: generate, check, and report broken schemas;
//! the compatibility gate on one pair and against git history (its every case is in
//! `compat_against.rs`).

mod scratch_repo;

use scratch_repo::Repo;
use std::path::{Path, PathBuf};
use std::process::Command;

fn avrokit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_avrokit"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("avrokit-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::write(dir.join(file), text).expect("write");
}

#[test]
fn generates_then_check_passes_and_detects_staleness() {
    let dir = scratch("gen");
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    write(
        &schemas,
        "point.avsc",
        r#"{"type":"record","name":"Point","namespace":"geo","fields":[{"name":"x","type":"int"}]}"#,
    );
    // The generated crate: Rust in crate/src.
    let out = dir.join("crate");
    let src = out.join("src");
    let run = |extra: &[&str]| {
        avrokit()
            .args(["gen", "--schemas"])
            .arg(&schemas)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .expect("runs")
    };
    let first = run(&["--plain"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("rust:    1 types in 2 files (2 written, 0 unchanged, 0 removed)"),
        "{stdout}"
    );
    assert!(
        std::fs::read_to_string(src.join("geo.rs"))
            .unwrap()
            .contains("pub struct Point")
    );
    assert!(run(&["--plain", "--check"]).status.success());
    // By default every type derives its codecs, reading the schemas from the directory
    // as the generated crate sees it; the plain output is then stale.
    assert_eq!(run(&["--check"]).status.code(), Some(1));
    let derived = run(&[]);
    assert!(derived.status.success(), "{}", String::from_utf8_lossy(&derived.stderr));
    let point = std::fs::read_to_string(src.join("geo.rs")).unwrap();
    assert!(point.contains("::avrokit::AvroMessage)]"), "{point}");
    assert!(
        point.contains(r#"#[avro(schema_dir = "../schemas", name = "geo.Point")]"#),
        "{point}"
    );
    assert!(run(&["--check"]).status.success());
    assert!(run(&["--check", "--derive-codecs", "../schemas"]).status.success());
    write(
        &schemas,
        "point.avsc",
        r#"{"type":"record","name":"Point","namespace":"geo","fields":[{"name":"y","type":"int"}]}"#,
    );
    let stale = run(&["--check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stderr).contains("changed:  geo.rs"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_schemas_exit_non_zero_with_located_diagnostics() {
    let dir = scratch("broken");
    write(
        &dir,
        "bad.avsc",
        "{\"type\": \"record\", \"name\": \"A\", \"fields\": [{\"name\": \"x\", \"type\": \"strng\"}]}",
    );
    let output = avrokit()
        .args(["gen", "--schemas"])
        .arg(&dir)
        .arg("--out")
        .arg(dir.join("out"))
        .args(["--any-layout"])
        .output()
        .unwrap();
    // Input that does not load is exit 2, as in every command.
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.avsc:1:66: error: unknown type `strng`"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: did you mean `string`?"), "{stderr}");
    assert!(!dir.join("out").exists(), "nothing is written when schemas are broken");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs `avrokit ARGS` in `dir`: exit code, stdout, stderr.
fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = avrokit().current_dir(dir).args(args).output().expect("runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `t.Thing` with a string `id` and a field `name` of this type, one field per line (so
/// `name` is on line 3).
fn thing(name_type: &str) -> String {
    format!(
        "{{\"type\": \"record\", \"name\": \"Thing\", \"namespace\": \"t\", \"fields\": [\n  {{\"name\": \"id\", \"type\": \"string\"}},\n  {{\"name\": \"name\", \"type\": \"{name_type}\"}}\n]}}\n"
    )
}

#[test]
fn compat_against_the_previous_commit_passes_compatible_and_fails_located() {
    let repo = Repo::new("cli");
    let dir = &repo.dir;
    repo.write(
        "catalog.toml",
        "environments = [\"dev\"]\n\n[topics.\"things\"]\nvalue = \"t.Thing\"\n",
    );
    repo.write("t/thing.avsc", &thing("string"));
    repo.commit("v1");

    // string -> bytes: compatible both ways. `--schemas` defaults to `avro-schemas`.
    repo.write("t/thing.avsc", &thing("bytes"));
    repo.commit("v2: compatible");
    let (code, out, err) = run_in(dir, &["compat", "--against", "HEAD~1"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("compat: things-value is compatible (BACKWARD)"), "{out}");

    // string -> int: the new schema cannot read the old data.
    repo.write("t/thing.avsc", &thing("int"));
    repo.commit("v3: incompatible");
    let (code, out, err) = run_in(dir, &["compat", "--against", "HEAD~1"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains(
            "avro-schemas/t/thing.avsc:3:3: TYPE_MISMATCH: reader type: INT not compatible with writer type: BYTES at /fields/1/type"
        ),
        "{out}"
    );

    // The catalog may live outside the schema directory, in the baseline too (read from
    // git beside the directory): the topic still names the subject.
    std::fs::rename(dir.join("avro-schemas/catalog.toml"), dir.join("topics.toml")).unwrap();
    repo.commit("catalog moved");
    repo.write("t/thing.avsc", &thing("boolean"));
    let (code, out, err) = run_in(dir, &["compat", "--against", "HEAD", "--catalog", "topics.toml"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains("compat: things-value is NOT compatible (BACKWARD)"),
        "{out}"
    );

    // A ref the repository does not have cannot decide: exit 2, with what to fetch.
    let (code, _, err) = run_in(dir, &["compat", "--against", "nope"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("error: `nope` is not in this clone"), "{err}");
}

#[test]
fn compat_check_exits_0_1_and_2() {
    let dir = scratch("compat-check");
    write(&dir, "old.avsc", &thing("string"));
    write(&dir, "bytes.avsc", &thing("bytes"));
    write(&dir, "int.avsc", &thing("int"));
    write(&dir, "broken.avsc", "{\"type\": \"record\"");
    let check = |old: &str, new: &str, extra: &[&str]| {
        run_in(
            &dir,
            &[&["compat", "check", "--old", old, "--new", new], extra].concat(),
        )
    };
    let (code, out, _) = check("old.avsc", "bytes.avsc", &["--mode", "full"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("compat: bytes.avsc is compatible (FULL)"), "{out}");
    let (code, out, _) = check("old.avsc", "int.avsc", &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("int.avsc:3:3: TYPE_MISMATCH: "), "{out}");
    let (code, out, _) = check("old.avsc", "int.avsc", &["--format", "json"]);
    assert_eq!(code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["compatible"], false);
    assert_eq!(json["messages"][0]["type"], "TYPE_MISMATCH");
    let (code, _, err) = check("old.avsc", "broken.avsc", &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("broken.avsc:1:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
