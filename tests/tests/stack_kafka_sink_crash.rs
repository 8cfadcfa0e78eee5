//! Crash safety of the PostgreSQL sink: while a producer writes access events, the sink
//! worker (`tests/bin/sink_worker.rs`, a separate process) is killed with SIGKILL at
//! random points five times and restarted each time; in the end PostgreSQL holds every
//! event exactly once. Offsets are committed only after the database transaction, so a
//! kill loses nothing, and the batch read again is an idempotent upsert.
//!
//! Without a running stack the test passes after printing that it was skipped.

use avrokit::chrono::DateTime;
use avrokit::kafka::{Producer, ProducerSettings};
use avrokit::uuid::Uuid;
use avrokit_generated::smart::access::{AccessEvent, AccessEventType};
use avrokit_tests::kafka_scratch::KafkaStack;
use avrokit_tests::pg_scratch::Scratch;
use avrokit_tests::stack_env;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EVENTS: u32 = 3000;

fn event(i: u32) -> AccessEvent {
    AccessEvent {
        event_id: Uuid::from_u128(0x5ea1_0000_0000_0000_0000_0000_0000_0000 + u128::from(i)),
        device_id: format!("lock-{}", i % 17),
        event_ts: DateTime::from_timestamp_millis(1_760_000_000_000 + i64::from(i)).unwrap(),
        event_type: [AccessEventType::Open, AccessEventType::Close, AccessEventType::Fail][(i % 3) as usize],
        trigger_source: "keypad".into(),
    }
}

fn spawn_worker(topic: &str, group: &str, database: &str, bootstrap: &str, registry: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_sink-worker"))
        .args([topic, group, database])
        .env("KAFKA_BOOTSTRAP_SERVERS", bootstrap)
        .env("SCHEMA_REGISTRY_URL", registry)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting the sink worker")
}

/// A pseudo-random delay from 300 to 1500 ms (xorshift, seeded per run and printed).
fn next_delay(state: &mut u64) -> Duration {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    Duration::from_millis(300 + *state % 1200)
}

#[tokio::test]
async fn killing_the_sink_five_times_loses_and_duplicates_nothing() {
    let Some(scratch) = Scratch::open("stack_kafka_sink_crash").await else {
        return;
    };
    let Some(stack) = KafkaStack::find("stack_kafka_sink_crash") else {
        return;
    };
    let (bootstrap, registry_url) = (stack.bootstrap.clone(), stack.registry.clone());
    let db = scratch.connect().await.unwrap();
    db.batch_execute(
        &std::fs::read_to_string(stack_env::repo_root().join("generated/sql/raw_access_events.sql")).unwrap(),
    )
    .await
    .unwrap();

    let run = avrokit_tests::stack_registry::scratch_name("it-sink-crash");
    let topic = stack.scratch_topic::<AccessEvent>(&run, 2).await;
    let producer = Producer::new(&ProducerSettings::new(&bootstrap), stack.registry_client()).unwrap();
    let producing = tokio::spawn(async move {
        for i in 0..EVENTS {
            let value = event(i);
            producer
                .send(&topic, &value.device_id.clone(), &value)
                .await
                .expect("delivered");
            if i % 100 == 99 {
                tokio::time::sleep(Duration::from_millis(60)).await;
            }
        }
    });

    let database = scratch.url();
    let group = format!("{run}-sink");
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("kill delays seeded with {seed}");
    let mut worker = spawn_worker(&run, &group, &database, &bootstrap, &registry_url);
    for kill in 1..=5 {
        tokio::time::sleep(next_delay(&mut seed)).await;
        worker.kill().expect("SIGKILL");
        worker.wait().unwrap();
        let rows: i64 = db
            .query_one("SELECT count(*) FROM raw_access_events", &[])
            .await
            .unwrap()
            .get(0);
        println!("kill {kill}: {rows} rows so far");
        worker = spawn_worker(&run, &group, &database, &bootstrap, &registry_url);
    }
    producing.await.expect("the producer finished");

    let started = Instant::now();
    let (rows, distinct) = loop {
        let row = db
            .query_one("SELECT count(*), count(DISTINCT event_id) FROM raw_access_events", &[])
            .await
            .unwrap();
        let (rows, distinct): (i64, i64) = (row.get(0), row.get(1));
        if rows == i64::from(EVENTS) || started.elapsed() > Duration::from_secs(90) {
            break (rows, distinct);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    worker.kill().ok();
    worker.wait().ok();
    assert_eq!(
        (rows, distinct),
        (i64::from(EVENTS), i64::from(EVENTS)),
        "every event exactly once"
    );
    // And each row holds its own event, not a neighbour's.
    let sample = event(1234);
    let row = db
        .query_one(
            "SELECT device_id, event_type FROM raw_access_events WHERE event_id::text = $1",
            &[&sample.event_id.to_string()],
        )
        .await
        .unwrap();
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, String>(1)),
        (sample.device_id, "close".to_owned())
    );
}
