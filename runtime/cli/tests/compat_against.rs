//! `avrokit compat --against GIT_REF` (over `avrokit_codegen::gate`) on throwaway git repositories built here, a few commits of
//! schemas each: the verdict, the located lines, the exit code, transitive
//! history, removed schemas still in use, and the `git fetch` hint of a shallow clone.

use std::process::Command;

mod scratch_repo;

use scratch_repo::{ID, NAME, NAME_INT, Repo, SIZE, SIZE_DEFAULT, catalog, compat_in, thing};

#[test]
fn a_compatible_change_passes_and_an_incompatible_one_fails_located() {
    let repo = Repo::new("pair");
    repo.write("catalog.toml", &catalog("BACKWARD"));
    repo.write("t/thing.avsc", &thing(&[ID, NAME]));
    repo.commit("v1");

    repo.write("t/thing.avsc", &thing(&[ID, NAME, SIZE_DEFAULT]));
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("compat: things-value is compatible (BACKWARD)"), "{out}");

    repo.write("t/thing.avsc", &thing(&[ID, NAME_INT]));
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("avro-schemas/t/thing.avsc:7:5: TYPE_MISMATCH: reader type: INT not compatible with writer type: STRING at /fields/1/type"),
        "{out}"
    );
    assert!(out.contains("compat: things-value is NOT compatible"), "{out}");

    let (code, out, _) = repo.compat(&["--against", "main", "--format", "github"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("::error file=avro-schemas/t/thing.avsc,line=7,col=5,title=TYPE_MISMATCH::"),
        "{out}"
    );

    let (code, out, _) = repo.compat(&["--against", "main", "--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["compatible"], false);
    assert_eq!(json["messages"][0]["type"], "TYPE_MISMATCH");
    assert_eq!(json["messages"][0]["line"], 7);
}

#[test]
fn transitive_modes_check_every_version_in_history_and_name_the_first_failing() {
    let repo = Repo::new("transitive");
    repo.write("catalog.toml", &catalog("BACKWARD_TRANSITIVE"));
    repo.write("t/thing.avsc", &thing(&[ID]));
    repo.commit("v1: no size");
    repo.write("t/thing.avsc", &thing(&[ID, SIZE_DEFAULT]));
    repo.commit("v2: size with a default");
    repo.write("README", "an unrelated commit: no new version");
    repo.commit("docs");

    // Dropping the default still reads v2 (it has `size`) but no longer v1.
    repo.write("t/thing.avsc", &thing(&[ID, SIZE]));
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("avro-schemas/t/thing.avsc:7:5: READER_FIELD_MISSING_DEFAULT_VALUE: size at /fields/1"),
        "{out}"
    );
    assert!(out.contains("against version 1"), "{out}");
    assert!(err.contains("things-value: version 1 of 2"), "{err}");

    let (_, out, _) = repo.compat(&["--against", "main", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let messages = json["subjects"][0]["registry_messages"].as_array().unwrap();
    assert!(messages.iter().any(|m| m == "{oldSchemaVersion: 1}"), "{messages:?}");

    // The same change under BACKWARD compares with the latest version only: it passes.
    repo.write("catalog.toml", &catalog("BACKWARD"));
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn new_subjects_pass_and_removed_schemas_in_use_fail_located() {
    let repo = Repo::new("removed");
    repo.write("catalog.toml", &catalog("BACKWARD"));
    repo.write("t/thing.avsc", &thing(&[ID]));
    repo.write(
        "t/other.avsc",
        r#"{"type": "enum", "name": "Other", "namespace": "t", "symbols": ["A"]}"#,
    );
    repo.commit("v1");

    // A type no topic uses is a subject of its own (BACKWARD); a new one passes.
    repo.write(
        "t/fresh.avsc",
        r#"{"type": "fixed", "name": "Fresh", "namespace": "t", "size": 4}"#,
    );
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 subjects checked, 0 failing"), "{out}");
    assert!(err.contains("t.Fresh: new subject"), "{err}");

    // Removing a type nothing uses passes; removing the topic's type fails at the topic.
    std::fs::remove_file(repo.dir.join("avro-schemas/t/other.avsc")).unwrap();
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    std::fs::remove_file(repo.dir.join("avro-schemas/t/thing.avsc")).unwrap();
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(
            "avro-schemas/catalog.toml:3:1: SCHEMA_REMOVED: topic `things` still uses t.Thing (its file \
             avro-schemas/t/thing.avsc was removed; it exists at main ("
        ),
        "{out}"
    );
}

#[test]
fn a_ref_missing_from_a_shallow_clone_prints_the_fetch_to_run() {
    let repo = Repo::new("origin");
    repo.write("catalog.toml", &catalog("BACKWARD"));
    repo.write("t/thing.avsc", &thing(&[ID]));
    repo.commit("v1");
    repo.write("t/thing.avsc", &thing(&[ID, SIZE_DEFAULT]));
    repo.commit("v2");

    let clone = std::env::temp_dir().join(format!("avrokit-compat-shallow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    let status = Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", repo.dir.display()))
        .arg(&clone)
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out, err) = compat_in(&clone, &["--against", "HEAD~1"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("`HEAD~1` is not in this clone (it is a shallow clone"),
        "{err}"
    );
    assert!(err.contains("    git fetch --no-tags --unshallow origin\n"), "{err}");

    // The hint works: after it, the same command compares.
    let fetched = Command::new("git")
        .current_dir(&clone)
        .args(["fetch", "-q", "--no-tags", "--unshallow", "origin"])
        .status()
        .unwrap();
    assert!(fetched.success());
    let (code, out, err) = compat_in(&clone, &["--against", "HEAD~1"]);
    assert_eq!(code, 0, "{out}{err}");
    let _ = std::fs::remove_dir_all(&clone);
}

#[test]
fn the_merge_base_with_main_is_the_baseline_and_on_main_itself_nothing_is_compared() {
    let repo = Repo::new("mergebase");
    repo.write("catalog.toml", &catalog("BACKWARD"));
    repo.write("t/thing.avsc", &thing(&[ID, NAME]));
    repo.commit("v1");
    let (code, out, err) = repo.compat(&["--against-merge-base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("the merge base is HEAD itself"), "{err}");

    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("t/thing.avsc", &thing(&[ID, NAME_INT]));
    repo.commit("breaks things");
    let (code, out, err) = repo.compat(&["--against-merge-base", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("compat: against main (merge base "), "{out}");
    assert!(out.contains("TYPE_MISMATCH"), "{out}");
}
