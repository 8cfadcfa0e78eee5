//! The running stack, as the CLI's stack tests (`stack_*.rs`) find it: its settings, the
//! probes that hand a test a service that answers or skip it, and `avrokit` and the
//! Python interop scripts run against it.
//!
//! A setting comes from the environment (`cargo xtask test` exports them) or from
//! `target/stack/stack.env` (`avrokit stack up` writes it). A service that does not
//! answer skips the test after it prints `SKIPPED <test>: ...` past libtest's capture,
//! unless its setting was exported: then the stack is supposed to be up, and the test
//! fails.
//!
//! A test file declares `mod scratch;` beside `mod running_stack;`: the workspace root
//! and scratch names are there.

#![allow(dead_code)] // Each test file uses its own part.

use crate::scratch::root;
use serde_json::Value;
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The stack's value of `key`, and whether it was exported (then the stack must answer)
/// rather than read from `target/stack/stack.env`.
pub fn setting(key: &str) -> (Option<String>, bool) {
    if let Ok(value) = std::env::var(key) {
        return (Some(value), true);
    }
    let text = std::fs::read_to_string(root().join("target/stack/stack.env")).ok();
    let value = text.and_then(|text| {
        text.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_owned())
    });
    (value, false)
}

/// Prints `SKIPPED {test}: {why}` and how to run the test, past libtest's capture.
pub fn skip(test: &str, why: &str) {
    // Each test file compiles this module into its own crate, named after the file.
    let target = env!("CARGO_CRATE_NAME");
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {why}; run it with `cargo xtask test`, or `avrokit stack up` then \
         `cargo test -p avrokit-cli --test {target}`"
    );
}

/// The value of `key` when `answers` says the service there (`what`) answers; else
/// `None` after [`skip`], or a panic when the value was exported.
fn service(test: &str, key: &str, what: &str, answers: impl FnOnce(&str) -> bool) -> Option<String> {
    let (value, exported) = setting(key);
    let Some(value) = value else {
        skip(
            test,
            &format!("the stack is not up (no {key} exported or in target/stack/stack.env)"),
        );
        return None;
    };
    if !answers(&value) {
        assert!(
            !exported,
            "{test}: {key}={value} was exported, but no {what} answers there"
        );
        skip(test, &format!("no {what} answers at {value} (stale stack.env?)"));
        return None;
    }
    Some(value)
}

/// The stack's brokers (`KAFKA_BOOTSTRAP_SERVERS`) when the first one listens.
pub fn bootstrap(test: &str) -> Option<String> {
    service(test, "KAFKA_BOOTSTRAP_SERVERS", "Kafka broker", |servers| {
        servers
            .split(',')
            .next()
            .and_then(|first| first.to_socket_addrs().ok()?.next())
            .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok())
    })
}

/// The stack's registry URL (`SCHEMA_REGISTRY_URL`) when the registry lists its
/// subjects.
#[cfg(feature = "registry")]
pub fn registry(test: &str) -> Option<String> {
    use avrokit::registry_client::{BlockingRegistryClient, RegistryConfig, RetryPolicy};
    service(test, "SCHEMA_REGISTRY_URL", "schema registry", |url| {
        // One short attempt: a stale stack.env must skip quickly, not wait out retries.
        let probe = RegistryConfig::new(url)
            .with_retry(RetryPolicy::none())
            .with_timeout(Duration::from_secs(5));
        BlockingRegistryClient::new(probe).and_then(|c| c.subjects()).is_ok()
    })
}

/// The stack's PostgreSQL URL (`DATABASE_URL`) when `psql` can run a query there.
pub fn database(test: &str) -> Option<String> {
    service(test, "DATABASE_URL", "PostgreSQL", |url| psql(url, "SELECT 1").is_ok())
}

/// Runs `statements` with psql on `url`, stopping at the first error: the unaligned,
/// tuples-only output, trimmed, or psql's error output.
pub fn psql(url: &str, statements: &str) -> Result<String, String> {
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statements])
        .output()
        .map_err(|err| format!("psql: {err}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The stack's broker and registry, both answering.
#[derive(Debug, Clone)]
pub struct KafkaStack {
    /// `KAFKA_BOOTSTRAP_SERVERS`.
    pub bootstrap: String,
    /// `SCHEMA_REGISTRY_URL`.
    pub registry: String,
}

#[cfg(feature = "registry")]
impl KafkaStack {
    /// The broker and the registry, or `None` (having said why) when either does not
    /// answer; see [`bootstrap`] and [`registry`].
    pub fn find(test: &str) -> Option<KafkaStack> {
        let bootstrap = bootstrap(test)?;
        let registry = registry(test)?;
        Some(KafkaStack { bootstrap, registry })
    }
}

impl KafkaStack {
    /// Runs `avrokit ARGS --schemas SCHEMAS` against this broker and registry, with
    /// `stdin` as its input; see [`avrokit`].
    pub fn avrokit(&self, args: &[&str], schemas: &Path, stdin: &str) -> Output {
        avrokit(args, schemas, &self.bootstrap, &self.registry, stdin)
    }

    /// `avrokit consume TOPIC --from-beginning EXTRA` until `count` records (30 s at
    /// the most): the exit code and the lines as JSON.
    pub fn consume(&self, schemas: &Path, topic: &str, count: usize, extra: &[&str]) -> (i32, Vec<Value>) {
        let count = count.to_string();
        let mut args = vec![
            "consume",
            topic,
            "--from-beginning",
            "--max-messages",
            &count,
            "--timeout",
            "30",
        ];
        args.extend_from_slice(extra);
        let out = self.avrokit(&args, schemas, "");
        let lines = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
            .collect();
        (out.status.code().unwrap_or(-1), lines)
    }

    /// Runs `tests/stack/interop/SCRIPT ARGS` (Python confluent-kafka, in the virtualenv
    /// the script makes) against this broker and registry; its stdout, or a panic with
    /// both outputs.
    pub fn python(&self, script: &str, args: &[&str]) -> String {
        let output = Command::new("python3")
            .arg(root().join("tests/stack/interop").join(script))
            .args(args)
            .env("KAFKA_BOOTSTRAP_SERVERS", &self.bootstrap)
            .env("SCHEMA_REGISTRY_URL", &self.registry)
            .output()
            .expect("python3");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{script} {args:?}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }
}

/// Runs `avrokit ARGS --schemas SCHEMAS` with `bootstrap` and `registry` as the stack's
/// (`KAFKA_BOOTSTRAP_SERVERS`, `SCHEMA_REGISTRY_URL`) and `stdin` as its input; prints
/// the run, which libtest shows when the test fails.
pub fn avrokit(args: &[&str], schemas: &Path, bootstrap: &str, registry: &str, stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_avrokit"));
    command
        .args(args)
        .arg("--schemas")
        .arg(schemas)
        .env("KAFKA_BOOTSTRAP_SERVERS", bootstrap)
        .env("SCHEMA_REGISTRY_URL", registry);
    let out = run_with_input(command, stdin);
    println!(
        "avrokit {args:?}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `command` with `stdin` as its input; its output.
pub fn run_with_input(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("running {:?}: {err}", command.get_program()));
    // From a thread of its own: a command that prints before it has read all its input
    // would otherwise fill its stdout pipe while this side still writes.
    let input = stdin.to_owned();
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("the command runs");
    match writer.join().expect("the writer thread") {
        // It stopped before reading all of it: its exit and stderr say why.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.expect("writing the command's input"),
    }
    out
}
