//! The `avrokit` command line, end to end: generate, check, and report broken schemas.

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
    let out = dir.join("src");
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
    let first = run(&[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stdout).contains("1 types: 2 files written"));
    assert!(
        std::fs::read_to_string(out.join("geo.rs"))
            .unwrap()
            .contains("pub struct Point")
    );
    assert!(run(&["--check"]).status.success());
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
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.avsc:1:66: error: unknown type `strng`"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: did you mean `string`?"), "{stderr}");
    assert!(!dir.join("out").exists(), "nothing is written when schemas are broken");
    std::fs::remove_dir_all(&dir).unwrap();
}
