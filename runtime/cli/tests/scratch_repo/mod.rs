//! A throwaway git repository with an `avro-schemas/` directory, for the tests that run
//! `avrokit compat` against git history (`compat_against.rs`, `compat_accept.rs`, ...),
//! and the record `t.Thing` they evolve.

#![allow(dead_code)] // Each test file uses its own part.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A git repository in a fresh temporary directory, removed on drop.
pub struct Repo {
    /// The repository's top-level directory.
    pub dir: PathBuf,
}

impl Repo {
    /// A fresh repository on branch `main`, with an empty `avro-schemas/t/`.
    pub fn new(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("avrokit-compat-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("avro-schemas/t")).unwrap();
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// Runs git in the repository (as user `t`, unsigned); its stdout.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.dir, args)
    }

    /// Writes `path` under `avro-schemas/`.
    pub fn write(&self, path: &str, text: &str) {
        std::fs::write(self.dir.join("avro-schemas").join(path), text).unwrap();
    }

    /// Runs `avrokit compat ARGS --schemas <this repo>/avro-schemas` from inside it: the
    /// exit code, stdout and stderr.
    pub fn compat(&self, args: &[&str]) -> (i32, String, String) {
        compat_in(&self.dir, args)
    }

    /// Commits everything.
    pub fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs git in `dir` (as user `t`, unsigned) and asserts it succeeds; its stdout.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `avrokit compat ARGS --schemas DIR/avro-schemas` run from `dir` (a repository or a
/// clone of one): the exit code, stdout and stderr.
pub fn compat_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .current_dir(dir)
        .arg("compat")
        .args(args)
        .arg("--schemas")
        .arg(dir.join("avro-schemas"))
        .output()
        .unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

/// A catalog of one topic, `things`, whose values are `t.Thing` under `mode`.
pub fn catalog(mode: &str) -> String {
    format!("environments = [\"dev\"]\n\n[topics.\"things\"]\nvalue = \"t.Thing\"\ncompatibility = \"{mode}\"\n")
}

/// `t.Thing` with these fields, one per line (field `i` on line `5 + i`, so each
/// finding's line is known).
pub fn thing(fields: &[&str]) -> String {
    format!(
        "{{\n  \"type\": \"record\",\n  \"name\": \"Thing\",\n  \"namespace\": \"t\",\n  \"fields\": [\n    {}\n  ]\n}}\n",
        fields.join(",\n    ")
    )
}

/// Fields of `t.Thing`: `id` and `name` strings, `name` as an int (a type change), and
/// `size` with and without a default.
pub const ID: &str = r#"{"name": "id", "type": "string"}"#;
/// See [`ID`].
pub const NAME: &str = r#"{"name": "name", "type": "string"}"#;
/// See [`ID`].
pub const NAME_INT: &str = r#"{"name": "name", "type": "int"}"#;
/// See [`ID`].
pub const SIZE_DEFAULT: &str = r#"{"name": "size", "type": "int", "default": 0}"#;
/// See [`ID`].
pub const SIZE: &str = r#"{"name": "size", "type": "int"}"#;
