//! Interop through Kafka with Python confluent-kafka (PyPI, pinned): records produced by
//! its SerializingProducer + AvroSerializer are read by avrokit's typed `Consumer`, and
//! records produced by avrokit's `Producer` are read by its DeserializingConsumer +
//! AvroDeserializer, on the stack's broker and registry, values compared field by field.
//!
//! The Python side is `tests/stack/interop/kafka_interop.py` (in interop.py's venv).
//! Without a running stack the test passes after printing that it was skipped.

use avrokit::chrono::DateTime;
use avrokit::kafka::{Consumer, ConsumerSettings, Producer, ProducerSettings, Record};
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_tests::kafka_scratch::KafkaStack;
use std::time::Duration;

const COUNT: usize = 5;

fn ours(i: usize) -> TelescopeData {
    TelescopeData {
        data_id: format!("rs-{i}"),
        observation_id: "rs-obs".into(),
        sequence_number: i as i32,
        timestamp: DateTime::from_timestamp_millis(1_714_564_800_000 + i as i64).unwrap(),
        data: vec![0xab, i as u8, 0x00],
        processed: i.is_multiple_of(2),
        processing_pipeline_version: (!i.is_multiple_of(2)).then(|| format!("pipe-{i}")),
    }
}

#[tokio::test]
async fn records_cross_between_avrokit_and_confluent_kafka_through_kafka() {
    let Some(stack) = KafkaStack::find("stack_kafka_python_interop") else {
        return;
    };
    let bootstrap = &stack.bootstrap;
    let run = avrokit_tests::stack_registry::scratch_name("it-py-kafka");
    let (from_python, from_rust) = (format!("{run}.py"), format!("{run}.rs"));
    stack.scratch_topic::<TelescopeData>(&from_python, 1).await;
    let topic = stack.scratch_topic::<TelescopeData>(&from_rust, 1).await;
    let client = || stack.registry_client();

    // Python → avrokit.
    let produced = stack.python("kafka_interop.py", &["produce", &from_python, &COUNT.to_string()]);
    assert_eq!(produced.trim(), format!("produced {COUNT}"));
    let mut settings = ConsumerSettings::new(bootstrap, format!("{run}-group"), [from_python.as_str()]);
    settings.max_wait = Duration::from_millis(200);
    let consumer = Consumer::<TelescopeData>::new(settings, client(), None).unwrap();
    let shutdown = consumer.shutdown();
    let mut read: Vec<(String, TelescopeData)> = Vec::new();
    consumer
        .run(async |batch: &[Record<TelescopeData>]| {
            for record in batch {
                read.push((
                    String::from_utf8(record.raw_key().unwrap().to_vec()).unwrap(),
                    record.value.clone(),
                ));
            }
            if read.len() >= COUNT {
                shutdown.trigger();
            }
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(read.len(), COUNT);
    for (i, (key, value)) in read.iter().enumerate() {
        assert_eq!(key, &format!("py-{i}"));
        assert_eq!(
            (value.data_id.as_str(), value.sequence_number),
            (format!("py-{i}").as_str(), i as i32)
        );
        // The other fields are interop.py's TELESCOPE_DATA.
        assert_eq!(value.observation_id, "py-obs-7");
        assert_eq!(value.timestamp.timestamp_millis(), 1_700_000_000_123);
        assert_eq!(value.data, [0x00, 0x01, 0xfe, 0xff]);
        assert!(value.processed);
        assert_eq!(value.processing_pipeline_version.as_deref(), Some("pipe-2.1"));
    }

    // avrokit → Python.
    let producer = Producer::new(&ProducerSettings::new(bootstrap), client()).unwrap();
    for i in 0..COUNT {
        let value = ours(i);
        producer.send(&topic, &value.data_id.clone(), &value).await.unwrap();
    }
    let lines = stack.python("kafka_interop.py", &["consume", &from_rust, &COUNT.to_string()]);
    let read: Vec<serde_json::Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(read.len(), COUNT);
    for (i, record) in read.iter().enumerate() {
        let expected = ours(i);
        assert_eq!(record["key"], serde_json::json!(expected.data_id));
        let value = &record["value"];
        assert_eq!(value["data_id"], serde_json::json!(expected.data_id));
        assert_eq!(value["sequence_number"], serde_json::json!(i));
        assert_eq!(
            value["timestamp"],
            serde_json::json!(expected.timestamp.timestamp_millis())
        );
        assert_eq!(value["data"], serde_json::json!(format!("ab{:02x}00", i)));
        assert_eq!(value["processed"], serde_json::json!(expected.processed));
        assert_eq!(
            value["processing_pipeline_version"],
            serde_json::json!(expected.processing_pipeline_version)
        );
    }
}
