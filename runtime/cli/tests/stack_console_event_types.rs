//! `avrokit register`, `avrokit produce` and `avrokit consume` on topics of two event
//! types (a scratch copy of `tests/corpus/event-types` with this run's topic names)
//! against the stack: `register` registers each type's subject (TopicRecordName and
//! RecordName), `produce --type` frames with the subject the catalog's TopicRecordName
//! strategy names, `produce` without `--type` asks which type, and `consume` prints both
//! types' records, each decoded by its own writer schema.
//!
//! Without a stack the test prints `SKIPPED ...` and passes.

mod running_stack;
mod scratch;

use avrokit::registry_client::{BlockingRegistryClient, Deletion, RegistryConfig};
use running_stack::KafkaStack;
use scratch::{root, scratch_name};
use serde_json::{Value, json};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn produce_and_consume_both_event_types_of_a_topic() {
    let Some(stack) = KafkaStack::find("produce_and_consume_both_event_types_of_a_topic") else {
        return;
    };
    let registry = &stack.registry;
    let client = BlockingRegistryClient::new(RegistryConfig::new(registry)).unwrap();
    let run = scratch_name("events");
    // The corpus with this run's topics.
    let corpus = root().join("tests/corpus/event-types");
    let dir = root().join("target/test-scratch").join(&run);
    std::fs::create_dir_all(dir.join("shop")).unwrap();
    for file in ["shop/order-created.avsc", "shop/order-cancelled.avsc"] {
        std::fs::copy(corpus.join(file), dir.join(file)).unwrap();
    }
    let catalog = std::fs::read_to_string(corpus.join("catalog.toml"))
        .unwrap()
        .replace("[topics.\"shop.", &format!("[topics.\"{run}."));
    std::fs::write(dir.join("catalog.toml"), catalog).unwrap();
    let topic = format!("{run}.order-events");
    let run_avrokit = |args: &[&str], stdin: &str| stack.avrokit(args, &dir, stdin);

    assert!(run_avrokit(&["topics", "apply"], "").status.success());
    // `register` asks the gate about, and registers, each type's subject.
    let out = run_avrokit(&["register", "--registry", registry], "");
    assert!(out.status.success());
    let registered = text(&out.stdout);
    for subject in [
        format!("{topic}-shop.OrderCreated"),
        format!("{topic}-shop.OrderCancelled"),
        "shop.OrderCreated".to_owned(),
        "shop.OrderCancelled".to_owned(),
    ] {
        assert!(registered.contains(&format!("{subject} ")), "{subject}: {registered}");
    }
    let created = r#"{"order_id": "o-1", "customer": "ada", "total_cents": 1250}
{"order_id": "o-2", "customer": "bob", "total_cents": 99}
"#;
    let out = run_avrokit(&["produce", &topic, "--type", "shop.OrderCreated"], created);
    assert!(out.status.success());
    let out = run_avrokit(
        &["produce", &topic, "--type", "shop.OrderCancelled"],
        "{\"order_id\": \"o-1\", \"reason\": \"late\"}\n",
    );
    assert!(out.status.success());
    let subjects = client.subjects().unwrap();
    let (created_subject, cancelled_subject) = (
        format!("{topic}-shop.OrderCreated"),
        format!("{topic}-shop.OrderCancelled"),
    );
    assert!(
        subjects.contains(&created_subject) && subjects.contains(&cancelled_subject),
        "{subjects:?}"
    );

    // Which type, without --type, the catalog cannot say.
    let out = run_avrokit(&["produce", &topic], "{}\n");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("has several value types (shop.OrderCreated, shop.OrderCancelled): pass --type"),
        "{}",
        text(&out.stderr)
    );

    let (code, lines) = stack.consume(&dir, &topic, 3, &[]);
    assert_eq!(code, 0);
    let values: Vec<Value> = lines.into_iter().map(|line| line["value"].clone()).collect();
    assert_eq!(
        values,
        [
            json!({"order_id": "o-1", "customer": "ada", "total_cents": 1250}),
            json!({"order_id": "o-2", "customer": "bob", "total_cents": 99}),
            json!({"order_id": "o-1", "reason": "late"}),
        ]
    );

    for subject in [created_subject, cancelled_subject] {
        let _ = client.delete_subject(&subject, Deletion::Soft);
        let _ = client.delete_subject(&subject, Deletion::Permanent);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
