//! The pipeline examples (`generated/examples/`) run against the stack with small
//! arguments: each must exit successfully and print the lines that show its pipeline
//! worked (every command acknowledged, every row in PostgreSQL, the lag back to zero).
//!
//! The binaries are the ones `cargo test` builds next to this test, in
//! `target/<profile>/examples/` (it builds every example of the workspace's crates), or
//! `cargo build -p avrokit-generated --examples`; the test does not build them itself, as
//! cargo holds the build lock. Without a running stack the tests pass after printing
//! that they were skipped; with `KAFKA_BOOTSTRAP_SERVERS` exported (the stack is supposed
//! to be up) a dead broker fails them.

use avrokit_tests::stack_env::{self, say};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The stack's variables the examples read.
const VARIABLES: [&str; 3] = ["KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "DATABASE_URL"];

/// Longest an example may take before it is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(50);

/// The stack's variables, or `None` (having said why) when it is not up.
fn stack_vars(example: &str) -> Option<Vec<(&'static str, String)>> {
    let mut vars = Vec::new();
    let mut exported = false;
    for name in VARIABLES {
        match stack_env::var(name) {
            Ok((value, was_exported)) => {
                exported |= was_exported && name == VARIABLES[0];
                vars.push((name, value));
            }
            Err(why) => {
                say(&format!(
                    "SKIPPED stack_pipeline_examples {example}: {why}; run it with `cargo xtask test`"
                ));
                return None;
            }
        }
    }
    let bootstrap = &vars[0].1;
    if std::net::TcpStream::connect(bootstrap).is_err() {
        assert!(
            !exported,
            "KAFKA_BOOTSTRAP_SERVERS={bootstrap} is exported but does not listen"
        );
        say(&format!(
            "SKIPPED stack_pipeline_examples {example}: nothing listens at {bootstrap} (stale stack.env?)"
        ));
        return None;
    }
    Some(vars)
}

/// The example's binary, next to this test's (`target/<profile>/examples/NAME`).
fn binary(example: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps/");
    let path = profile.join("examples").join(example);
    assert!(
        path.exists(),
        "{} is missing: build the examples with `cargo build -p avrokit-generated --examples` \
         (`cargo test --workspace` builds them too)",
        path.display()
    );
    path
}

/// Runs `example` with `args` against the stack and returns its standard output, after
/// checking that it succeeded; `None` when the stack is not up.
fn run(example: &str, args: &[&str]) -> Option<String> {
    let vars = stack_vars(example)?;
    let scratch = std::env::temp_dir().join(format!("avrokit-pipeline-example-{example}-{}", std::process::id()));
    let (out, err) = (scratch.with_extension("out"), scratch.with_extension("err"));
    let mut child = Command::new(binary(example))
        .args(args)
        .envs(vars)
        .stdin(Stdio::null())
        // Files rather than pipes: nothing has to drain them while the example runs.
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {example}: {e}"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (stdout, stderr) = (
        std::fs::read_to_string(&out).unwrap_or_default(),
        std::fs::read_to_string(&err).unwrap_or_default(),
    );
    let _ = (std::fs::remove_file(out), std::fs::remove_file(err));
    let shown = format!("{example} {}\n--- stdout\n{stdout}--- stderr\n{stderr}", args.join(" "));
    match status {
        None => panic!("{shown}\nstill running after {TIMEOUT:?}: killed"),
        Some(status) => assert!(status.success(), "{shown}\nexited with {status}"),
    }
    say(&format!("{example}: done in {:.1} s", started.elapsed().as_secs_f64()));
    Some(stdout)
}

/// The numbers in the first line of `output` starting with `prefix`, in order.
fn numbers(output: &str, prefix: &str) -> Vec<i64> {
    let line = output
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{output}"));
    line.split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

#[test]
fn astro_beam_acknowledges_every_command() {
    let Some(out) = run("astro_beam", &["--count", "4", "--duration", "40"]) else {
        return;
    };
    assert!(out.contains("all 4 commands acknowledged; round trip"), "{out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("ack cmd-")).count(), 4, "{out}");
    assert!(out.contains("slew_to_target: COMPLETED by telescope-robotics"), "{out}");
    assert!(out.contains("start_observation: ACCEPTED"), "{out}");
}

#[test]
fn telescope_sink_writes_every_chunk() {
    let Some(out) = run("telescope_sink", &["--count", "20", "--duration", "40"]) else {
        return;
    };
    assert!(out.contains("produced 20 chunks of obs-"), "{out}");
    assert!(out.contains("avrokit sink: "), "{out}");
    assert!(out.contains("telescope_data_raw: 20 of 20 rows of obs-"), "{out}");
}

#[test]
fn iot_validator_splits_clean_and_dead_letters() {
    let Some(out) = run("iot_validator", &["--generate", "10", "--duration", "40"]) else {
        return;
    };
    assert!(
        out.contains("generated 10 raw events to telemetry.raw: 8 valid, 2 invalid"),
        "{out}"
    );
    assert!(out.contains("humidity 140 out of range"), "{out}");
    assert!(out.contains(": no metrics"), "{out}");
    // At least this run's events; a run killed earlier may have left some to validate.
    let [clean, dead, _batches] = numbers(&out, "validator: ")[..] else {
        panic!("{out}")
    };
    assert!(clean >= 8 && dead >= 2, "{out}");
}

#[test]
fn smart_access_sinks_every_event_and_report() {
    let args = ["--households", "2", "--speed", "10", "--duration", "3"];
    let Some(out) = run("smart_access", &args) else {
        return;
    };
    for table in ["raw_access_events", "raw_device_health"] {
        let [rows, produced] = numbers(&out, &format!("{table}: "))[..] else {
            panic!("{out}")
        };
        assert!(rows == produced && rows > 0, "{table}: {out}");
    }
}

#[test]
fn element_lag_reaches_zero() {
    let Some(out) = run(
        "element_lag",
        &["--count", "100", "--delay-ms", "5", "--duration", "40"],
    ) else {
        return;
    };
    assert!(out.contains("produced 100 packets to element.raw_data"), "{out}");
    assert!(out.contains("element.raw_data p0: latest"), "{out}");
    assert!(out.contains(", lag 0\n"), "{out}");
    assert!(out.contains("caught up after"), "{out}");
}
