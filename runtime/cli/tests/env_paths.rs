//! Every path is a flag and an environment variable: `AVROKIT_SCHEMAS`, `AVROKIT_CATALOG`
//! and `AVROKIT_OUT` move the schema directory, the catalog and the generated output of
//! every command that reads them, and a flag wins over its variable. Offline: in a
//! project whose layout follows none of the conventions (`defs/`, `conf/topics.toml`,
//! `build/`), the commands that need a service are pointed at a closed port, and their
//! error ("cannot reach ...") shows they found the files the variables name.

mod canned;
mod scratch_repo;

use canned::{assert_error_after_notes, assert_one_line_error, avrokit, closed_port};
use std::path::{Path, PathBuf};

const ORDER: &str = r#"{"type": "record", "name": "Order", "namespace": "t", "fields": [
  {"name": "order_id", "type": "string"},
  {"name": "amount", "type": "double"}
]}"#;

const CATALOG: &str = r#"environments = ["dev"]

[connect]
converter = "apicurio"

[topics."env.orders"]
key = "string"
key_format = "raw"
value = "t.Order"
compatibility = "BACKWARD"

[topics."env.orders".sink]
table = "env_orders"
writer = "debezium-jdbc"
primary_key = ["order_id"]
"#;

/// A project with `defs/t/order.avsc`, `conf/topics.toml`, committed to git.
fn project() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("avrokit-env-paths-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("defs/t")).unwrap();
    std::fs::create_dir_all(dir.join("conf")).unwrap();
    std::fs::write(dir.join("defs/t/order.avsc"), ORDER).unwrap();
    std::fs::write(dir.join("conf/topics.toml"), CATALOG).unwrap();
    let git = |args: &[&str]| scratch_repo::git_in(&dir, args);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "orders"]);
    dir
}

const ENV: [(&str, &str); 3] = [
    ("AVROKIT_SCHEMAS", "defs"),
    ("AVROKIT_CATALOG", "conf/topics.toml"),
    ("AVROKIT_OUT", "build"),
];

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_files(dir: &Path, files: &[&str]) {
    for file in files {
        assert!(dir.join(file).is_file(), "{file} written");
    }
}

#[test]
fn the_variables_move_every_path_and_flags_win() {
    let dir = project();
    let run = |args: &[&str]| avrokit(args, &ENV, Some(&dir));

    let out = run(&["gen"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("1 sink tables"),
        "the catalog was read: {}",
        stdout(&out)
    );
    assert_files(
        &dir,
        &[
            "build/src/lib.rs",
            "build/sql/env_orders.sql",
            "build/sql/migrations/0001_env_orders_create.sql",
            "build/connect/dev/env_orders-sink.json",
        ],
    );
    assert!(!dir.join("generated").exists() && !dir.join("avro-schemas").exists());
    assert_eq!(run(&["gen", "--check"]).status.code(), Some(0));
    // The flag wins over the variable.
    assert_eq!(run(&["gen", "--out", "elsewhere"]).status.code(), Some(0));
    assert_files(&dir, &["elsewhere/src/lib.rs", "elsewhere/sql/env_orders.sql"]);

    let out = run(&["compat", "--against", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("env.orders-value"), "{}", stdout(&out));

    let out = run(&["avro", "canonical", "--type", "t.Order"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with(r#"{"name":"t.Order""#), "{}", stdout(&out));

    // The commands that need a service find their files first.
    let closed = closed_port();
    let url = format!("http://{closed}");
    let out = run(&["register", "--dry-run", "--registry", &url]);
    assert_one_line_error(&out, &format!("cannot ask the schema registry at {url}"));
    let out = run(&["compat", "--registry", &url]);
    assert_one_line_error(&out, "cannot ask the schema registry");
    let out = run(&["connect", "validate", "--connect-url", &url]);
    assert_one_line_error(&out, "Kafka Connect does not answer");
    #[cfg(feature = "kafka")]
    {
        let out = run(&["topics", "plan", "--bootstrap-servers", &closed]);
        assert_one_line_error(&out, &format!("cannot reach Kafka at {closed}"));
    }
    #[cfg(feature = "postgres")]
    {
        let out = run(&[
            "migrate",
            "--dry-run",
            "--database-url",
            &format!("postgres://u@{closed}/db"),
        ]);
        assert_one_line_error(&out, "cannot connect to PostgreSQL");
    }

    // Without the variables the conventional paths apply, and they are not there.
    let out = avrokit(&["register", "--dry-run", "--registry", &url], &[], Some(&dir));
    assert_error_after_notes(&out, "avro-schemas");
    std::fs::remove_dir_all(&dir).unwrap();
}
