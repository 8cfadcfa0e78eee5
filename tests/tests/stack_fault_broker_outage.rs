//! The Kafka broker stopped for 30 seconds while a producer writes and a consumer group
//! reads: the producer's queue fills and `enqueue` waits for room (backpressure, no
//! record refused or lost), the idempotent producer's retries duplicate nothing, and the
//! consumer rides the outage out and goes on from its committed offsets. Counted on the
//! topic afterwards (every key once) and in the consumer (every key handled; a repeat
//! only where a commit was lost with the broker), and the group's committed offsets end
//! at the topic's end.
//!
//! This stops the stack's broker (`avrokit_cli::stack::Outage`, which starts it again
//! even when an assertion fails first); it is a test binary of its own, so no other test
//! of this crate runs meanwhile. Without a running stack it prints `SKIPPED ...` and
//! passes.

#[path = "stack_fault/access_sink.rs"]
mod access_sink;

use access_sink::event;
use avrokit::Topic;
use avrokit::kafka::rdkafka::consumer::{Consumer as _, StreamConsumer};
use avrokit::kafka::rdkafka::message::Message;
use avrokit::kafka::{Consumer, ConsumerSettings, KafkaSettings, Monitor, Producer, ProducerSettings, Record};
use avrokit_cli::stack::Outage;
use avrokit_generated::smart::access::AccessEvent;
use avrokit_tests::kafka_scratch::KafkaStack;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TEST: &str = "stack_fault_broker_outage";
const RECORDS: u32 = 2000;
/// How long the broker stays away.
const OUTAGE: Duration = Duration::from_secs(30);
/// librdkafka's queue, small so that the outage fills it.
const QUEUE: u32 = 300;
const PARTITIONS: i32 = 3;
const MAX_BATCH: usize = 50;

#[tokio::test]
async fn a_30_second_broker_outage_loses_and_duplicates_nothing() {
    let Some(stack) = KafkaStack::find(TEST) else {
        return;
    };
    let run = avrokit_tests::stack_registry::scratch_name("it-fault-broker");
    let topic = stack.scratch_topic::<AccessEvent>(&run, PARTITIONS).await;
    let settings = ProducerSettings::new(&stack.bootstrap)
        .set("queue.buffering.max.messages", QUEUE.to_string())
        // Longer than the outage and the broker's start: waiting, not failing, is the point.
        .with_queue_timeout(Duration::from_secs(120))
        .with_delivery_timeout(Duration::from_secs(180));
    let producer = Arc::new(Producer::new(&settings, stack.registry_client()).expect("a producer"));

    // The consumer group, handling records as they come and noting each key it handled.
    let group = format!("{run}-reader");
    let handled: Arc<Mutex<Vec<String>>> = Arc::default();
    let consumer = Consumer::<AccessEvent>::new(
        ConsumerSettings::new(&stack.bootstrap, &group, [topic.name])
            .with_max_batch(MAX_BATCH)
            // Back from the outage, the consumer joins the group again under a new member
            // id, and the group waits for the old one's session to end: 10 s rather than
            // librdkafka's 45 keeps the test short. (Static membership would not wait, but
            // a rejoin across a broker restart can fence the instance, a fatal error.)
            .set("session.timeout.ms", "10000"),
        stack.registry_client(),
        None,
    )
    .expect("the consumer subscribes");
    let shutdown = consumer.shutdown();
    let noted = handled.clone();
    let consuming = consumer.run(async |batch: &[Record<AccessEvent>]| {
        let mut noted = noted.lock().unwrap();
        noted.extend(batch.iter().map(|r| r.value.event_id.to_string()));
        Ok(())
    });
    // The consumer runs beside the rest of the test (its future is not `Send`, so not
    // in a task of its own).
    let (consumed, outcome) = tokio::join!(consuming, async {
        let outcome = outage_while_producing(&topic, &producer, &handled).await;
        shutdown.trigger();
        outcome
    });
    let Some(distinct) = outcome else {
        return;
    };
    let summary = consumed.expect("the consumer rode the outage out and stopped cleanly");
    let handled = handled.lock().unwrap().len();
    let repeated = handled - distinct;
    println!("consumer: {handled} records handled, {distinct} distinct keys, {repeated} handled twice; {summary:?}");
    assert_eq!(distinct, RECORDS as usize, "every record handled");
    // At-least-once: only a batch whose commit the outage swallowed is read again.
    assert!(
        repeated <= MAX_BATCH * PARTITIONS as usize,
        "{repeated} records handled twice"
    );
    let monitor = Monitor::new(KafkaSettings::new(&stack.bootstrap), Duration::from_secs(10));
    let lag = tokio::task::spawn_blocking(move || monitor.lag(&group, &[topic.name]))
        .await
        .unwrap()
        .expect("the group's offsets");
    let lag: i64 = lag.iter().map(|t| t.total()).sum();
    assert_eq!(lag, 0, "the group's committed offsets are at the topic's end");
    every_key_once_on_the_topic(&stack.bootstrap, &run, topic.name).await;
}

/// Produces while the broker is stopped for [`OUTAGE`] and started again, checks the
/// producer's side, and waits for the consumer to have handled every key; the number of
/// distinct keys it handled, or `None` when the broker is not one this test can stop.
async fn outage_while_producing(
    topic: &Topic<str, AccessEvent>,
    producer: &Arc<Producer>,
    handled: &Mutex<Vec<String>>,
) -> Option<usize> {
    let topic = *topic;
    // 200 records a second, each enqueued (waiting for room when the queue is full) and
    // its acknowledgment awaited at the end; the longest wait for room is noted.
    let sender = producer.clone();
    let producing = tokio::spawn(async move {
        let mut pending = Vec::with_capacity(RECORDS as usize);
        let mut longest = Duration::ZERO;
        for i in 0..RECORDS {
            let value = event(i);
            let asked = Instant::now();
            let delivery = sender
                .enqueue(&topic, &value.event_id.to_string(), &value)
                .await
                .unwrap_or_else(|e| panic!("record {i} refused: {e}"));
            longest = longest.max(asked.elapsed());
            pending.push(delivery);
            if i % 20 == 19 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let mut failures = Vec::new();
        for delivery in pending {
            if let Err(e) = delivery.await {
                failures.push(e.to_string());
            }
        }
        (longest, failures)
    });

    // The consumer is reading before the broker goes.
    let started = Instant::now();
    while handled.lock().unwrap().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "the consumer read nothing");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stopping = Instant::now();
    let mut outage = tokio::task::spawn_blocking(|| Outage::stop("kafka"))
        .await
        .unwrap()
        .expect("stopping the broker");
    if !outage.was_stopped() {
        eprintln!("SKIPPED {TEST}: the broker is not the native stack's process (nothing to stop)");
        return None;
    }
    let (handled_before, sent_before) = (handled.lock().unwrap().len(), producer.in_flight());
    println!("broker stopped in {:.1} s", stopping.elapsed().as_secs_f64());
    tokio::time::sleep(OUTAGE).await;
    // Records the producer holds with no broker to take them, its queue full.
    let waiting = producer.in_flight();
    let outage = tokio::task::spawn_blocking(move || outage.end().map(|()| outage))
        .await
        .unwrap()
        .expect("starting the broker again");
    drop(outage);
    let back = Instant::now();
    println!(
        "broker away {} s: {handled_before} records handled and {sent_before} in flight when it stopped, \
         {waiting} waiting in the producer's queue at the end of the outage",
        OUTAGE.as_secs()
    );
    assert!(
        waiting >= QUEUE as i32 - 1,
        "the outage must fill the producer's queue ({waiting} of {QUEUE})"
    );

    let (longest, failures) = producing.await.expect("the producer finished");
    println!("longest wait of enqueue for room: {:.1} s", longest.as_secs_f64());
    assert!(failures.is_empty(), "undelivered: {failures:?}");
    assert!(
        longest > OUTAGE / 2,
        "enqueue waited for room through the outage (longest {longest:?})"
    );

    println!(
        "producer done {:.1} s after the broker was back",
        back.elapsed().as_secs_f64()
    );
    // The consumer catches up.
    let started = Instant::now();
    loop {
        let distinct = handled.lock().unwrap().iter().collect::<BTreeSet<_>>().len();
        if distinct >= RECORDS as usize || started.elapsed() > Duration::from_secs(90) {
            println!(
                "consumer caught up {:.1} s after the broker was back",
                back.elapsed().as_secs_f64()
            );
            return Some(distinct);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Reads `topic` from the start: exactly [`RECORDS`] records, each key once.
async fn every_key_once_on_the_topic(bootstrap: &str, run: &str, topic: &str) {
    let reader: StreamConsumer = avrokit::kafka::rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", format!("{run}-counter"))
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    reader.subscribe(&[topic]).unwrap();
    let mut by_key: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
    let mut total = 0;
    while total < RECORDS {
        let message = tokio::time::timeout(Duration::from_secs(60), reader.recv())
            .await
            .unwrap_or_else(|_| panic!("only {total} of {RECORDS} records on the topic"))
            .unwrap();
        *by_key.entry(message.key().unwrap_or_default().to_vec()).or_default() += 1;
        total += 1;
    }
    if let Ok(Ok(extra)) = tokio::time::timeout(Duration::from_secs(3), reader.recv()).await {
        panic!("more records than sent: one more at offset {}", extra.offset());
    }
    println!("topic: {total} records, {} distinct keys", by_key.len());
    assert_eq!(by_key.len() as u32, RECORDS, "every key once on the topic");
}
