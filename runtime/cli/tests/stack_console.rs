//! `avrokit consume` and `avrokit produce` against the stack's broker and registry, on
//! scratch topics of their own (`avrokit topics apply` on a prefixed copy of the
//! catalog), with Python confluent-kafka (`tests/stack/interop/kafka_interop.py`) on the
//! other side both ways:
//!
//! - records Python's AvroSerializer wrote are printed with key, offset and schema id;
//! - `produce --fake` records are read back by Python's AvroDeserializer;
//! - `consume | produce --envelope` copies records, headers and a tombstone exactly;
//! - a garbage frame and an unknown schema id are error lines and the consumer goes on;
//! - an unknown topic, an unreachable broker or registry, a registry refusing the
//!   credentials and a bad input line are exit 2 with a message saying which.
//!
//! Without a running stack each test prints `SKIPPED ...` and passes.

mod running_stack;
mod scratch;

use avrokit::kafka::rdkafka::ClientConfig;
use avrokit::kafka::rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use running_stack::KafkaStack;
use scratch::{scratch_name, scratch_schemas};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

/// A run's scratch catalog with its topics created on the broker.
struct Scratch {
    schemas: PathBuf,
    prefix: String,
    stack: KafkaStack,
}

impl Scratch {
    fn new(test: &str) -> Option<Scratch> {
        let stack = KafkaStack::find(test)?;
        let prefix = scratch_name(&format!("console-{test}"));
        let schemas = scratch_schemas(&prefix);
        let scratch = Scratch { schemas, prefix, stack };
        let out = scratch.avrokit(&["topics", "apply"], None);
        assert!(out.status.success(), "topics apply: {}", text(&out.stderr));
        Some(scratch)
    }

    fn topic(&self, name: &str) -> String {
        format!("{}.{name}", self.prefix)
    }

    /// Runs `avrokit ARGS --schemas SCRATCH` with the stack in the environment.
    fn avrokit(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.stack.avrokit(args, &self.schemas, stdin.unwrap_or_default())
    }

    /// `avrokit consume TOPIC --from-beginning` until `count` records; see
    /// [`KafkaStack::consume`].
    fn consume(&self, topic: &str, count: usize, extra: &[&str]) -> (i32, Vec<Value>) {
        self.stack.consume(&self.schemas, topic, count, extra)
    }

    fn python(&self, args: &[&str]) -> String {
        self.stack.python("kafka_interop.py", args)
    }

    /// Sends `payload` as it is (no framing), to plant records avrokit did not write.
    fn send_raw(&self, topic: &str, key: &str, payload: &[u8]) {
        let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
            .set("bootstrap.servers", &self.stack.bootstrap)
            .create()
            .unwrap();
        producer
            .send(BaseRecord::to(topic).key(key).payload(payload))
            .map_err(|(err, _)| err)
            .unwrap();
        producer.flush(Duration::from_secs(30)).unwrap();
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn records_cross_between_the_console_and_python_confluent_kafka() {
    let Some(scratch) = Scratch::new("python") else { return };
    let topic = scratch.topic("telescope.data");
    scratch.python(&["produce", &topic, "3"]);
    let (code, lines) = scratch.consume(&topic, 3, &[]);
    assert_eq!(code, 0);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["topic"], json!(topic));
        assert_eq!(
            (line["partition"].clone(), line["offset"].clone()),
            (json!(0), json!(i))
        );
        assert_eq!(line["key"], json!(format!("py-{i}")));
        assert!(line["schema_id"].as_u64().is_some(), "{line}");
        assert!(line["timestamp"].as_i64().is_some(), "{line}");
        assert_eq!(line["value"]["data_id"], json!(format!("py-{i}")));
        assert_eq!(line["value"]["sequence_number"], json!(i));
        assert_eq!(line["value"]["timestamp"], json!(1_700_000_000_123i64));
        assert_eq!(
            line["value"]["data"],
            json!("\u{0}\u{1}\u{fe}\u{ff}"),
            "bytes as code points"
        );
        assert_eq!(
            line["value"]["processing_pipeline_version"],
            json!({"string": "pipe-2.1"})
        );
    }

    let out = scratch.avrokit(&["produce", &topic, "--fake", "20", "--seed", "3"], None);
    assert!(out.status.success());
    assert!(text(&out.stderr).contains("20 of 20 record(s) acknowledged"));
    let (_, ours) = scratch.consume(&topic, 23, &[]);
    let from_python: Vec<Value> = scratch
        .python(&["consume", &topic, "23"])
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(from_python.len(), 23);
    for (python, ours) in from_python.iter().zip(&ours).skip(3) {
        assert_eq!(python["key"], ours["key"], "text keys");
        for field in ["data_id", "observation_id", "sequence_number", "timestamp", "processed"] {
            assert_eq!(python["value"][field], ours["value"][field], "{field}");
        }
        let data: String = ours["value"]["data"]
            .as_str()
            .unwrap()
            .chars()
            .map(|c| format!("{:02x}", c as u32))
            .collect();
        assert_eq!(python["value"]["data"], json!(data));
    }
}

#[test]
fn consume_then_produce_envelope_copies_records_headers_and_tombstones() {
    let Some(scratch) = Scratch::new("copy") else { return };
    let (from, to) = (scratch.topic("telescope.data"), scratch.topic("telescope.status"));
    let fake = scratch.avrokit(&["produce", &from, "--fake", "5"], None);
    assert!(fake.status.success());
    let (_, mut lines) = scratch.consume(&from, 5, &[]);
    // A header (text and binary) and a tombstone, as a user would write them.
    let first = lines[0].as_object_mut().unwrap();
    first.insert(
        "headers".into(),
        json!([{"key": "trace", "value": "t-1"}, {"key": "raw", "value_hex": "00ff"}]),
    );
    lines.push(json!({"key": "gone", "value": null}));
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    // The copy goes to another topic whose catalog type differs: name the type.
    let copy = scratch.avrokit(
        &["produce", &to, "--envelope", "--type", "astro.beam.TelescopeData"],
        Some(&input),
    );
    assert!(copy.status.success(), "{}", text(&copy.stderr));
    let (code, copied) = scratch.consume(&to, 6, &[]);
    assert_eq!(code, 0);
    for (original, copy) in lines.iter().zip(&copied).take(5) {
        assert_eq!(copy["key"], original["key"]);
        assert_eq!(copy["value"], original["value"]);
        assert_eq!(copy["headers"], original["headers"]);
        assert_eq!(
            copy["timestamp"], original["timestamp"],
            "the envelope's timestamp is kept"
        );
    }
    assert_eq!(copied[5]["key"], json!("gone"));
    assert_eq!(
        (copied[5]["value"].clone(), copied[5]["schema_id"].clone()),
        (Value::Null, Value::Null)
    );
}

#[test]
fn unreadable_records_are_error_lines_and_the_consumer_goes_on() {
    let Some(scratch) = Scratch::new("garbage") else { return };
    let topic = scratch.topic("telescope.data");
    scratch.send_raw(&topic, "plain", b"{\"not\": \"avro\"}");
    scratch.send_raw(&topic, "unknown-id", &[0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]);
    let fake = scratch.avrokit(&["produce", &topic, "--fake", "1"], None);
    assert!(fake.status.success());
    let (code, lines) = scratch.consume(&topic, 3, &[]);
    assert_eq!(code, 1, "unreadable records are a finding");
    assert_eq!(lines[0]["offset"], json!(0));
    assert!(
        lines[0]["error"].as_str().unwrap().contains("magic byte"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[0]["first_bytes_hex"], json!("7b226e6f74223a20226176726f227d"));
    assert_eq!(lines[1]["offset"], json!(1));
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("schema id 2147483632 is not in the registry"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2]["offset"], json!(2));
    assert!(
        lines[2]["value"]["data_id"].is_string(),
        "the good record after them: {}",
        lines[2]
    );
    // The same from one partition at an offset.
    let (_, one) = scratch.consume(&topic, 1, &["--partition", "0", "--offset", "2"]);
    assert_eq!(one[0]["offset"], json!(2));
}

#[test]
fn bad_input_and_unusable_services_are_exit_2_with_a_reason() {
    let Some(scratch) = Scratch::new("bad") else { return };
    let topic = scratch.topic("telescope.data");
    let stderr = |out: &Output| text(&out.stderr);

    let misspelt = scratch.avrokit(&["consume", &format!("{topic}x"), "--timeout", "1"], None);
    assert_eq!(misspelt.status.code(), Some(2));
    assert!(
        stderr(&misspelt).contains(&format!("did you mean `{topic}`")),
        "{}",
        stderr(&misspelt)
    );

    let no_broker = running_stack::avrokit(
        &["produce", &topic, "--fake", "1"],
        &scratch.schemas,
        "127.0.0.1:9",
        &scratch.stack.registry,
        "",
    );
    assert_eq!(no_broker.status.code(), Some(2));
    assert!(
        stderr(&no_broker).contains("cannot reach Kafka at 127.0.0.1:9"),
        "{}",
        stderr(&no_broker)
    );

    let no_registry = running_stack::avrokit(
        &["produce", &topic, "--fake", "1"],
        &scratch.schemas,
        &scratch.stack.bootstrap,
        "http://127.0.0.1:9",
        "",
    );
    assert_eq!(no_registry.status.code(), Some(2));
    assert!(
        stderr(&no_registry).contains("cannot reach the registry"),
        "{}",
        stderr(&no_registry)
    );

    let bad_line = scratch.avrokit(&["produce", &topic], Some("{\"data_id\": 1}\n"));
    assert_eq!(bad_line.status.code(), Some(2));
    assert!(
        stderr(&bad_line).contains("stdin:1: the value does not match"),
        "{}",
        stderr(&bad_line)
    );

    // A registry refusing the credentials stops the consumer before the record, which
    // its group then still has to read.
    let fake = scratch.avrokit(&["produce", &topic, "--fake", "1"], None);
    assert!(fake.status.success());
    let refusing = refusing_registry();
    let group = format!("{}-group", scratch.prefix);
    let args = [
        "consume",
        topic.as_str(),
        "--from-beginning",
        "--group",
        group.as_str(),
        "--timeout",
        "20",
        "--max-messages",
        "1",
    ];
    let refused = running_stack::avrokit(&args, &scratch.schemas, &scratch.stack.bootstrap, &refusing, "");
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("not authorized"), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("@0 (not committed)"), "{}", stderr(&refused));
    let again = scratch.avrokit(&args, None);
    assert!(again.status.success());
    let line: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(line["offset"], json!(0), "the refused record was not skipped");
}

/// A registry that answers every request 401, as one does to missing credentials.
fn refusing_registry() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let body = r#"{"error_code":401,"message":"Unauthorized"}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}
