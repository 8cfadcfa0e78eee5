//! Services that cannot be used, offline: an unreachable registry (a closed loopback
//! port) and one that refuses the credentials (HTTP 401) for `register` and `compat
//! --registry`, unreachable brokers for `topics plan` and `lag`, an unreachable database
//! for `migrate`. Each is exit 2 with one `error: ...` line on stderr saying which
//! service, where, and what went wrong — never a panic, never a pass.

mod canned;
mod scratch;

use canned::{assert_error_after_notes, assert_one_line_error, avrokit, closed_port, refusing_registry};
use scratch::root;

/// The workspace's schemas and catalog.
fn schemas() -> String {
    root().join("avro-schemas").display().to_string()
}

#[test]
fn an_unreachable_registry_is_exit_2_for_register_and_compat() {
    let url = format!("http://{}", closed_port());
    let schemas = schemas();
    let needle = format!("cannot ask the schema registry at {url}");
    for args in [
        vec!["register", "--registry", &url, "--schemas", &schemas],
        vec!["compat", "--registry", &url, "--schemas", &schemas],
    ] {
        let out = avrokit(&args, &[], None);
        let line = assert_one_line_error(&out, &needle);
        assert!(line.contains("cannot reach the registry"), "{line}");
    }
    // With `--format json` the progress notes go to stderr too, before the error, and
    // stdout holds no half document.
    for args in [
        vec![
            "register",
            "--dry-run",
            "--format",
            "json",
            "--registry",
            &url,
            "--schemas",
            &schemas,
        ],
        vec!["compat", "--format", "json", "--registry", &url, "--schemas", &schemas],
    ] {
        let out = avrokit(&args, &[], None);
        assert_error_after_notes(&out, &needle);
        assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn a_registry_refusing_the_credentials_is_exit_2_for_register_and_compat() {
    let url = refusing_registry();
    let schemas = schemas();
    for args in [
        vec!["register", "--registry", &url, "--schemas", &schemas],
        vec!["compat", "--registry", &url, "--schemas", &schemas],
        vec![
            "compat",
            "--registry",
            &url,
            "--schemas",
            &schemas,
            "--registry-user",
            "u",
            "--registry-password",
            "wrong",
        ],
    ] {
        let out = avrokit(&args, &[], None);
        let line = assert_one_line_error(&out, "HTTP 401, not authorized");
        assert!(line.contains("--registry-user"), "says how to authenticate: {line}");
        assert!(!line.contains("wrong"), "the password is not repeated: {line}");
    }
}

#[cfg(feature = "kafka")]
#[test]
fn unreachable_brokers_are_exit_2_for_topics_plan() {
    let brokers = closed_port();
    let schemas = schemas();
    let started = std::time::Instant::now();
    let out = avrokit(
        &["topics", "plan", "--bootstrap-servers", &brokers, "--schemas", &schemas],
        &[],
        None,
    );
    assert_one_line_error(&out, &format!("cannot reach Kafka at {brokers}"));
    assert!(out.stdout.is_empty(), "no plan printed");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(25),
        "{:?}",
        started.elapsed()
    );
}

#[cfg(feature = "kafka")]
#[test]
fn unreachable_brokers_are_exit_2_for_lag() {
    let brokers = closed_port();
    for format in ["text", "json"] {
        let out = avrokit(&["lag", "--bootstrap-servers", &brokers, "--format", format], &[], None);
        assert_one_line_error(&out, &format!("cannot reach Kafka at {brokers}"));
        assert!(out.stdout.is_empty(), "no report printed");
    }
}

#[cfg(feature = "postgres")]
#[test]
fn an_unreachable_database_is_exit_2_for_migrate_without_its_password() {
    let addr = closed_port();
    let url = format!("postgres://sink:s3cret@{addr}/sinks");
    let sql = root().join("generated/sql").display().to_string();
    // The flag, then the variable.
    for (args, envs) in [
        (vec!["migrate", "--sql", &sql, "--database-url", &url], vec![]),
        (
            vec!["migrate", "--sql", &sql, "--dry-run"],
            vec![("DATABASE_URL", url.as_str())],
        ),
    ] {
        let out = avrokit(&args, &envs, None);
        let line = assert_one_line_error(&out, &format!("cannot connect to PostgreSQL at sink@{addr}/sinks"));
        assert!(line.contains("Connection refused"), "{line}");
        assert!(!line.contains("s3cret"), "{line}");
    }
    let out = avrokit(
        &["migrate", "--sql", &sql, "--database-url", "postgres://u:s3cret@[oops"],
        &[],
        None,
    );
    let line = assert_one_line_error(&out, "not a PostgreSQL connection string");
    assert!(!line.contains("s3cret"), "{line}");
}
