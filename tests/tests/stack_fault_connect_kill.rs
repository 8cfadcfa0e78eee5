//! The Kafka Connect worker killed (`kill -9`) while the Debezium JDBC sink runs a
//! connector deployed with `cargo xtask connect deploy`: records produced while the
//! worker is down arrive once it is started again, and records it had written but not
//! yet committed the offsets of are written again as upserts, so the table ends with
//! every record exactly once.
//!
//! The connector is the generated `telescope_data_raw-sink` file with its own name, a
//! scratch topic and a table in a scratch schema (the worker writes to the stack's
//! database, so it sees the schema); it is deleted at the end, also when the test fails.
//! The worker is killed through `avrokit_cli::stack::Outage`, which starts it again even
//! when an assertion fails first. Without a running stack it prints `SKIPPED ...` and
//! passes.

#[path = "stack_connect_sink/support.rs"]
#[allow(dead_code)] // The Connect tests' steps; this test uses some.
mod support;

use avrokit::Topic;
use avrokit::chrono::DateTime;
use avrokit_cli::stack::Outage;
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_tests::kafka_scratch::KafkaStack;
use avrokit_tests::pg_scratch::Scratch;
use avrokit_tests::stack_env::{self, repo_root};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};
use support::{Stack, xtask_connect};

const TEST: &str = "stack_fault_connect_kill";
/// Records produced, 100 a second: before, during and after the worker's absence.
const RECORDS: i32 = 1200;

fn record(sequence: i32) -> TelescopeData {
    TelescopeData {
        data_id: format!("fault-{sequence:05}"),
        observation_id: "obs-fault".into(),
        sequence_number: sequence,
        timestamp: DateTime::from_timestamp_millis(1_714_564_800_000 + i64::from(sequence)).expect("in range"),
        data: vec![0x5a; 64],
        processed: sequence % 2 == 0,
        processing_pipeline_version: None,
    }
}

/// A deployed connector, deleted on drop.
struct Deployed<'a> {
    stack: &'a Stack,
    name: String,
}

impl Drop for Deployed<'_> {
    fn drop(&mut self) {
        // Not `xtask_connect`: a panic while unwinding would abort the test binary.
        let _ = Command::new(stack_env::xtask_binary())
            .args(["connect", "delete", &self.name, "--url", &self.stack.connect])
            .output();
    }
}

/// The generated connector file with the run's name, topic, table and dead-letter topic,
/// written as `<dir>/dev/<name>.json` for `connect deploy --dir <dir>`.
fn connector_file(dir: &std::path::Path, name: &str, topic: &str, table: &str) {
    let generated = repo_root().join("generated/connect/dev/telescope_data_raw-sink.json");
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(generated).expect("the generated connector")).unwrap();
    file["name"] = name.into();
    let config = &mut file["config"];
    config["topics"] = topic.into();
    config["collection.name.format"] = table.into();
    config["errors.deadletterqueue.topic.name"] = format!("{topic}.dlq").into();
    // The killed task's consumer stays in its group until its session times out, and the
    // restarted task's waits for that: 10 s (the broker's minimum is 6) rather than the
    // default 45 s keeps the test short without changing what it shows.
    config["consumer.override.session.timeout.ms"] = "10000".into();
    std::fs::create_dir_all(dir.join("dev")).unwrap();
    std::fs::write(dir.join(format!("dev/{name}.json")), file.to_string()).unwrap();
}

#[tokio::test]
async fn records_sent_while_the_connect_worker_is_killed_arrive_once_after_its_restart() {
    let Some(connect_stack) = support::stack(TEST) else {
        return;
    };
    let Some(scratch) = Scratch::open(TEST).await else {
        return;
    };
    let Some(stack) = KafkaStack::find(TEST) else {
        return;
    };
    let db = scratch.connect().await.expect("the scratch schema answers");
    let ddl = repo_root().join("generated/sql/telescope_data_raw.sql");
    db.batch_execute(&std::fs::read_to_string(ddl).unwrap()).await.unwrap();
    let run = avrokit_tests::stack_registry::scratch_name("it-fault-connect");
    let topic: Topic<str, TelescopeData> = stack.scratch_topic(&run, 2).await;
    let name = format!("{run}-sink");
    let dir = std::env::temp_dir().join(&run);
    connector_file(&dir, &name, &run, &format!("{}.telescope_data_raw", scratch.schema));
    let deployed = xtask_connect(
        &connect_stack,
        &[
            "deploy",
            "--dir",
            dir.to_str().unwrap(),
            "--env",
            "dev",
            "--timeout",
            "90",
            &name,
        ],
    );
    let _deployed = Deployed {
        stack: &connect_stack,
        name: name.clone(),
    };
    assert!(deployed.contains(&format!("{name}: connector RUNNING")), "{deployed}");

    let producer = stack.producer();
    let sent = Arc::new(AtomicI32::new(0));
    let counted = sent.clone();
    let producing = tokio::spawn(async move {
        for sequence in 0..RECORDS {
            let value = record(sequence);
            producer
                .send(&topic, &value.data_id.clone(), &value)
                .await
                .expect("delivered");
            counted.store(sequence + 1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    let rows = async || -> (i64, i64) {
        let db = scratch.connect().await.expect("the scratch schema answers");
        let row = db
            .query_one("SELECT count(*), count(DISTINCT data_id) FROM telescope_data_raw", &[])
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    // Killed as soon as the connector is writing, with records still coming.
    let started = Instant::now();
    while rows().await.0 == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the connector wrote nothing"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut outage = tokio::task::spawn_blocking(|| Outage::kill("connect"))
        .await
        .unwrap()
        .expect("killing the Connect worker");
    if !outage.was_stopped() {
        eprintln!("SKIPPED {TEST}: the Connect worker is not the native stack's process (nothing to kill)");
        return;
    }
    let (sent_at_kill, rows_at_kill) = (sent.load(Ordering::SeqCst), rows().await.0);
    // Down for a second of production before the worker is started again.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let restarting = Instant::now();
    let outage = tokio::task::spawn_blocking(move || outage.end().map(|()| outage))
        .await
        .unwrap()
        .expect("starting the Connect worker again");
    drop(outage);
    let (healthy, sent_at_restart) = (restarting.elapsed(), sent.load(Ordering::SeqCst));
    assert!(
        sent_at_restart > sent_at_kill && sent_at_kill < RECORDS,
        "records were produced while the worker was down"
    );
    producing.await.expect("every record delivered");

    let expected = i64::from(RECORDS);
    let (total, distinct) = loop {
        let (total, distinct) = rows().await;
        if total >= expected || restarting.elapsed() > Duration::from_secs(180) {
            break (total, distinct);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    println!(
        "killed with {sent_at_kill} records sent and {rows_at_kill} rows; {} records sent while it was down; \
         worker healthy again after {:.1} s, every row {:.1} s after the restart began: {total} rows, \
         {distinct} distinct keys of {expected} records",
        sent_at_restart - sent_at_kill,
        healthy.as_secs_f64(),
        restarting.elapsed().as_secs_f64()
    );
    if total < expected {
        let status = xtask_connect(&connect_stack, &["status", &name]);
        panic!("only {total} of {expected} rows arrived after the restart\n{status}");
    }
    assert_eq!((total, distinct), (expected, expected), "every record exactly once");
    let _ = std::fs::remove_dir_all(&dir);
}
