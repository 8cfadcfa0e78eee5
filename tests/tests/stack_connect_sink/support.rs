//! The steps of the Connect end-to-end tests, each usable by a later phase: find the stack,
//! (re)create the sink table from the generated DDL, deploy and delete connectors with
//! `cargo xtask connect`, produce framed records, and wait for rows.

use avrokit_tests::stack_env::{self, repo_root, say};
use avrokit_tests::stack_python::{self, hex};
use std::process::Command;
use std::time::{Duration, Instant};

/// The stack's addresses the tests use.
pub struct Stack {
    /// `DATABASE_URL`: the database the workers' connectors write to.
    pub database: String,
    /// `KAFKA_BOOTSTRAP_SERVERS`.
    pub bootstrap: String,
    /// `KAFKA_CONNECT_URL`.
    pub connect: String,
}

const HOW_TO_RUN: &str = "run it with `cargo xtask test`, or `cargo xtask stack up`, `cargo build -p xtask` then \
                          `cargo test -p avrokit-tests --test stack_connect_sink`";

/// The running stack, or `None` after saying why the test is skipped; panics when `cargo
/// xtask test` exported the addresses and the database does not answer.
pub fn stack(test: &str) -> Option<Stack> {
    let mut exported = true;
    let mut get = |key: &str| {
        stack_env::var(key).map(|(value, was_exported)| {
            exported &= was_exported;
            value
        })
    };
    let found = (|| {
        Ok::<_, String>(Stack {
            database: get("DATABASE_URL")?,
            bootstrap: get("KAFKA_BOOTSTRAP_SERVERS")?,
            connect: get("KAFKA_CONNECT_URL")?,
        })
    })();
    let stack = match found {
        Ok(stack) => stack,
        Err(why) => {
            say(&format!("SKIPPED {test}: {why}; {HOW_TO_RUN}"));
            return None;
        }
    };
    if let Err(why) = sql(&stack.database, "SELECT 1") {
        assert!(!exported, "{test}: PostgreSQL at {}: {why}", stack.database);
        say(&format!("SKIPPED {test}: {why} (stale stack.env?); {HOW_TO_RUN}"));
        return None;
    }
    Some(stack)
}

/// Runs `statements` with psql on `url` (stopping at the first error); the unaligned,
/// tuples-only output.
pub fn sql(url: &str, statements: &str) -> Result<String, String> {
    let output = Command::new("psql")
        .args([url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statements])
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Drops `table` and creates it again from its generated DDL (`generated/sql/<table>.sql`),
/// so each run starts empty and the table is exactly what `gen` wrote.
pub fn recreate_table(stack: &Stack, table: &str) {
    let ddl_path = repo_root().join(format!("generated/sql/{table}.sql"));
    let ddl = std::fs::read_to_string(&ddl_path).unwrap_or_else(|e| panic!("{}: {e}", ddl_path.display()));
    sql(&stack.database, &format!("DROP TABLE IF EXISTS {table};\n{ddl}"))
        .unwrap_or_else(|e| panic!("recreating {table}: {e}"));
}

/// Runs `cargo xtask connect ARGS --url <stack>`; its stdout, or panics with both outputs.
pub fn xtask_connect(stack: &Stack, args: &[&str]) -> String {
    let output = Command::new(stack_env::xtask_binary())
        .arg("connect")
        .args(args)
        .args(["--url", &stack.connect])
        .output()
        .expect("running xtask");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "xtask connect {args:?} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Produces `(key, framed value)` records to `topic` (through `tests/stack/produce`,
/// confluent-kafka in a pinned virtualenv: the workspace has no Kafka client crate yet).
pub fn produce(stack: &Stack, topic: &str, records: &[(String, Vec<u8>)]) {
    let lines: String = records
        .iter()
        .map(|(key, value)| format!("{key}\t{}\n", hex(value)))
        .collect();
    let env = [("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrap.as_str())];
    stack_python::run_with_input("produce/produce.py", &[topic], &env, &lines);
}

/// Polls `query` until it returns `expected`, for at most `timeout`; the last answer
/// otherwise.
pub fn wait_for_rows(stack: &Stack, query: &str, expected: &str, timeout: Duration) -> Result<(), String> {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < timeout {
        match sql(&stack.database, query) {
            Ok(rows) if rows == expected => return Ok(()),
            Ok(rows) => last = rows,
            Err(err) => last = err,
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    Err(last)
}
