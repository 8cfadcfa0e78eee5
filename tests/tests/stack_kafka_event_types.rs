//! A topic of two event types on the stack's broker and registry, typed by the enum
//! `cargo xtask gen` writes for it (`corpus/event-types`): the `Producer` frames each value
//! with the id of its own type's subject, named by the catalog's strategy
//! (TopicRecordName: `<topic>-shop.OrderCreated`, `<topic>-shop.OrderCancelled`), and
//! the typed `Consumer` reads each record into the variant its writer schema's full name
//! picks, including a record written with an older `OrderCancelled` (resolved).
//!
//! Without a running stack the test passes after printing that it was skipped.

use avrokit::kafka::{Consumer, ConsumerSettings, Record};
use avrokit::registry_client::{BlockingRegistryClient, Deletion, Normalize, RegistryConfig};
use avrokit::topic::SubjectNameStrategy;
use avrokit::{Topic, wire};
use avrokit_tests::event_types::shop::{OrderCancelled, OrderCreated};
use avrokit_tests::event_types::topics::{SHOP_ORDER_EVENTS, ShopOrderEventsValue};
use avrokit_tests::kafka_scratch::KafkaStack;
use std::time::Duration;

fn created(i: i64) -> ShopOrderEventsValue {
    OrderCreated {
        order_id: format!("o-{i}"),
        customer: "ada".into(),
        total_cents: 100 * i,
    }
    .into()
}

fn cancelled(i: i64, reason: &str) -> ShopOrderEventsValue {
    OrderCancelled {
        order_id: format!("o-{i}"),
        reason: reason.into(),
    }
    .into()
}

#[tokio::test]
async fn both_event_types_cross_one_topic_each_under_its_own_subject() {
    let Some(stack) = KafkaStack::find("stack_kafka_event_types") else {
        return;
    };
    assert_eq!(
        SHOP_ORDER_EVENTS.value_strategy,
        Some(SubjectNameStrategy::TopicRecordName)
    );
    let run = avrokit_tests::stack_registry::scratch_name("it-events");
    let scratch: Topic<str, ShopOrderEventsValue> = stack.scratch_topic(&run, 1).await;
    // The generated descriptor's strategy, on this run's topic.
    let topic =
        Topic::<str, ShopOrderEventsValue>::new(run.as_str().to_owned().leak(), scratch.value_subject, None, &[], None)
            .with_subject_strategy(SubjectNameStrategy::TopicRecordName);

    let producer = stack.producer();
    let sent = [created(1), created(2), cancelled(1, "late"), created(3)];
    for (i, value) in sent.iter().enumerate() {
        producer.send(&topic, &format!("k-{i}"), value).await.unwrap();
    }
    // A cancellation written by an older producer, without `reason`.
    let registry = BlockingRegistryClient::new(RegistryConfig::new(&stack.registry)).unwrap();
    let old_subject = format!("{run}-shop.OrderCancelled");
    let old_id = registry
        .register(
            &old_subject,
            r#"{"type":"record","name":"OrderCancelled","namespace":"shop","fields":[{"name":"order_id","type":"string"}]}"#,
            Normalize::AsSent,
        )
        .expect("the older OrderCancelled registers (BACKWARD: the new one reads it)");
    let mut frame = Vec::new();
    wire::write_header(old_id, &mut frame);
    frame.extend_from_slice(b"\x06o-4");
    producer
        .send_bytes(&run, Some(b"k-4"), Some(&frame), None)
        .await
        .unwrap();

    let subjects = registry.subjects().unwrap();
    for subject in [format!("{run}-shop.OrderCreated"), old_subject.clone()] {
        assert!(
            subjects.contains(&subject),
            "{subject} not among the registry's subjects"
        );
    }
    assert!(!subjects.contains(&format!("{run}-value")), "no TopicName subject");

    let mut settings = ConsumerSettings::new(&stack.bootstrap, format!("{run}-group"), [run.as_str()]);
    settings.max_wait = Duration::from_millis(200);
    let consumer = Consumer::<ShopOrderEventsValue>::new(settings, stack.registry_client(), None).unwrap();
    let shutdown = consumer.shutdown();
    let mut read = Vec::new();
    consumer
        .run(async |batch: &[Record<ShopOrderEventsValue>]| {
            read.extend(batch.iter().map(|r| r.value.clone()));
            if read.len() >= 5 {
                shutdown.trigger();
            }
            Ok(())
        })
        .await
        .unwrap();
    let mut expected = sent.to_vec();
    expected.push(cancelled(4, "unspecified"));
    assert_eq!(read, expected);

    for subject in [format!("{run}-shop.OrderCreated"), old_subject] {
        let _ = registry.delete_subject(&subject, Deletion::Soft);
        let _ = registry.delete_subject(&subject, Deletion::Permanent);
    }
}
