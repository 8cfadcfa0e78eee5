//! A scratch copy of `avro-schemas/` (and of the committed migrations) that a test edits
//! step by step and runs `gen` on: shared by the migration tests and the end-to-end
//! Connect test.

#![allow(dead_code)] // Each test file uses its own part.

use avrokit_codegen::{Diagnostics, Generator};
use avrokit_tests::stack_env;
use std::path::{Path, PathBuf};

/// The schema of `avro-schemas/` the evolution steps edit.
pub const TELESCOPE_DATA: &str = "astro-beam/telescope-data.avsc";
/// The last field of `TELESCOPE_DATA`, after which new fields go.
pub const LAST_FIELD: &str = r#""doc": "Version of the pipeline that processed the chunk, once processed."}"#;

/// `LAST_FIELD` followed by `field`.
pub fn and_field(field: &str) -> String {
    format!("{LAST_FIELD},\n    {field}")
}

/// A scratch copy of `avro-schemas/` and the `sql/` directory `gen` writes for it.
pub struct Scratch {
    /// The scratch directory: `schemas/` and `sql/` below it.
    pub root: PathBuf,
}

impl Scratch {
    /// A fresh copy of `avro-schemas/`, no migrations yet.
    pub fn new(name: &str) -> Scratch {
        let root = std::env::temp_dir().join(format!("avrokit-migrations-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(&stack_env::repo_root().join("avro-schemas"), &root.join("schemas"));
        Scratch { root }
    }

    /// A fresh copy of `avro-schemas/` with the committed migrations, so the next one is
    /// what `cargo xtask gen` would add to `generated/sql/migrations/`.
    pub fn with_committed_migrations(name: &str) -> Scratch {
        let scratch = Scratch::new(name);
        copy_dir(
            &stack_env::repo_root().join("generated/sql/migrations"),
            &scratch.migrations(),
        );
        scratch
    }

    pub fn schemas(&self) -> PathBuf {
        self.root.join("schemas")
    }

    pub fn migrations(&self) -> PathBuf {
        self.root.join("sql/migrations")
    }

    /// Runs `gen` (SQL only): the names of the migrations it added.
    pub fn generate(&self) -> Result<Vec<String>, Diagnostics> {
        let before = self.migration_names();
        let generated = Generator::new(self.schemas())
            .catalog(self.schemas().join("catalog.toml"))
            .migrations(self.migrations())
            .schema_layout(avrokit_codegen::SchemaLayout::OneTypePerFile)
            .generate()?;
        generated.write_sql(&self.root.join("sql")).expect("writing sql/");
        Ok(self
            .migration_names()
            .into_iter()
            .filter(|n| !before.contains(n))
            .collect())
    }

    /// `gen` that must be refused: the diagnostics, with the scratch path cut out.
    pub fn refused(&self) -> String {
        match self.generate() {
            Ok(added) => panic!("expected a refusal, got migrations {added:?}"),
            Err(diagnostics) => diagnostics
                .to_string()
                .replace(&format!("{}/", self.schemas().display()), ""),
        }
    }

    pub fn migration_names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.migrations())
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.retain(|n| n.ends_with(".sql"));
        names.sort();
        names
    }

    pub fn migration(&self, name: &str) -> String {
        std::fs::read_to_string(self.migrations().join(name)).unwrap()
    }

    /// Replaces `from` (which must occur once) with `to` in a schema or catalog file.
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.schemas().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{from:?} in {file}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
