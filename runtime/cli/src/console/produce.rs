//! `avrokit produce TOPIC`: JSON lines from stdin (bare Avro JSON values, or envelopes
//! with `--envelope`) or `--fake N` random values, encoded by one writer schema and sent
//! in Confluent frames with the runtime's producer settings (`acks=all`, idempotent).
//!
//! The writer schema is the catalog's value type for the topic, registered under the
//! topic's value subject, unless a flag names another: `--schema FILE.avsc` or `--type
//! FULL.NAME` (registered under `--subject`, by default the catalog's subject for that
//! value type, else `<topic>-value`; a topic of several value types needs `--type`), `--subject-latest`
//! (the subject's latest version as it is) or `--schema-id N`. Input is read line by
//! line; at the first line that is not valid for the schema the records before it are
//! flushed and the command stops there, naming the line.

use super::fake::Faker;
use super::key::{KeyEncoding, from_hex};
use super::line::{Envelope, Header};
use super::metadata;
use crate::endpoints::{KafkaArgs, RegistryArgs};
use crate::schema_dir::{self, SchemaPaths};
use anyhow::{Context, bail};
use avrokit::kafka::ProducerSettings;
use avrokit::kafka::rdkafka::error::{KafkaError, RDKafkaErrorCode};
use avrokit::kafka::rdkafka::message::{Header as KafkaHeader, OwnedHeaders};
use avrokit::kafka::rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use avrokit::kafka::rdkafka::{ClientContext, Message};
use avrokit::registry_client::BlockingRegistryClient;
use avrokit::registry_client::Normalize;
use avrokit::{Schema, avro_json, wire};
use avrokit_codegen::catalog::Topic;
use avrokit_codegen::ir::SchemaSet;
use clap::Args;
use serde_json::Value;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Arguments of `avrokit produce`.
#[derive(Args, Debug, Clone)]
pub struct ProduceArgs {
    /// The topic (it must exist: `avrokit topics apply` creates the catalog's).
    pub topic: String,
    /// Encode by this self-contained `.avsc` file (registered under `--subject`).
    #[arg(long, value_name = "FILE.avsc", group = "writer")]
    pub schema: Option<PathBuf>,
    /// Encode by this named type of the schema directory (registered under `--subject`).
    #[arg(long = "type", value_name = "FULL.NAME", group = "writer")]
    pub type_name: Option<String>,
    /// Encode by the subject's latest registered version.
    #[arg(long, group = "writer")]
    pub subject_latest: bool,
    /// Encode by the schema registered with this id.
    #[arg(long, value_name = "ID", group = "writer")]
    pub schema_id: Option<u32>,
    /// The value subject (default: the catalog's subject for the value type, by the
    /// topic's subject strategy; else `<topic>-value`).
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
    /// Input lines are envelopes, `{"key", "value", "headers", "partition",
    /// "timestamp"}`, as `consume` prints them (`"value": null` is a tombstone).
    #[arg(long)]
    pub envelope: bool,
    /// Send this many random valid values instead of reading stdin.
    #[arg(long, value_name = "N", conflicts_with = "envelope")]
    pub fake: Option<u64>,
    /// The seed of `--fake` (the same seed, the same records but for timestamps, which
    /// fall in the day before the run).
    #[arg(long, default_value_t = 0, requires = "fake")]
    pub seed: u64,
    /// How keys are written (default: the catalog's key format, else `string`; `raw`
    /// keys are hex in JSON).
    #[arg(long, value_enum)]
    pub key_format: Option<KeyEncoding>,
    /// The schemas (`--type` looks there) and the catalog, which gives the topic's types.
    #[command(flatten)]
    pub paths: SchemaPaths,
    /// The brokers.
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// A schema to encode by, with the registry id frames carry.
struct Writer {
    schema: Schema,
    id: u32,
    subject: String,
}

impl Writer {
    fn frame(&self, json: &Value) -> Result<Vec<u8>, String> {
        let body = avro_json::from_json(&self.schema, json).map_err(|err| err.to_string())?;
        Ok(wire::frame(self.id, &body))
    }
}

/// Runs `avrokit produce`: exit 0 when every record was acknowledged, 2 at bad input or
/// when Kafka or the registry cannot be used.
pub fn run(args: &ProduceArgs) -> anyhow::Result<ExitCode> {
    let catalog = schema_dir::catalog_topic(&args.paths, &args.topic)?;
    let catalog_topic = catalog.as_ref().map(|(set, topic)| (set, topic));
    let registry = args.registry.blocking_client()?;
    let value = value_writer(args, catalog_topic, &registry)?;
    let keys = KeyEncoding::choose(args.key_format, catalog_topic.map(|(_, topic)| topic));
    let key_writer = match keys {
        KeyEncoding::Avro => Some(key_writer(args, catalog_topic, &registry)?),
        _ => None,
    };
    let brokers = args.kafka.bootstrap()?;
    // Says why the brokers refuse (a failed SASL login, an untrusted certificate), which
    // the producer's own metadata error does not.
    crate::endpoints::reachable(&args.kafka)?;
    let mut settings = ProducerSettings::new(&brokers);
    settings.kafka.overrides = args.kafka.settings()?.overrides;
    let producer: ThreadedProducer<Deliveries> = settings
        .client_config()
        .create_with_context(Deliveries::default())
        .with_context(|| format!("creating a producer for {brokers}"))?;
    metadata::partitions(producer.client(), &args.topic, &brokers)?;
    let mut sender = Sender {
        producer: &producer,
        topic: &args.topic,
        sent: 0,
    };
    let input = match args.fake {
        Some(count) => send_fake(
            &mut sender,
            count,
            args.seed,
            &value,
            catalog_topic,
            keys,
            key_writer.as_ref(),
        ),
        None => send_lines(&mut sender, args.envelope, &value, keys, key_writer.as_ref()),
    };
    let sent = sender.sent;
    producer
        .flush(Duration::from_secs(120))
        .with_context(|| format!("waiting for {sent} record(s) to be acknowledged"))?;
    let deliveries = producer.context();
    let failed = deliveries.failed.load(Ordering::Relaxed);
    let delivered = deliveries.delivered.load(Ordering::Relaxed);
    eprintln!(
        "produce: {delivered} of {sent} record(s) acknowledged on {} (value schema id {} of {})",
        args.topic, value.id, value.subject
    );
    if failed > 0 {
        let first = deliveries.first_error.lock().unwrap_or_else(|e| e.into_inner()).clone();
        bail!(
            "{failed} record(s) were not delivered; the first: {}",
            first.unwrap_or_default()
        );
    }
    input.map(|()| ExitCode::SUCCESS)
}

/// The value's writer schema and id, from the flag that names it or the catalog.
fn value_writer(
    args: &ProduceArgs,
    catalog: Option<(&SchemaSet, &Topic)>,
    registry: &BlockingRegistryClient,
) -> anyhow::Result<Writer> {
    // The catalog names the subject of each value type (by its subject strategy).
    let catalog_subject = catalog.and_then(|(set, topic)| value_subject(set, topic, args.type_name.as_deref()));
    let subject = (args.subject.clone())
        .or(catalog_subject)
        .unwrap_or_else(|| format!("{}-value", args.topic));
    if let Some(id) = args.schema_id {
        let schema = registry
            .schema_by_id(id)
            .with_context(|| format!("fetching schema id {id}"))?;
        return Ok(Writer {
            schema: (*schema).clone(),
            id,
            subject: format!("id {id}"),
        });
    }
    if args.subject_latest {
        let latest = registry
            .latest(&subject)
            .with_context(|| format!("fetching the latest {subject}"))?;
        let schema = Schema::parse(&latest.schema)
            .map_err(|err| anyhow::anyhow!("{subject} version {}: the schema does not load:\n{err}", latest.version))?;
        return Ok(Writer {
            schema,
            id: latest.id,
            subject: format!("{subject} version {}", latest.version),
        });
    }
    let schema = if let Some(file) = &args.schema {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        Schema::parse(&text).map_err(|err| anyhow::anyhow!("{}: the schema does not load:\n{err}", file.display()))?
    } else if let Some(name) = &args.type_name {
        crate::avro::named_type(&args.paths.schemas, name)?
    } else if let Some((set, topic)) = catalog {
        if topic.value_types.len() > 1 {
            let names: Vec<String> = topic.value_types.iter().map(|t| set.describe(t)).collect();
            bail!(
                "topic `{}` has several value types ({}): pass --type FULL.NAME to say which one the records are",
                args.topic,
                names.join(", ")
            );
        }
        schema_dir::runtime_schema(set, &topic.value)?
    } else {
        bail!(
            "no schema for topic `{}`: {} does not list it; pass --schema FILE.avsc, --type FULL.NAME, --subject-latest or --schema-id ID",
            args.topic,
            args.paths.catalog_file().display()
        );
    };
    register(registry, subject, schema)
}

/// The catalog's subject for `topic`'s value type `type_name` (its only value type when
/// `None`): `None` when the topic has no such value type, or several and none is named.
fn value_subject(set: &SchemaSet, topic: &Topic, type_name: Option<&str>) -> Option<String> {
    let mut subjects = topic.value_subjects_with_types();
    let found = match type_name {
        None if topic.value_types.len() == 1 => subjects.next(),
        None => None,
        Some(name) => subjects.find(|(_, schema)| set.describe(schema) == name),
    };
    found.map(|(subject, _)| subject.to_owned())
}

/// The key's writer schema: the catalog's key type under the topic's key subject.
fn key_writer(
    args: &ProduceArgs,
    catalog: Option<(&SchemaSet, &Topic)>,
    registry: &BlockingRegistryClient,
) -> anyhow::Result<Writer> {
    match catalog {
        Some((set, topic)) if topic.key.is_some() => {
            let key = topic
                .key
                .as_ref()
                .map(|key| schema_dir::runtime_schema(set, key))
                .transpose()?;
            let schema = key.context("the catalog names no key type")?;
            register(registry, format!("{}-key", args.topic), schema)
        }
        _ => bail!(
            "Avro keys need a key type: {} names none for `{}`",
            args.paths.catalog_file().display(),
            args.topic
        ),
    }
}

fn register(registry: &BlockingRegistryClient, subject: String, schema: Schema) -> anyhow::Result<Writer> {
    let id = registry
        .register(&subject, schema.json(), Normalize::AsSent)
        .with_context(|| format!("registering the schema under {subject}"))?;
    Ok(Writer { schema, id, subject })
}

/// Sends records, waiting for room when the local queue is full.
struct Sender<'a> {
    producer: &'a ThreadedProducer<Deliveries>,
    topic: &'a str,
    sent: u64,
}

/// One record to send.
struct Outgoing {
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<Header>,
    partition: Option<i32>,
    timestamp: Option<i64>,
}

impl Sender<'_> {
    fn send(&mut self, record: Outgoing) -> anyhow::Result<()> {
        let mut headers = OwnedHeaders::new_with_capacity(record.headers.len());
        for (key, value) in &record.headers {
            headers = headers.insert(KafkaHeader {
                key,
                value: value.as_deref(),
            });
        }
        let mut base: BaseRecord<'_, [u8], [u8]> = BaseRecord::to(self.topic).headers(headers);
        if let Some(key) = &record.key {
            base = base.key(key.as_slice());
        }
        if let Some(value) = &record.value {
            base = base.payload(value.as_slice());
        }
        if let Some(partition) = record.partition {
            base = base.partition(partition);
        }
        if let Some(timestamp) = record.timestamp {
            base = base.timestamp(timestamp);
        }
        loop {
            match self.producer.send(base) {
                Ok(()) => break,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    // Backpressure: the producer's thread drains the queue meanwhile.
                    std::thread::sleep(Duration::from_millis(5));
                    base = back;
                }
                Err((err, _)) => bail!("sending record {}: {err}", self.sent + 1),
            }
        }
        self.sent += 1;
        Ok(())
    }
}

fn send_lines(
    sender: &mut Sender<'_>,
    envelope: bool,
    value: &Writer,
    keys: KeyEncoding,
    key_writer: Option<&Writer>,
) -> anyhow::Result<()> {
    let stdin = std::io::stdin().lock();
    for (index, line) in stdin.lines().enumerate() {
        let number = index + 1;
        let line = line.with_context(|| format!("reading stdin line {number}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = outgoing(&line, envelope, value, keys, key_writer).map_err(|err| {
            anyhow::anyhow!(
                "stdin:{number}: {err}; the {} record(s) before it were sent",
                sender.sent
            )
        })?;
        sender.send(record)?;
    }
    Ok(())
}

/// The record of one input line.
fn outgoing(
    line: &str,
    envelope: bool,
    value: &Writer,
    keys: KeyEncoding,
    key_writer: Option<&Writer>,
) -> Result<Outgoing, String> {
    let json: Value = serde_json::from_str(line).map_err(|err| format!("not JSON: {err}"))?;
    let parsed = if envelope {
        Envelope::parse(json)?
    } else {
        Envelope {
            key: Value::Null,
            value: Some(json),
            headers: Vec::new(),
            partition: None,
            timestamp: None,
        }
    };
    let framed_value = match &parsed.value {
        None => None,
        Some(json) => Some(value.frame(json).map_err(|err| {
            let hint = if json.is_null() && !envelope {
                " (a tombstone is the envelope {\"key\": ..., \"value\": null} with --envelope)"
            } else {
                ""
            };
            format!("the value does not match {}: {err}{hint}", value.subject)
        })?),
    };
    Ok(Outgoing {
        key: key_bytes(&parsed.key, keys, key_writer)?,
        value: framed_value,
        headers: parsed.headers,
        partition: parsed.partition,
        timestamp: parsed.timestamp,
    })
}

fn key_bytes(key: &Value, keys: KeyEncoding, key_writer: Option<&Writer>) -> Result<Option<Vec<u8>>, String> {
    Ok(match (key, keys) {
        (Value::Null, _) => None,
        (Value::String(text), KeyEncoding::String) => Some(text.as_bytes().to_vec()),
        (Value::String(text), KeyEncoding::Raw) => {
            Some(from_hex(text).ok_or_else(|| format!("the key `{text}` is not hex (--key-format raw)"))?)
        }
        (json, KeyEncoding::Avro) => {
            let writer = key_writer.ok_or("no key schema")?;
            Some(
                writer
                    .frame(json)
                    .map_err(|err| format!("the key does not match {}: {err}", writer.subject))?,
            )
        }
        (other, _) => return Err(format!("the key is a JSON string (or null), not {other}")),
    })
}

fn send_fake(
    sender: &mut Sender<'_>,
    count: u64,
    seed: u64,
    value: &Writer,
    catalog: Option<(&SchemaSet, &Topic)>,
    keys: KeyEncoding,
    key_writer: Option<&Writer>,
) -> anyhow::Result<()> {
    let mut faker = Faker::starting_now(seed);
    let has_key = catalog.is_some_and(|(_, topic)| topic.key.is_some());
    for _ in 0..count {
        let body = faker.value(value.schema.types(), value.schema.root());
        let key = match (has_key, keys, key_writer) {
            (false, _, _) => None,
            (true, KeyEncoding::Avro, Some(writer)) => {
                let body = faker.value(writer.schema.types(), writer.schema.root());
                Some(wire::frame(writer.id, &body))
            }
            (true, _, _) => Some(faker.word().into_bytes()),
        };
        sender.send(Outgoing {
            key,
            value: Some(wire::frame(value.id, &body)),
            headers: Vec::new(),
            partition: None,
            timestamp: None,
        })?;
    }
    Ok(())
}

/// Counts acknowledgements and failures, keeping the first failure's message.
#[derive(Default)]
struct Deliveries {
    delivered: AtomicU64,
    failed: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl ClientContext for Deliveries {}

impl ProducerContext for Deliveries {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        match result {
            Ok(_) => {
                self.delivered.fetch_add(1, Ordering::Relaxed);
            }
            Err((err, message)) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                let mut first = self.first_error.lock().unwrap_or_else(|e| e.into_inner());
                first.get_or_insert_with(|| format!("{err} (partition {})", message.partition()));
            }
        }
    }
}
