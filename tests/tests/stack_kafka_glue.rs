//! The typed producer and consumer on the stack's real Kafka and registry: records of a
//! generated type go out framed through the registry and come back decoded; a garbage
//! record, a frame with an unknown schema id and a record the handler rejects land in the
//! dead-letter topic with their original bytes and Kafka Connect's error headers, while
//! the consumer keeps going; offsets are committed after the handler, so a restarted
//! consumer of the group reads nothing twice; without a dead-letter topic the consumer
//! stops at a bad record and leaves its offset uncommitted; a batch read ahead while the
//! handler worked is released uncommitted when the consumer stops, and a stopped
//! consumer leaves its group at once.
//!
//! Each test uses topics of its own (created with the runtime's topic admin). Without a
//! running stack the tests pass after printing that they were skipped.

use avrokit::chrono::DateTime;
use avrokit::kafka::dead_letter::header;
use avrokit::kafka::rdkafka::consumer::{Consumer as _, StreamConsumer};
use avrokit::kafka::rdkafka::message::{Headers, Message, OwnedHeaders, OwnedMessage};
use avrokit::kafka::{
    ConsumeError, Consumer, ConsumerSettings, DeadLetters, HandlerError, ProduceError, Producer, ProducerSettings,
    Record,
};
use avrokit::registry_client::{Deserializer, IdSource, Serializer, SubjectNameStrategy};
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_tests::kafka_scratch::KafkaStack;
use std::collections::BTreeMap;
use std::time::Duration;

fn record(id: &str, sequence: i32) -> TelescopeData {
    TelescopeData {
        data_id: id.to_owned(),
        observation_id: "obs-kafka".into(),
        sequence_number: sequence,
        timestamp: DateTime::from_timestamp_millis(1_714_564_800_000 + i64::from(sequence)).unwrap(),
        data: vec![sequence as u8; 16],
        processed: false,
        processing_pipeline_version: None,
    }
}

fn consumer_settings(stack: &KafkaStack, group: &str, topic: &str) -> ConsumerSettings {
    let mut settings = ConsumerSettings::new(&stack.bootstrap, group, [topic]);
    settings.max_wait = Duration::from_millis(200);
    settings.backoff = Duration::from_millis(10);
    settings
}

/// Every record of `topic` from the start, read with a plain consumer.
async fn read_all(stack: &KafkaStack, topic: &str, count: usize) -> Vec<OwnedMessage> {
    let consumer: StreamConsumer = avrokit::kafka::rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &stack.bootstrap)
        .set("group.id", format!("{topic}-reader"))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    consumer.subscribe(&[topic]).unwrap();
    let mut out = Vec::new();
    while out.len() < count {
        let message = tokio::time::timeout(Duration::from_secs(30), consumer.recv())
            .await
            .unwrap_or_else(|_| panic!("only {} of {count} records in {topic}", out.len()))
            .unwrap();
        out.push(message.detach());
    }
    out
}

fn header_of<'a>(message: &'a OwnedMessage, key: &str) -> Option<&'a str> {
    let headers = message.headers()?;
    headers
        .iter()
        .find(|h| h.key == key)
        .and_then(|h| h.value)
        .and_then(|v| std::str::from_utf8(v).ok())
}

#[tokio::test]
async fn records_round_trip_and_bad_ones_become_dead_letters() {
    let Some(stack) = KafkaStack::find("stack_kafka_glue") else {
        return;
    };
    let run = avrokit_tests::stack_registry::scratch_name("it-kafka");
    let (name, dlq) = (run.clone(), format!("{run}.dlq"));
    let topic = stack.scratch_topic::<TelescopeData>(&name, 1).await;
    stack.scratch_topic::<TelescopeData>(&dlq, 1).await;

    let producer = stack.producer();
    let mut offsets = Vec::new();
    for (i, id) in ["a", "b", "bad", "c"].iter().enumerate() {
        offsets.push(producer.send(&topic, id, &record(id, i as i32)).await.unwrap().offset);
    }
    let garbage = producer
        .send_bytes(&name, Some(b"g"), Some(b"not avro at all"), None)
        .await
        .unwrap();
    let unknown_id = [0, 0x7f, 0xff, 0xff, 0x01, 0x02];
    let unknown = producer
        .send_bytes(&name, Some(b"u"), Some(&unknown_id), None)
        .await
        .unwrap();
    producer.send(&topic, "d", &record("d", 9)).await.unwrap();
    assert_eq!(offsets, [0, 1, 2, 3], "one partition, in order");

    let settings = consumer_settings(&stack, &format!("{run}-group"), &name);
    let dead_letters = stack.producer();
    let consumer = Consumer::<TelescopeData>::new(
        settings.clone(),
        stack.registry_client(),
        Some(DeadLetters::new(dead_letters, &dlq)),
    )
    .unwrap();
    let shutdown = consumer.shutdown();
    let mut seen: Vec<(String, Vec<u8>)> = Vec::new();
    let summary = consumer
        .run(async |batch: &[Record<TelescopeData>]| {
            if batch.iter().any(|r| r.value.data_id == "bad") {
                return Err(HandlerError::fatal("data_id `bad` is refused"));
            }
            seen.extend(
                batch
                    .iter()
                    .map(|r| (r.value.data_id.clone(), r.raw_key().unwrap_or_default().to_vec())),
            );
            if seen.iter().any(|(id, _)| id == "d") {
                shutdown.trigger();
            }
            Ok(())
        })
        .await
        .unwrap();
    let ids: Vec<&str> = seen.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert!(
        seen.iter().all(|(id, key)| id.as_bytes() == key.as_slice()),
        "raw string keys: {seen:?}"
    );
    assert_eq!((summary.handled, summary.dead_lettered), (4, 3), "{summary:?}");

    let letters = read_all(&stack, &dlq, 3).await;
    let by_offset: BTreeMap<&str, &OwnedMessage> = letters
        .iter()
        .map(|m| (header_of(m, header::OFFSET).unwrap(), m))
        .collect();
    let bad = by_offset["2"];
    assert_eq!(header_of(bad, header::STAGE), Some("TASK_PUT"));
    assert_eq!(
        header_of(bad, header::EXCEPTION_MESSAGE),
        Some("data_id `bad` is refused")
    );
    assert_eq!(bad.key(), Some(&b"bad"[..]));
    let garbage_letter = by_offset[garbage.offset.to_string().as_str()];
    assert_eq!(header_of(garbage_letter, header::STAGE), Some("VALUE_CONVERTER"));
    assert_eq!(
        garbage_letter.payload(),
        Some(&b"not avro at all"[..]),
        "the original bytes"
    );
    assert!(
        header_of(garbage_letter, header::EXCEPTION_MESSAGE)
            .unwrap()
            .contains("magic byte")
    );
    let unknown_letter = by_offset[unknown.offset.to_string().as_str()];
    assert_eq!(header_of(unknown_letter, header::TOPIC), Some(name.as_str()));
    assert_eq!(header_of(unknown_letter, header::PARTITION), Some("0"));
    assert_eq!(unknown_letter.payload(), Some(&unknown_id[..]));
    assert_eq!(
        header_of(unknown_letter, header::CONNECTOR),
        Some(format!("{run}-group").as_str())
    );

    // The group's offsets were committed after each batch: a new member reads nothing.
    let again = Consumer::<TelescopeData>::new(settings, stack.registry_client(), None).unwrap();
    let stop = again.shutdown();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        stop.trigger();
    });
    let summary = again
        .run(async |batch: &[Record<TelescopeData>]| panic!("read again: {batch:?}"))
        .await
        .unwrap();
    assert_eq!(summary.handled, 0);
}

#[tokio::test]
async fn without_a_dead_letter_topic_a_bad_record_stops_the_consumer_uncommitted() {
    let Some(stack) = KafkaStack::find("stack_kafka_glue") else {
        return;
    };
    let name = avrokit_tests::stack_registry::scratch_name("it-kafka-stop");
    let topic = stack.scratch_topic::<TelescopeData>(&name, 1).await;
    let producer = stack.producer();
    producer.send_bytes(&name, None, Some(b"garbage"), None).await.unwrap();
    producer.send(&topic, "a", &record("a", 1)).await.unwrap();

    let settings = consumer_settings(&stack, &format!("{name}-group"), &name);
    for _ in 0..2 {
        // Each time the garbage (offset 0) stops the run before any handler call, and since
        // nothing was committed the next member starts from it again.
        let consumer = Consumer::<TelescopeData>::new(settings.clone(), stack.registry_client(), None).unwrap();
        let mut handled = 0;
        let outcome = consumer
            .run(async |batch: &[Record<TelescopeData>]| {
                handled += batch.len();
                Ok(())
            })
            .await;
        match outcome {
            Err(ConsumeError::Unhandled { offset, failure, .. }) => {
                assert_eq!(offset, 0);
                assert!(failure.contains("magic byte"), "{failure}");
            }
            other => panic!("expected the consumer to stop at the garbage, got {other:?}"),
        }
        assert_eq!(
            handled, 0,
            "decoding failed before the handler ran, so nothing was handed over"
        );
    }
}

#[tokio::test]
async fn a_handler_per_record_sees_each_record_once_and_dead_letters_only_the_bad_one() {
    let Some(stack) = KafkaStack::find("stack_kafka_glue") else {
        return;
    };
    let run = avrokit_tests::stack_registry::scratch_name("it-kafka-each");
    let (name, dlq) = (run.clone(), format!("{run}.dlq"));
    let topic = stack.scratch_topic::<TelescopeData>(&name, 1).await;
    stack.scratch_topic::<TelescopeData>(&dlq, 1).await;
    let producer = stack.producer();
    for (i, id) in ["a", "bad", "c"].iter().enumerate() {
        producer.send(&topic, id, &record(id, i as i32)).await.unwrap();
    }
    let settings = consumer_settings(&stack, &format!("{run}-group"), &name);
    let consumer = Consumer::<TelescopeData>::new(
        settings,
        stack.registry_client(),
        Some(DeadLetters::new(producer, &dlq)),
    )
    .unwrap();
    let shutdown = consumer.shutdown();
    let mut calls: Vec<String> = Vec::new();
    let summary = consumer
        .run_each(async |record: &Record<TelescopeData>| {
            calls.push(record.value.data_id.clone());
            if calls.len() == 3 {
                shutdown.trigger();
            }
            match record.value.data_id.as_str() {
                "bad" => Err(HandlerError::fatal("refused")),
                _ => Ok(()),
            }
        })
        .await
        .unwrap();
    assert_eq!(
        calls,
        ["a", "bad", "c"],
        "each record once, in order, none handled twice"
    );
    assert_eq!((summary.handled, summary.dead_lettered), (2, 1));
    let letters = read_all(&stack, &dlq, 1).await;
    assert_eq!(letters[0].key(), Some(&b"bad"[..]));
}

#[tokio::test]
async fn enqueued_records_are_acknowledged_in_order_and_an_oversized_one_is_refused_at_once() {
    let Some(stack) = KafkaStack::find("stack_kafka_glue") else {
        return;
    };
    let name = avrokit_tests::stack_registry::scratch_name("it-kafka-enqueue");
    let topic = stack.scratch_topic::<TelescopeData>(&name, 1).await;
    let mut settings = ProducerSettings::new(&stack.bootstrap);
    settings.kafka = settings.kafka.set("message.max.bytes", "4096");
    let producer = Producer::new(&settings, stack.registry_client()).unwrap();

    // Queued without waiting for the broker, acknowledged later, in the order queued.
    let ids: Vec<String> = (0..300).map(|i| format!("e{i:03}")).collect();
    let mut pending = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        pending.push(producer.enqueue(&topic, id, &record(id, i as i32)).await.unwrap());
    }
    let mut offsets = Vec::new();
    for delivery in pending {
        offsets.push(delivery.await.unwrap().offset);
    }
    assert_eq!(offsets, (0..300).collect::<Vec<i64>>());

    // Too big for `message.max.bytes`: refused when queued, with the topic named.
    let mut oversized = record("big", 0);
    oversized.data = vec![7; 8192];
    let error = producer.enqueue(&topic, "big", &oversized).await.expect_err("refused");
    assert!(error.to_string().contains(&name), "{error}");

    // A dropped PendingDelivery does not withdraw its record.
    drop(
        producer
            .enqueue(&topic, "dropped", &record("dropped", 1))
            .await
            .unwrap(),
    );
    producer.flush(Duration::from_secs(30)).unwrap();
    let keys: Vec<Vec<u8>> = read_all(&stack, &name, 301)
        .await
        .iter()
        .map(|m| m.key().unwrap_or_default().to_vec())
        .collect();
    let mut expected: Vec<Vec<u8>> = ids.iter().map(|id| id.clone().into_bytes()).collect();
    expected.push(b"dropped".to_vec());
    assert_eq!(keys, expected);
}

#[tokio::test]
async fn the_producer_takes_its_id_source_and_subjects_from_its_settings() {
    let Some(stack) = KafkaStack::find("stack_kafka_glue") else {
        return;
    };
    let name = avrokit_tests::stack_registry::scratch_name("it-kafka-ids");
    let topic = stack.scratch_topic::<TelescopeData>(&name, 1).await;
    let registry = stack.registry_client();

    // Lookup only: nothing is registered under the subject, so nothing is sent.
    let mut lookup_only = ProducerSettings::new(&stack.bootstrap);
    lookup_only.schema_ids = IdSource::LookupOnly;
    let producer = Producer::new(&lookup_only, registry.clone()).unwrap();
    let refused = producer.send(&topic, "a", &record("a", 1)).await.unwrap_err();
    assert!(
        matches!(&refused, ProduceError::Serialize { topic, .. } if *topic == name),
        "{refused}"
    );
    assert!(
        registry.versions(&format!("{name}-value")).await.is_err(),
        "nothing registered"
    );

    // TopicRecordName values: registered under `<topic>-<full name>` (this topic's keys
    // are plain strings, not framed).
    let mut per_record = ProducerSettings::new(&stack.bootstrap);
    per_record.value_subjects = SubjectNameStrategy::TopicRecordName;
    let producer = Producer::new(&per_record, registry.clone()).unwrap();
    producer.send(&topic, "b", &record("b", 2)).await.unwrap();
    let subject = format!("{name}-astro.beam.TelescopeData");
    let registered = registry.rest().latest(&subject).await.unwrap();

    // One type's own serializer, here with a fixed id, replaces the one from the settings.
    let fixed = Serializer::<TelescopeData>::new(registry.clone()).with_ids(IdSource::Fixed(registered.id));
    // Lookup-only settings, but the values carry the fixed id without asking.
    let producer = Producer::new(&lookup_only, registry.clone())
        .unwrap()
        .with_serializer(fixed);
    producer.send(&topic, "c", &record("c", 3)).await.unwrap();
    let frames: Vec<Vec<u8>> = read_all(&stack, &name, 2)
        .await
        .iter()
        .map(|m| m.payload().unwrap().to_vec())
        .collect();
    for frame in &frames {
        assert_eq!(frame[0], 0, "magic byte");
        assert_eq!(u32::from_be_bytes(frame[1..5].try_into().unwrap()), registered.id);
    }
}

#[tokio::test]
async fn a_batch_read_ahead_when_the_consumer_stops_is_read_again_by_the_next_member() {
    let Some(stack) = KafkaStack::find("stack_kafka_glue") else {
        return;
    };
    let run = avrokit_tests::stack_registry::scratch_name("it-kafka-ahead");
    let topic = stack.scratch_topic::<TelescopeData>(&run, 1).await;
    let producer = stack.producer();
    for sequence in 0..30 {
        producer
            .send(&topic, "k", &record(&format!("r{sequence}"), sequence))
            .await
            .unwrap();
    }
    // The broker's default session timeout, set: a member that does not leave is only
    // dropped from the group after it.
    let settings = consumer_settings(&stack, &format!("{run}-group"), &run)
        .with_max_batch(10)
        .set("session.timeout.ms", "45000");

    // The first batch's handler takes its time, so the next batch is read and decoded
    // meanwhile; the handler then stops the consumer.
    let consumer = Consumer::<TelescopeData>::new(settings.clone(), stack.registry_client(), None).unwrap();
    let shutdown = consumer.shutdown();
    let mut first = Vec::new();
    let summary = consumer
        .run(async |batch: &[Record<TelescopeData>]| {
            tokio::time::sleep(Duration::from_millis(500)).await;
            first.extend(batch.iter().map(|r| r.offset()));
            shutdown.trigger();
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(first, (0..10).collect::<Vec<i64>>());
    assert_eq!((summary.handled, summary.batches), (10, 1), "{summary:?}");

    // The batch read ahead was neither handled nor committed: the next member starts
    // right after the handled one. The stopped consumer (still alive) left the group, so
    // the next member is not kept waiting for the session timeout.
    let again = Consumer::<TelescopeData>::new(settings, stack.registry_client(), None).unwrap();
    let stop = again.shutdown();
    let mut rest = Vec::new();
    let joined = std::time::Instant::now();
    let mut waited = None;
    again
        .run(async |batch: &[Record<TelescopeData>]| {
            waited.get_or_insert(joined.elapsed());
            rest.extend(batch.iter().map(|r| r.offset()));
            if rest.len() >= 20 {
                stop.trigger();
            }
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(rest, (10..30).collect::<Vec<i64>>());
    let waited = waited.unwrap_or_default();
    assert!(
        waited < Duration::from_secs(20),
        "the next member waited {waited:?} for the group"
    );
    drop(consumer);
}

/// A record reads what its message holds: topic, partition, offset, timestamp, key,
/// frame, and its headers (`None` when it has none), parsed when asked for.
#[tokio::test]
async fn records_read_their_headers_and_the_rest_from_their_message() {
    let Some(stack) = KafkaStack::find("stack_kafka_glue") else {
        return;
    };
    let run = avrokit_tests::stack_registry::scratch_name("it-kafka-headers");
    stack.scratch_topic::<TelescopeData>(&run, 1).await;
    let producer = stack.producer();
    let serializer = Serializer::<TelescopeData>::new(stack.registry_client());
    let mut frames = Vec::new();
    for sequence in 0..2 {
        let frame = serializer.serialize(&run, &record("h", sequence)).await.unwrap();
        let headers = (sequence == 0).then(|| {
            OwnedHeaders::new().insert(avrokit::kafka::rdkafka::message::Header {
                key: "trace-id",
                value: Some("t-0"),
            })
        });
        producer
            .send_bytes(&run, Some(b"k"), Some(&frame), headers)
            .await
            .unwrap();
        frames.push(frame);
    }

    let consumer = Consumer::<TelescopeData>::new(
        consumer_settings(&stack, &format!("{run}-group"), &run),
        stack.registry_client(),
        None,
    )
    .unwrap();
    let shutdown = consumer.shutdown();
    let mut seen = Vec::new();
    consumer
        .run(async |batch: &[Record<TelescopeData>]| {
            for record in batch {
                assert_eq!((record.topic(), record.partition()), (run.as_str(), 0));
                assert!(record.timestamp().is_some_and(|millis| millis > 1_700_000_000_000));
                assert_eq!(record.raw_key(), Some(&b"k"[..]));
                let headers = record.headers().map(|headers| {
                    let header = headers.get(0);
                    let value = String::from_utf8_lossy(header.value.unwrap_or_default()).into_owned();
                    (header.key.to_owned(), value, headers.count())
                });
                seen.push((
                    record.offset(),
                    record.value.sequence_number,
                    record.raw_value().map(<[u8]>::to_vec),
                    headers,
                ));
            }
            if seen.len() >= 2 {
                shutdown.trigger();
            }
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(
        seen,
        [
            (
                0,
                0,
                Some(frames[0].clone()),
                Some(("trace-id".to_owned(), "t-0".to_owned(), 1))
            ),
            (1, 1, Some(frames[1].clone()), None),
        ]
    );
}

/// The consumer's synchronous path: a deserializer decodes at once only a frame whose
/// writer schema it already knows; an unknown one leaves the value alone until the
/// awaited decode has fetched it, and garbage is an error either way.
#[tokio::test]
async fn a_known_writer_schema_decodes_at_once_and_an_unknown_one_waits_for_the_fetch() {
    let Some(stack) = KafkaStack::find("stack_kafka_glue") else {
        return;
    };
    let run = avrokit_tests::stack_registry::scratch_name("it-kafka-known");
    let sent = record("known", 7);
    let frame = Serializer::<TelescopeData>::new(stack.registry_client())
        .serialize(&run, &sent)
        .await
        .unwrap();
    // A client of its own: its cache has never seen the id.
    let fresh = Deserializer::<TelescopeData>::new(stack.registry_client());
    let mut value = record("before", 0);
    assert!(fresh.deserialize_into_known(&frame, &mut value).is_none());
    assert_eq!(value, record("before", 0), "untouched until the schema is fetched");
    fresh.deserialize_into(&frame, &mut value).await.unwrap();
    assert_eq!(value, sent);

    let mut again = record("before", 0);
    assert!(matches!(fresh.deserialize_into_known(&frame, &mut again), Some(Ok(()))));
    assert_eq!(again, sent);
    assert!(matches!(
        fresh.deserialize_into_known(b"garbage", &mut again),
        Some(Err(_))
    ));
}

#[tokio::test]
async fn posted_records_arrive_in_order_and_flush_reports_those_never_delivered() {
    let Some(stack) = KafkaStack::find("stack_kafka_glue") else {
        return;
    };
    let run = avrokit_tests::stack_registry::scratch_name("it-kafka-post");
    let topic = stack.scratch_topic::<TelescopeData>(&run, 1).await;
    let producer = stack.producer();
    for sequence in 0..200 {
        producer
            .post(
                &topic,
                &format!("k{sequence}"),
                &record(&format!("p{sequence}"), sequence),
            )
            .await
            .unwrap();
    }
    producer
        .flush(Duration::from_secs(30))
        .expect("every posted record delivered");
    let read = read_all(&stack, &run, 200).await;
    let keys: Vec<&[u8]> = read.iter().map(|m| m.key().unwrap_or_default()).collect();
    let expected: Vec<String> = (0..200).map(|i| format!("k{i}")).collect();
    assert_eq!(keys, expected.iter().map(String::as_bytes).collect::<Vec<_>>());

    // No broker answers here: the records expire undelivered, and the flush says so.
    let settings = ProducerSettings::new("127.0.0.1:1").with_delivery_timeout(Duration::from_secs(1));
    let serializer = Serializer::<TelescopeData>::new(stack.registry_client()).with_ids(IdSource::Fixed(1));
    let nowhere = Producer::new(&settings, stack.registry_client())
        .unwrap()
        .with_serializer(serializer);
    for sequence in 0..3 {
        nowhere.post(&topic, "k", &record("lost", sequence)).await.unwrap();
    }
    let error = nowhere
        .flush(Duration::from_secs(10))
        .expect_err("undelivered records are reported");
    match &error {
        ProduceError::Unacknowledged { failed, topic, .. } => {
            assert_eq!((*failed, topic.as_str()), (3, run.as_str()), "{error}");
        }
        other => panic!("not Unacknowledged: {other}"),
    }
    nowhere
        .flush(Duration::from_secs(1))
        .expect("a flush reports a failure once");
}
