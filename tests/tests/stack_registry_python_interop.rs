//! Interop with Python confluent-kafka (`tests/stack/interop/interop.py`, pinned in its
//! own virtualenv) through the stack's real registry, both ways:
//!
//! * bytes framed by confluent-kafka's `AvroSerializer` (which registers
//!   `telescope-data.avsc` as it reads on disk, so the registry holds its own text and id)
//!   decode with our `Deserializer<TelescopeData>`;
//! * bytes framed by our `Serializer<TelescopeData>` decode with its `AvroDeserializer`.
//!
//! Without a registry the test prints `SKIPPED ...` and passes.

use avrokit::chrono::DateTime;
use avrokit::registry_client::Deletion;
use avrokit::registry_client::{BlockingDeserializer, BlockingRegistryClient, BlockingSerializer, RegistryConfig};
use avrokit::wire;
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_tests::stack_python::{self, hex, unhex};
use avrokit_tests::stack_registry;

/// Runs `interop.py ARGS` against `url`; its stdout, trimmed.
fn python(url: &str, args: &[&str]) -> String {
    stack_python::run("interop/interop.py", args, &[("SCHEMA_REGISTRY_URL", url)])
}

#[test]
fn confluent_kafka_python_and_avrokit_read_each_others_frames() {
    let Some(client) = stack_registry::client(
        "confluent_kafka_python_and_avrokit_read_each_others_frames",
        "stack_registry_python_interop",
    ) else {
        return;
    };
    let topic = stack_registry::scratch_name("avrokit-it-interop");

    // Python writes; a fresh client of ours fetches its writer schema by id and decodes.
    let framed = unhex(&python(client.url(), &["serialize", &topic]));
    let (id, _) = wire::unframe(&framed).expect("a Confluent frame");
    let fresh = BlockingRegistryClient::new(RegistryConfig::new(client.url())).expect("config");
    let decoded = BlockingDeserializer::<TelescopeData>::new(fresh)
        .deserialize(&framed)
        .unwrap_or_else(|e| panic!("our Deserializer on confluent-kafka's frame (id {id}): {e}"));
    // interop.py's TELESCOPE_DATA.
    let python_wrote = TelescopeData {
        data_id: "py-d-42".into(),
        observation_id: "py-obs-7".into(),
        sequence_number: 3,
        timestamp: DateTime::from_timestamp_millis(1_700_000_000_123).expect("in range"),
        data: vec![0x00, 0x01, 0xfe, 0xff],
        processed: true,
        processing_pipeline_version: Some("pipe-2.1".into()),
    };
    assert_eq!(decoded, python_wrote);

    // We write (registering our schema text under a second subject); Python decodes.
    let ours = TelescopeData {
        data_id: "rs-d-1".into(),
        observation_id: "rs-obs-é".into(),
        sequence_number: -5,
        timestamp: DateTime::from_timestamp_millis(-1).expect("in range"),
        data: vec![],
        processed: false,
        processing_pipeline_version: None,
    };
    let our_topic = format!("{topic}-rs");
    let framed = BlockingSerializer::<TelescopeData>::new(client.clone())
        .serialize(&our_topic, &ours)
        .expect("serializes");
    let read: serde_json::Value =
        serde_json::from_str(&python(client.url(), &["deserialize", &our_topic, &hex(&framed)]))
            .expect("JSON from interop.py");
    assert_eq!(
        read,
        serde_json::json!({
            "data_id": "rs-d-1",
            "observation_id": "rs-obs-é",
            "sequence_number": -5,
            "timestamp": -1,
            "data": "",
            "processed": false,
            "processing_pipeline_version": null,
        })
    );

    for subject in [format!("{topic}-value"), format!("{our_topic}-value")] {
        client.delete_subject(&subject, Deletion::Soft).expect("soft delete");
        client
            .delete_subject(&subject, Deletion::Permanent)
            .expect("permanent delete");
    }
}
