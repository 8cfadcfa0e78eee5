//! The Kafka broker restarted while the idempotent producer is sending: every record is
//! delivered once — none lost, none duplicated by the producer's retries — counted by key
//! on the topic afterwards.
//!
//! This stops the stack's broker (`avrokit_cli::stack::Outage`, which starts it again
//! even when an assertion fails first), so it lives in a test binary of its own: cargo
//! runs test binaries one after another, and no other test sees the broker away. Without
//! a running stack the test passes after printing that it was skipped.

use avrokit::chrono::DateTime;
use avrokit::kafka::rdkafka::consumer::{Consumer as _, StreamConsumer};
use avrokit::kafka::rdkafka::message::Message;
use avrokit::kafka::{Producer, ProducerSettings};
use avrokit_cli::stack::Outage;
use avrokit_generated::smart::access::DeviceHealth;
use avrokit_tests::kafka_scratch::KafkaStack;
use std::collections::BTreeMap;
use std::time::Duration;

const RECORDS: u32 = 2000;

fn health(i: u32) -> DeviceHealth {
    DeviceHealth {
        device_id: format!("device-{i:05}"),
        reported_at: DateTime::from_timestamp_millis(1_760_000_000_000 + i64::from(i)).unwrap(),
        battery_pct: (i % 101) as i32,
        signal_strength_dbm: -40 - (i % 50) as i32,
        is_online: !i.is_multiple_of(7),
    }
}

#[tokio::test]
async fn an_idempotent_producer_delivers_everything_once_across_a_broker_restart() {
    let Some(stack) = KafkaStack::find("stack_kafka_broker_restart") else {
        return;
    };
    let bootstrap = stack.bootstrap.clone();
    let run = avrokit_tests::stack_registry::scratch_name("it-broker-restart");
    let topic = stack.scratch_topic::<DeviceHealth>(&run, 3).await;
    let producer =
        std::sync::Arc::new(Producer::new(&ProducerSettings::new(&bootstrap), stack.registry_client()).unwrap());
    // Warm: the schema is registered before the broker goes.
    producer.send(&topic, "warm-up", &health(0)).await.unwrap();
    // Four senders, each with its share of the keys, many records in flight at once,
    // spread over about five seconds so that the restart falls in the middle.
    let senders: Vec<_> = (0..4)
        .map(|lane| {
            let producer = producer.clone();
            tokio::spawn(async move {
                let mut pending = Vec::new();
                for (n, i) in (1..=RECORDS).filter(|i| i % 4 == lane).enumerate() {
                    let producer = producer.clone();
                    pending.push(tokio::spawn(async move {
                        let value = health(i);
                        producer.send(&topic, &value.device_id.clone(), &value).await
                    }));
                    if n % 10 == 9 {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                let mut failures = Vec::new();
                for task in pending {
                    if let Err(error) = task.await.unwrap() {
                        failures.push(error.to_string());
                    }
                }
                failures
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(1)).await;
    let watched = producer.clone();
    let waiting = tokio::task::spawn_blocking(move || {
        let mut outage = Outage::stop("kafka").expect("stopping the broker");
        assert!(outage.was_stopped(), "the broker is not the native stack's process");
        std::thread::sleep(Duration::from_secs(2));
        // Records queued with no broker to take them: what the restart puts at risk.
        let waiting = watched.in_flight();
        outage.end().expect("starting the broker again");
        waiting
    })
    .await
    .unwrap();
    println!("records waiting while the broker was down: {waiting}");
    assert!(waiting > 0, "the restart must fall while records are being sent");
    for sender in senders {
        let failures = sender.await.unwrap();
        assert!(failures.is_empty(), "undelivered: {failures:?}");
    }

    let consumer: StreamConsumer = avrokit::kafka::rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("group.id", format!("{run}-counter"))
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    consumer.subscribe(&[topic.name]).unwrap();
    let mut by_key: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
    let mut total = 0;
    while total < RECORDS + 1 {
        let message = tokio::time::timeout(Duration::from_secs(60), consumer.recv())
            .await
            .unwrap_or_else(|_| panic!("only {total} of {} records on the topic", RECORDS + 1))
            .unwrap();
        *by_key.entry(message.key().unwrap_or_default().to_vec()).or_default() += 1;
        total += 1;
    }
    // Anything beyond the expected count would be a duplicate: give it a moment to show.
    if let Ok(Ok(extra)) = tokio::time::timeout(Duration::from_secs(3), consumer.recv()).await {
        panic!("more records than sent: one more at offset {}", extra.offset());
    }
    assert_eq!(by_key.len() as u32, RECORDS + 1, "every key once");
    assert!(
        by_key.values().all(|count| *count == 1),
        "a key twice: {:?}",
        by_key.iter().find(|(_, c)| **c > 1)
    );
}
