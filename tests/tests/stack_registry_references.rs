//! Schema references on the stack's registry (Apicurio's Confluent API) with Python
//! confluent-kafka (`tests/stack/interop/references.py`, in interop.py's pinned venv):
//!
//! * Python registers `shared.Money` under a subject of its own and `shop.Order` under
//!   `<topic>-value` with a reference to it, and produces orders to Kafka: avrokit's
//!   `Deserializer` (a fresh client, so every schema is fetched) reads its frames and the
//!   typed `Consumer` reads the topic, the referenced version fetched once and inlined;
//! * avrokit registers an order schema with a reference (`register_with_references`) and
//!   frames with `IdSource::Latest` (the latest version's references resolved to compare
//!   it with the type's own schema): Python's `AvroDeserializer` reads the frames.
//!
//! Without a running stack the test passes after printing that it was skipped.

use avrokit::AvroMessage;
use avrokit::kafka::{Consumer, ConsumerSettings, Record};
use avrokit::registry_client::{
    BlockingDeserializer, BlockingRegistryClient, BlockingSerializer, Deletion, IdSource, Normalize, RegistryConfig,
    SchemaReference,
};
use avrokit_tests::kafka_scratch::KafkaStack;
use avrokit_tests::stack_python::{hex, unhex};
use serde_json::json;
use std::time::Duration;

const COUNT: usize = 4;

#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(
    schema_json = r#"{"type": "record", "name": "Money", "namespace": "shared", "fields": [
    {"name": "cents", "type": "long"}, {"name": "currency", "type": "string", "default": "EUR"}]}"#
)]
struct Money {
    cents: i64,
    currency: String,
}

#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(
    schema_json = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "order_id", "type": "string"}, {"name": "total", "type": {"type": "record", "name": "Money",
        "namespace": "shared", "fields": [{"name": "cents", "type": "long"},
        {"name": "currency", "type": "string", "default": "EUR"}]}},
    {"name": "tip", "type": ["null", "shared.Money"], "default": null}]}"#
)]
struct Order {
    order_id: String,
    total: Money,
    tip: Option<Money>,
}

/// `references.py`'s i-th order.
fn python_order(i: usize) -> Order {
    Order {
        order_id: format!("py-{i}"),
        total: Money {
            cents: i as i64 * 100,
            currency: "EUR".into(),
        },
        tip: (i % 2 == 1).then(|| Money {
            cents: i as i64,
            currency: "CHF".into(),
        }),
    }
}

#[tokio::test]
async fn references_registered_by_confluent_kafka_are_read_by_avrokit_and_back() {
    let Some(stack) = KafkaStack::find("stack_registry_references") else {
        return;
    };
    let (bootstrap, registry) = (&stack.bootstrap, &stack.registry);
    let run = avrokit_tests::stack_registry::scratch_name("it-refs");
    let topic = stack.scratch_topic::<Order>(&run, 1).await;
    let shared_subject = format!("{run}.shared.Money");

    // Python registers with a reference and produces.
    let produced: serde_json::Value =
        serde_json::from_str(&stack.python("references.py", &["produce", &run, &shared_subject, &COUNT.to_string()]))
            .expect("JSON from references.py");
    let id = produced["id"].as_u64().expect("an id") as u32;
    let frames: Vec<Vec<u8>> = produced["frames"]
        .as_array()
        .expect("frames")
        .iter()
        .map(|f| unhex(f.as_str().expect("hex")))
        .collect();
    assert_eq!(frames.len(), COUNT);

    // The writer schema by id, its reference resolved: the whole Order, Money inlined.
    let fresh = || BlockingRegistryClient::new(RegistryConfig::new(registry)).expect("config");
    let client = fresh();
    let registered = client.rest().schema_with_references(id).expect("schema by id");
    assert_eq!(
        registered.references,
        [SchemaReference::new("shared.Money", &shared_subject, 1)]
    );
    let writer = client.schema_by_id(id).expect("the writer schema, references resolved");
    assert_eq!(writer.canonical_form(), Order::schema().canonical_form());

    let deserializer = BlockingDeserializer::<Order>::new(fresh());
    for (i, frame) in frames.iter().enumerate() {
        let order = deserializer
            .deserialize(frame)
            .unwrap_or_else(|e| panic!("frame {i}: {e}"));
        assert_eq!(order, python_order(i));
    }

    // The typed consumer reads what Python produced.
    let mut settings = ConsumerSettings::new(bootstrap, format!("{run}-group"), [topic.name]);
    settings.max_wait = Duration::from_millis(200);
    let consumer = Consumer::<Order>::new(settings, stack.registry_client(), None).expect("consumer");
    let shutdown = consumer.shutdown();
    let mut read = Vec::new();
    consumer
        .run(async |batch: &[Record<Order>]| {
            read.extend(batch.iter().map(|r| r.value.clone()));
            if read.len() >= COUNT {
                shutdown.trigger();
            }
            Ok(())
        })
        .await
        .expect("consumer run");
    assert_eq!(read, (0..COUNT).map(python_order).collect::<Vec<_>>());

    // avrokit registers with a reference and frames with the latest version; Python reads.
    let our_subject = format!("{run}-rs-value");
    let order_text = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"order_id","type":"string"},{"name":"total","type":"shared.Money"},{"name":"tip","type":["null","shared.Money"],"default":null}]}"#;
    let reference = [SchemaReference::new("shared.Money", &shared_subject, 1)];
    let our_id = client
        .rest()
        .register_with_references(&our_subject, order_text, &reference, Normalize::AsSent)
        .expect("registered with a reference");
    let found = client
        .rest()
        .lookup_with_references(&our_subject, order_text, &reference, Normalize::AsSent)
        .expect("looked up with its reference");
    assert_eq!((found.id, found.references.as_slice()), (our_id, &reference[..]));
    let serializer = BlockingSerializer::<Order>::new(fresh()).with_ids(IdSource::Latest);
    let ours = [python_order(7), python_order(8)];
    let framed: Vec<String> = ours
        .iter()
        .map(|order| hex(&serializer.serialize(&format!("{run}-rs"), order).expect("serialized")))
        .collect();
    assert!(framed.iter().all(|f| f.starts_with(&format!("00{our_id:08x}"))));
    let mut args = vec!["deserialize", our_subject.as_str()];
    args.extend(framed.iter().map(String::as_str));
    let python_read: serde_json::Value =
        serde_json::from_str(&stack.python("references.py", &args)).expect("JSON from references.py");
    assert_eq!(
        python_read,
        json!([
            {"order_id": "py-7", "total": {"cents": 700, "currency": "EUR"}, "tip": {"cents": 7, "currency": "CHF"}},
            {"order_id": "py-8", "total": {"cents": 800, "currency": "EUR"}, "tip": null},
        ])
    );

    // Referencing subjects first: a registry refuses to delete a referenced version.
    for subject in [our_subject, format!("{run}-value"), shared_subject] {
        client.delete_subject(&subject, Deletion::Soft).expect("soft delete");
        client
            .delete_subject(&subject, Deletion::Permanent)
            .expect("permanent delete");
    }
}
