//! `avrokit register --references` and `avrokit consume` of records whose writer schema
//! has references, against the stack's registry (Apicurio's Confluent API) and broker, on
//! a scratch schema directory (a namespace and topics of this run's own):
//!
//! * `register --references` registers the shared `Money` under its full name, then the
//!   two records that use it as their own definitions with `references` to its version;
//!   a second run changes nothing; the records' ids fetch as whole schemas;
//! * orders produced by Python confluent-kafka with a reference of its own
//!   (`tests/stack/interop/references.py`) are printed by `avrokit consume`.
//!
//! Without a stack the test prints `SKIPPED ...` and passes.

mod running_stack;
mod scratch;

use avrokit::registry_client::{BlockingRegistryClient, Deletion, RegistryConfig, SchemaReference};
use running_stack::KafkaStack;
use scratch::{root, scratch_name};
use serde_json::{Value, json};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A schema directory with `ns.Money`, `ns.Order` and `ns.Refund` (both using Money) and
/// topics `RUN.orders` and `RUN.refunds`.
fn scratch_dir(run: &str, ns: &str) -> std::path::PathBuf {
    let dir = root().join("target/test-scratch").join(run);
    let types = dir.join(ns.replace('.', "/"));
    std::fs::create_dir_all(&types).unwrap();
    let write = |file: &str, text: String| std::fs::write(types.join(file), text).unwrap();
    write(
        "money.avsc",
        format!(
            r#"{{"type": "record", "name": "Money", "namespace": "{ns}", "fields": [
  {{"name": "cents", "type": "long"}}, {{"name": "currency", "type": "string", "default": "EUR"}}]}}"#
        ),
    );
    write(
        "order.avsc",
        format!(
            r#"{{"type": "record", "name": "Order", "namespace": "{ns}", "fields": [
  {{"name": "order_id", "type": "string"}}, {{"name": "total", "type": "{ns}.Money"}},
  {{"name": "tip", "type": ["null", "{ns}.Money"], "default": null}}]}}"#
        ),
    );
    write(
        "refund.avsc",
        format!(
            r#"{{"type": "record", "name": "Refund", "namespace": "{ns}", "fields": [
  {{"name": "order_id", "type": "string"}}, {{"name": "amount", "type": "{ns}.Money"}}]}}"#
        ),
    );
    let topic = |name: &str, value: &str| format!("[topics.\"{run}.{name}\"]\nvalue = \"{ns}.{value}\"\n\n");
    let catalog = format!(
        "environments = [\"dev\"]\n\n{}{}",
        topic("orders", "Order"),
        topic("refunds", "Refund")
    );
    std::fs::write(dir.join("catalog.toml"), catalog).unwrap();
    dir
}

#[test]
fn register_references_then_consume_what_python_wrote_with_references() {
    let Some(stack) = KafkaStack::find("register_references_then_consume_what_python_wrote_with_references") else {
        return;
    };
    let registry = &stack.registry;
    let client = BlockingRegistryClient::new(RegistryConfig::new(registry)).unwrap();
    let run = scratch_name("refs");
    // A namespace is dotted names of letters, digits and underscores.
    let ns = format!("refs.{}", run.replace('-', "_"));
    let dir = scratch_dir(&run, &ns);
    let money = format!("{ns}.Money");
    let (orders, refunds) = (format!("{run}.orders-value"), format!("{run}.refunds-value"));

    let out = stack.avrokit(&["register", "--references", "--registry", registry], &dir, "");
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let subjects: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains(" version ") && l.contains(" id "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    // The shared type before the records that use it; each subject once.
    assert_eq!(subjects, [money.as_str(), orders.as_str(), refunds.as_str()]);

    let shared = client.rest().latest(&money).unwrap();
    assert!(shared.references.is_empty());
    for subject in [&orders, &refunds] {
        let latest = client.rest().latest(subject).unwrap();
        assert_eq!(
            latest.references,
            [SchemaReference::new(&money, &money, shared.version)],
            "{subject}"
        );
        assert!(
            !latest.schema.contains("cents"),
            "Money is referred to by name: {}",
            latest.schema
        );
        let whole = client.schema_by_id(latest.id).unwrap();
        assert!(
            whole.canonical_form().contains(&format!(
                r#"{{"name":"{money}","type":"record","fields":[{{"name":"cents","type":"long"}}"#
            )),
            "{}",
            whole.canonical_form()
        );
    }

    // A second run would find every subject registered, but Apicurio 3.0.9 cannot run a
    // compatibility check against a version with references (42201 "Could not execute
    // compatibility rule on invalid Avro schema", whatever is sent), so its gate stops
    // there, naming the subject; Confluent's registry checks such versions.
    let again = stack.avrokit(&["register", "--references", "--registry", registry], &dir, "");
    if !again.status.success() {
        let err = text(&again.stderr);
        assert!(err.contains("42201") && err.contains(&orders), "{err}");
    }

    // Python writes orders with a reference of its own (to a topic the broker creates on
    // first use); the console prints them (a union branch in Avro's JSON encoding).
    let topic = format!("{run}.py");
    let python_money = format!("{run}.shared.Money");
    stack.python("references.py", &["produce", &topic, &python_money, "3"]);
    let (code, lines) = stack.consume(&dir, &topic, 3, &[]);
    assert_eq!(code, 0);
    let values: Vec<Value> = lines.into_iter().map(|line| line["value"].clone()).collect();
    assert_eq!(
        values,
        [
            json!({"order_id": "py-0", "total": {"cents": 0, "currency": "EUR"}, "tip": null}),
            json!({"order_id": "py-1", "total": {"cents": 100, "currency": "EUR"}, "tip": {"shared.Money": {"cents": 1, "currency": "CHF"}}}),
            json!({"order_id": "py-2", "total": {"cents": 200, "currency": "EUR"}, "tip": null}),
        ]
    );

    // Referencing subjects first: a registry keeps a referenced version.
    let python_value = format!("{run}.py-value");
    for subject in [&orders, &refunds, &python_value, &money, &python_money] {
        let _ = client.delete_subject(subject, Deletion::Soft);
        let _ = client.delete_subject(subject, Deletion::Permanent);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
