//! A poison record in the middle of a sink batch: only it goes to the dead-letter topic,
//! with Connect's `__connect.errors.*` headers saying where it came from and why, and
//! every other record of its batch (and of the run) lands in the table.
//!
//! Two poisons, a test each, both at offset 125 of 250 records on one partition, so the
//! sink (batches of 50, the records all there before it starts) finds it mid-batch:
//! - a valid frame whose value the table refuses (a CHECK constraint the scratch table
//!   adds): the batch fails in PostgreSQL, is retried, then written record by record,
//!   and the one record that still fails is a `TASK_PUT` dead letter;
//! - a frame naming a schema id the registry does not have: it cannot be decoded, so it
//!   is a `VALUE_CONVERTER` dead letter and never reaches the batch.
//!
//! Without a running stack both print `SKIPPED ...` and pass.

#[path = "stack_fault/access_sink.rs"]
mod access_sink;

use access_sink::{Bench, event};
use avrokit::kafka::dead_letter::header;
use avrokit::kafka::rdkafka::consumer::{Consumer as _, StreamConsumer};
use avrokit::kafka::rdkafka::message::{Headers, Message};
use avrokit::kafka::{DeadLetters, Delivery};
use avrokit::wire;
use avrokit_generated::smart::access::AccessEvent;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const RECORDS: u32 = 250;
const POISON: u32 = 125;
const MAX_BATCH: usize = 50;

/// A dead letter as read back: its key, its value's bytes and its headers.
struct DeadLetter {
    key: Vec<u8>,
    value: Vec<u8>,
    headers: BTreeMap<String, String>,
}

/// Produces the run's records (`poison` in place of record [`POISON`]), sinks them with a
/// dead-letter topic, and returns the dead letters, the poison's delivery, the table's
/// (rows, distinct event ids) and whether the poison's event id is in the table.
async fn sink_with_a_poison(
    test: &str,
    poison: impl AsyncFnOnce(&Bench) -> (Vec<u8>, Delivery),
    prepare: &str,
) -> Option<(Vec<DeadLetter>, Vec<u8>, Delivery, (i64, i64), bool)> {
    let bench = Bench::open(test, 1).await?;
    if !prepare.is_empty() {
        let db = bench.scratch.connect().await.expect("the scratch schema answers");
        db.batch_execute(prepare)
            .await
            .expect("the scratch table takes the constraint");
    }
    let producer = bench.producer();
    let send = async |range: std::ops::Range<u32>| {
        for i in range {
            let value = event(i);
            producer
                .send(&bench.topic, &value.event_id.to_string(), &value)
                .await
                .expect("delivered");
        }
    };
    send(0..POISON).await;
    let (poison_key, delivery) = poison(&bench).await;
    send(POISON + 1..RECORDS).await;
    assert_eq!(delivery.offset, i64::from(POISON), "the poison sits mid-batch");

    let dlq = format!("{}.dlq", bench.topic.name);
    bench.stack.scratch_topic::<AccessEvent>(&dlq, 1).await;
    let (shutdown, sinking) = bench
        .start_sink(MAX_BATCH, Some(DeadLetters::new(bench.producer(), &dlq)))
        .await;
    let started = Instant::now();
    let rows = loop {
        let rows = bench.rows().await;
        if rows.0 >= i64::from(RECORDS - 1) || started.elapsed() > Duration::from_secs(60) {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    shutdown.trigger();
    let summary = sinking.finish().await.expect("the sink stops cleanly");
    println!("{test}: {rows:?} (rows, distinct) in the table; sink {summary:?}");
    assert_eq!(summary.dead_lettered, 1, "one dead letter: {summary:?}");
    assert_eq!(summary.handled, u64::from(RECORDS - 1));

    let db = bench.scratch.connect().await.expect("the scratch schema answers");
    let poison_id = event(POISON).event_id;
    let poison_in_table: i64 = db
        .query_one(
            "SELECT count(*) FROM raw_access_events WHERE event_id::text = $1",
            &[&poison_id.to_string()],
        )
        .await
        .unwrap()
        .get(0);
    Some((
        read_all(&bench.stack.bootstrap, &dlq).await,
        poison_key,
        delivery,
        rows,
        poison_in_table > 0,
    ))
}

/// Every record of `topic`: read until none comes for three seconds.
async fn read_all(bootstrap: &str, topic: &str) -> Vec<DeadLetter> {
    let reader: StreamConsumer = avrokit::kafka::rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", format!("{topic}-reader"))
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    reader.subscribe(&[topic]).unwrap();
    let mut read = Vec::new();
    let mut wait = Duration::from_secs(30);
    while let Ok(message) = tokio::time::timeout(wait, reader.recv()).await {
        let message = message.unwrap();
        let headers = message.headers().map_or_else(BTreeMap::new, |headers| {
            headers
                .iter()
                .map(|h| {
                    let value = String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned();
                    (h.key.to_owned(), value)
                })
                .collect()
        });
        read.push(DeadLetter {
            key: message.key().unwrap_or_default().to_vec(),
            value: message.payload().unwrap_or_default().to_vec(),
            headers,
        });
        wait = Duration::from_secs(3);
    }
    read
}

/// Checks that `letters` is exactly the poison, with headers naming `stage` and a
/// message containing `why`.
fn exactly_the_poison(letters: &[DeadLetter], topic_prefix: &str, key: &[u8], stage: &str, why: &str) {
    assert_eq!(letters.len(), 1, "exactly one dead letter");
    let letter = &letters[0];
    assert_eq!(letter.key, key, "the poison's key");
    let h = &letter.headers;
    println!("dead letter headers: {h:#?}");
    assert!(h[header::TOPIC].starts_with(topic_prefix), "{h:?}");
    assert_eq!(h[header::PARTITION], "0");
    assert_eq!(h[header::OFFSET], POISON.to_string());
    assert_eq!(h[header::STAGE], stage);
    assert!(h[header::CONNECTOR].ends_with("-sink"), "{h:?}");
    assert!(h[header::EXCEPTION_MESSAGE].contains(why), "{h:?}");
    assert!(!h[header::EXCEPTION_CLASS].is_empty());
    assert!(h[header::EXCEPTION_STACKTRACE].contains(why), "{h:?}");
}

#[tokio::test]
async fn a_value_the_table_refuses_mid_batch_is_the_only_dead_letter() {
    let test = "stack_fault_poison_record";
    let Some((letters, key, _, rows, in_table)) = sink_with_a_poison(
        test,
        async |bench: &Bench| {
            let mut value = event(POISON);
            // Valid Avro, and a value the sink can convert: only the table refuses it.
            value.trigger_source = "tamper".into();
            let key = value.event_id.to_string();
            let delivery = bench
                .producer()
                .send(&bench.topic, &key, &value)
                .await
                .expect("delivered");
            (key.into_bytes(), delivery)
        },
        "ALTER TABLE raw_access_events ADD CONSTRAINT no_tamper CHECK (trigger_source <> 'tamper')",
    )
    .await
    else {
        return;
    };
    assert_eq!(
        rows,
        (i64::from(RECORDS - 1), i64::from(RECORDS - 1)),
        "every other record"
    );
    assert!(!in_table);
    exactly_the_poison(&letters, "stack-fault-poison-record", &key, "TASK_PUT", "no_tamper");
    let (_, body) = wire::unframe(&letters[0].value).expect("the dead letter is the record as read");
    let value = avrokit::AvroMessage::from_avro(body).map(|v: AccessEvent| v.trigger_source);
    assert_eq!(value.ok().as_deref(), Some("tamper"));
}

#[tokio::test]
async fn a_frame_with_an_unknown_schema_id_mid_batch_is_the_only_dead_letter() {
    let test = "stack_fault_poison_record_unknown_id";
    // An id no registry gave out, framing a body that would otherwise be fine.
    let frame = wire::frame(i32::MAX as u32, &avrokit::AvroMessage::to_avro(&event(POISON)).unwrap());
    let sent = frame.clone();
    let Some((letters, key, _, rows, in_table)) = sink_with_a_poison(
        test,
        async move |bench: &Bench| {
            let key = event(POISON).event_id.to_string();
            let delivery = bench
                .producer()
                .send_bytes(bench.topic.name, Some(key.as_bytes()), Some(&sent), None)
                .await
                .expect("delivered");
            (key.into_bytes(), delivery)
        },
        "",
    )
    .await
    else {
        return;
    };
    assert_eq!(
        rows,
        (i64::from(RECORDS - 1), i64::from(RECORDS - 1)),
        "every other record"
    );
    assert!(!in_table);
    exactly_the_poison(
        &letters,
        "stack-fault-poison-record-unknown-id",
        &key,
        "VALUE_CONVERTER",
        &(i32::MAX).to_string(),
    );
    assert_eq!(letters[0].value, frame, "the dead letter is the record as read");
}
