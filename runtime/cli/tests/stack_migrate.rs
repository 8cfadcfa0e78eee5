//! `avrokit migrate` against the stack's PostgreSQL, each test in a scratch database of
//! its own (created and dropped here): the workspace's generated migrations applied once
//! and recorded, a rerun applying nothing, a changed or an edited file refused before
//! anything runs (exit 1), a new migration found pending and applied, and a failing one
//! rolled back whole (exit 2) while the ones before it stay. Without the database each
//! test prints `SKIPPED ...` and passes.

mod canned;
mod running_stack;
mod scratch;

use canned::{assert_error_after_notes, avrokit};
use running_stack::psql;
use scratch::{root, scratch_name};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A scratch database on the stack's server, dropped on drop.
struct Database {
    /// The stack's URL (its own database), for the admin statements.
    admin: String,
    name: String,
    /// The scratch database's URL.
    url: String,
}

impl Database {
    fn new(test: &str) -> Option<Database> {
        let admin = running_stack::database(test)?;
        // A database's name is an identifier: no dashes.
        let name = scratch_name(&format!("avrokit_it_{test}")).replace('-', "_");
        psql(&admin, &format!("CREATE DATABASE {name}")).unwrap();
        let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
        let url = format!("{base}/{name}");
        Some(Database { admin, name, url })
    }

    /// The value of `query` (one column, rows joined by newlines).
    fn query(&self, query: &str) -> String {
        psql(&self.url, query).unwrap()
    }

    /// Whether the database has table `name`.
    fn has_table(&self, name: &str) -> bool {
        self.query(&format!("SELECT to_regclass('{name}') IS NOT NULL")) == "t"
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = psql(
            &self.admin,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// A copy of the workspace's `generated/sql` in a scratch directory.
fn sql_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("avrokit-migrate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let from = root().join("generated/sql");
    for sub in ["", "migrations"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.join(sub).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

/// The workspace's migrations, by name.
fn generated_migrations() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("generated/sql/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

/// `avrokit migrate ARGS --format json` with the database and the SQL directory from the
/// environment, as a CI job would give them.
fn migrate(db: &Database, sql_dir: &Path, args: &[&str]) -> (Output, Value) {
    let dir = sql_dir.display().to_string();
    let mut all = vec!["migrate", "--format", "json"];
    all.extend_from_slice(args);
    let out = avrokit(&all, &[("DATABASE_URL", &db.url), ("AVROKIT_SQL_DIR", &dir)], None);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is one JSON document ({err}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out, report)
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn all(names: &[String], status: &str) -> Vec<(String, String)> {
    names.iter().map(|n| (n.clone(), status.to_owned())).collect()
}

#[test]
fn migrations_apply_once_and_changed_ones_are_refused() {
    let Some(db) = Database::new("apply") else { return };
    let dir = sql_copy("apply");
    let names = generated_migrations();
    assert!(names.len() >= 3, "{names:?}");
    let tables: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();

    // A dry run lists every migration as pending and creates nothing, not even its table.
    let (out, report) = migrate(&db, &dir, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(statuses(&report), all(&names, "pending"));
    assert_eq!(
        (&report["dry_run"], &report["ok"], &report["pending"]),
        (&json!(true), &json!(true), &json!(names.len()))
    );
    assert!(!db.has_table("avrokit_migrations"));

    let (out, report) = migrate(&db, &dir, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(statuses(&report), all(&names, "applied"));
    assert_eq!(report["applied"], json!(names.len()));
    for table in &tables {
        assert!(db.has_table(table), "{table} exists");
    }
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(
        progress.contains(&format!("migrate: [1/{}] {}", names.len(), names[0])),
        "{progress}"
    );
    let recorded = db.query("SELECT name || ' ' || checksum FROM avrokit_migrations ORDER BY name");
    let expected: Vec<String> = report["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| format!("{} {}", m["name"].as_str().unwrap(), m["checksum"].as_str().unwrap()))
        .collect();
    assert_eq!(recorded, expected.join("\n"));

    // Again: nothing to do.
    let (out, report) = migrate(&db, &dir, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(statuses(&report), all(&names, "already_applied"));
    assert!(report["migrations"][0]["applied_at"].is_string());

    // A new migration (written by hand): pending, then applied alone.
    let added = "9001_manual_index.sql";
    std::fs::write(
        dir.join("migrations").join(added),
        format!("CREATE INDEX IF NOT EXISTS manual_idx ON {} (created_at);\n", tables[0]),
    )
    .unwrap();
    let (_, report) = migrate(&db, &dir, &["--dry-run"]);
    assert_eq!(report["pending"], json!(1));
    assert_eq!(report["migrations"][names.len()]["status"], json!("pending"));
    let (out, report) = migrate(&db, &dir, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        (&report["applied"], &report["already_applied"]),
        (&json!(1), &json!(names.len()))
    );

    // A file changed after it ran: refused, and nothing pending runs either.
    let changed = dir.join("migrations").join(&names[1]);
    let text = std::fs::read_to_string(&changed).unwrap();
    std::fs::write(&changed, format!("{text}-- an afterthought\n")).unwrap();
    let pending = "9002_never.sql";
    std::fs::write(
        dir.join("migrations").join(pending),
        "CREATE TABLE never_created (a INT);\n",
    )
    .unwrap();
    let (out, report) = migrate(&db, &dir, &[]);
    assert_eq!(out.status.code(), Some(1), "a changed migration is a finding");
    assert_eq!(report["ok"], json!(false));
    let entry = &report["migrations"][1];
    assert_eq!(entry["status"], json!("changed"));
    assert_ne!(entry["recorded_checksum"], entry["checksum"]);
    assert!(!db.has_table("never_created"));
    let text_out = avrokit(
        &[
            "migrate",
            "--database-url",
            &db.url,
            "--sql",
            &dir.display().to_string(),
        ],
        &[],
        None,
    );
    assert_eq!(text_out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&text_out.stdout).contains(&format!("CHANGED   {}", names[1])),
        "{}",
        String::from_utf8_lossy(&text_out.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failing_migration_is_rolled_back_whole() {
    let Some(db) = Database::new("failing") else { return };
    let dir = sql_copy("failing");
    let names = generated_migrations();
    std::fs::write(dir.join("migrations/9001_fine.sql"), "CREATE TABLE fine (a INT);\n").unwrap();
    std::fs::write(
        dir.join("migrations/9002_broken.sql"),
        "CREATE TABLE half_made (a INT);\nALTER TABLE no_such_table ADD COLUMN b INT;\n",
    )
    .unwrap();
    std::fs::write(dir.join("migrations/9003_after.sql"), "CREATE TABLE after (a INT);\n").unwrap();
    let (out, report) = migrate(&db, &dir, &[]);
    let line = assert_error_after_notes(&out, "migration 9002_broken.sql failed and was rolled back");
    assert!(line.contains("no_such_table"), "{line}");
    let status = statuses(&report);
    assert_eq!(status[names.len()], ("9001_fine.sql".into(), "applied".into()));
    assert_eq!(status[names.len() + 1], ("9002_broken.sql".into(), "failed".into()));
    assert_eq!(status[names.len() + 2], ("9003_after.sql".into(), "pending".into()));
    assert!(
        report["migrations"][names.len() + 1]["error"]
            .as_str()
            .unwrap()
            .contains("no_such_table")
    );
    assert!(db.has_table("fine"));
    assert!(!db.has_table("half_made"), "the failed migration left nothing");
    assert_eq!(
        db.query("SELECT count(*) FROM avrokit_migrations WHERE name = '9002_broken.sql'"),
        "0"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_migration_edited_after_gen_is_refused_before_it_runs() {
    let Some(db) = Database::new("edited") else { return };
    let dir = sql_copy("edited");
    let names = generated_migrations();
    let last = dir.join("migrations").join(names.last().unwrap());
    let text = std::fs::read_to_string(&last).unwrap();
    std::fs::write(
        &last,
        text.replace("CREATE TABLE IF NOT EXISTS", "CREATE UNLOGGED TABLE IF NOT EXISTS"),
    )
    .unwrap();
    let (out, report) = migrate(&db, &dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let entry = &report["migrations"][names.len() - 1];
    assert_eq!(entry["status"], json!("edited"));
    assert!(entry["locked_checksum"].is_string());
    assert_eq!(
        db.query("SELECT count(*) FROM avrokit_migrations"),
        "0",
        "nothing applied"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_output_directory_locates_the_migrations() {
    // No database needed: the directory is read first.
    let out_dir = std::env::temp_dir().join(format!("avrokit-migrate-out-{}", std::process::id()));
    let out_text = out_dir.display().to_string();
    let out = avrokit(
        &["migrate", "--dry-run", "--database-url", "postgres://u@127.0.0.1:1/x"],
        &[("AVROKIT_OUT", &out_text)],
        None,
    );
    let line = canned::assert_one_line_error(&out, &format!("no migrations in {out_text}/sql/migrations"));
    assert!(line.contains("avrokit gen"), "{line}");
}
