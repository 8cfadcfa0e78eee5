//! `avrokit consume TOPIC`: records as JSON lines ([`super::line`]), each value decoded by
//! the writer schema its frame names (fetched from the registry by id, once per id).
//!
//! Without `--group` the consumer is anonymous and commits nothing, so looking at a
//! topic leaves no trace in `avrokit lag`; with `--group` it commits the offsets of the
//! records it printed. A record that cannot be read (not a Confluent frame, an id the
//! registry does not know, bytes that do not match the writer schema, a key that is not
//! what `--key-format` says) is printed as an error line and the consumer goes on; a
//! registry that cannot be asked at all (unreachable, credentials refused) stops it
//! before the record is committed, so nothing is skipped.

use super::key::{KeyEncoding, hex};
use super::line::{Header, Position, RecordLine, error_line};
use super::metadata;
use crate::endpoints::{KafkaArgs, RegistryArgs};
use crate::schema_dir::{self, SchemaPaths};
use anyhow::{Context, bail};
use avrokit::kafka::rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use avrokit::kafka::rdkafka::message::{BorrowedMessage, Headers};
use avrokit::kafka::rdkafka::{Message, Offset, TopicPartitionList};
use avrokit::kafka::{ConsumerSettings, OffsetCommit};
use avrokit::registry_client::{BlockingRegistryClient, RegistryError, RegistryErrorKind};
use avrokit::{avro_json, wire};
use clap::Args;
use serde_json::Value;
use std::io::Write;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// Arguments of `avrokit consume`.
#[derive(Args, Debug, Clone)]
pub struct ConsumeArgs {
    /// The topic.
    pub topic: String,
    /// Start at the oldest record (default: only records produced from now on). With
    /// `--group`, only where the group has no committed offset yet.
    #[arg(long)]
    pub from_beginning: bool,
    /// Stop after this many records (error lines count).
    #[arg(long, value_name = "N")]
    pub max_messages: Option<u64>,
    /// Consume as this consumer group and commit what was printed (default: an
    /// anonymous group that commits nothing).
    #[arg(long)]
    pub group: Option<String>,
    /// Read only this partition (assigned, not subscribed).
    #[arg(long, value_name = "N")]
    pub partition: Option<i32>,
    /// Where to start in `--partition`: an offset, `beginning`, `end`, or `-N` for the
    /// last N records.
    #[arg(long, requires = "partition", allow_hyphen_values = true)]
    pub offset: Option<StartOffset>,
    /// Stop when no record has arrived for this many seconds (default: wait forever).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// How keys are written (default: the catalog's key format for the topic, else
    /// `string`).
    #[arg(long, value_enum)]
    pub key_format: Option<KeyEncoding>,
    /// The schemas and the catalog, which gives the topic's key format.
    #[command(flatten)]
    pub paths: SchemaPaths,
    /// The brokers.
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// The registry the writer schemas come from.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// Where `--offset` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOffset {
    /// The partition's oldest record.
    Beginning,
    /// After its newest record.
    End,
    /// This offset.
    At(i64),
    /// This many records before the end.
    Tail(i64),
}

impl FromStr for StartOffset {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "beginning" | "earliest" => Ok(StartOffset::Beginning),
            "end" | "latest" => Ok(StartOffset::End),
            _ => match text.parse::<i64>() {
                Ok(n) if n >= 0 => Ok(StartOffset::At(n)),
                Ok(n) => Ok(StartOffset::Tail(n.saturating_neg())),
                Err(_) => Err(format!(
                    "`{text}` is not an offset: a number, `beginning`, `end` or -N (the last N)"
                )),
            },
        }
    }
}

impl StartOffset {
    fn to_kafka(self) -> Offset {
        match self {
            StartOffset::Beginning => Offset::Beginning,
            StartOffset::End => Offset::End,
            StartOffset::At(n) => Offset::Offset(n),
            StartOffset::Tail(n) => Offset::OffsetTail(n),
        }
    }
}

/// Why a record could not be printed.
enum Unreadable {
    /// This record: printed as an error line, then the next one.
    Record(String),
    /// The registry cannot be asked: stop, the record uncommitted.
    Registry(RegistryError),
}

/// Runs `avrokit consume`: exit 0, 1 when some records could not be read (each printed
/// as an error line), 2 when Kafka or the registry cannot be used.
pub fn run(args: &ConsumeArgs) -> anyhow::Result<ExitCode> {
    let catalog = schema_dir::catalog_topic(&args.paths, &args.topic).unwrap_or_else(|err| {
        eprintln!("warning: {err:#}\nwarning: keys are read as --key-format says, or as text");
        None
    });
    let keys = KeyEncoding::choose(args.key_format, catalog.as_ref().map(|(_, topic)| topic));
    let registry = args.registry.blocking_client()?;
    let brokers = args.kafka.bootstrap()?;
    // Says why the brokers refuse (a failed SASL login, an untrusted certificate), which
    // the consumer's own metadata error does not.
    crate::endpoints::reachable(&args.kafka)?;
    let consumer = consumer(args, &brokers)?;
    let partitions = metadata::partitions(consumer.client(), &args.topic, &brokers)?;
    match args.partition {
        Some(p) if usize::try_from(p).map_or(true, |p| p >= partitions) => {
            bail!("topic `{}` has partitions 0..{partitions}, not {p}", args.topic)
        }
        Some(p) => {
            let start = args.offset.unwrap_or(if args.from_beginning {
                StartOffset::Beginning
            } else {
                StartOffset::End
            });
            let mut assignment = TopicPartitionList::new();
            assignment.add_partition_offset(&args.topic, p, start.to_kafka())?;
            consumer.assign(&assignment).context("assigning the partition")?;
        }
        None => consumer.subscribe(&[&args.topic]).context("subscribing")?,
    }
    let summary = print_records(args, &consumer, keys, &registry);
    if args.group.is_some() {
        // Nothing stored yet is not an error worth reporting.
        let _ = consumer.commit_consumer_state(CommitMode::Sync);
    }
    let unreadable = summary?;
    Ok(if unreadable > 0 {
        eprintln!("consume: {unreadable} record(s) could not be read (see the error lines)");
        ExitCode::from(crate::FINDING)
    } else {
        ExitCode::SUCCESS
    })
}

/// The consumer: the runtime's consumer settings (manual offset store), reset where the
/// flags say, anonymous and non-committing without `--group`.
fn consumer(args: &ConsumeArgs, brokers: &str) -> anyhow::Result<BaseConsumer> {
    let group = args
        .group
        .clone()
        .unwrap_or_else(|| format!("avrokit-console-{}", std::process::id()));
    let mut settings = ConsumerSettings::new(brokers, group, [args.topic.as_str()]);
    settings.kafka.overrides = args.kafka.settings()?.overrides;
    if args.group.is_some() {
        settings.commit = OffsetCommit::Background;
    }
    let reset = if args.from_beginning { "earliest" } else { "latest" };
    let mut config = settings.client_config();
    // A `-X auto.offset.reset=...` given by the user wins over the flag's default.
    if !settings.kafka.overrides.contains_key("auto.offset.reset") {
        config.set("auto.offset.reset", reset);
    }
    config
        .create()
        .with_context(|| format!("creating a consumer for {brokers}"))
}

/// Prints records until `--max-messages` or `--timeout`; the count of unreadable ones.
fn print_records(
    args: &ConsumeArgs,
    consumer: &BaseConsumer,
    keys: KeyEncoding,
    registry: &BlockingRegistryClient,
) -> anyhow::Result<u64> {
    let idle_limit = args.timeout.map(Duration::from_secs_f64);
    let mut stdout = std::io::stdout().lock();
    let (mut printed, mut unreadable) = (0u64, 0u64);
    let mut last_record = Instant::now();
    while args.max_messages.is_none_or(|max| printed < max) {
        let message = match consumer.poll(Duration::from_millis(200)) {
            None => {
                if idle_limit.is_some_and(|limit| last_record.elapsed() >= limit) {
                    break;
                }
                continue;
            }
            Some(Err(err)) => {
                eprintln!("warning: kafka: {err}");
                continue;
            }
            Some(Ok(message)) => message,
        };
        last_record = Instant::now();
        let position = Position {
            topic: message.topic().to_owned(),
            partition: message.partition(),
            offset: message.offset(),
            timestamp: message.timestamp().to_millis(),
        };
        let line = match read(&message, position.clone(), keys, registry) {
            Ok(line) => line.to_json(),
            Err(Unreadable::Record(error)) => {
                unreadable += 1;
                error_line(&position, &error, message.payload().unwrap_or_default())
            }
            Err(Unreadable::Registry(err)) => {
                return Err(anyhow::Error::new(err).context(format!(
                    "reading {}[{}]@{} (not committed)",
                    position.topic, position.partition, position.offset
                )));
            }
        };
        writeln!(stdout, "{line}")?;
        stdout.flush()?;
        printed += 1;
        if args.group.is_some() {
            consumer.store_offset_from_message(&message)?;
        }
    }
    Ok(unreadable)
}

/// The line of one record.
fn read(
    message: &BorrowedMessage<'_>,
    position: Position,
    keys: KeyEncoding,
    registry: &BlockingRegistryClient,
) -> Result<RecordLine, Unreadable> {
    let (key, key_schema_id) = match (message.key(), keys) {
        (None, _) => (Value::Null, None),
        (Some(bytes), KeyEncoding::String) => match std::str::from_utf8(bytes) {
            Ok(text) => (Value::String(text.to_owned()), None),
            Err(_) => {
                return Err(Unreadable::Record(format!(
                    "the key is not UTF-8 (key bytes {}; try --key-format raw)",
                    hex(&bytes[..bytes.len().min(16)])
                )));
            }
        },
        (Some(bytes), KeyEncoding::Raw) => (Value::String(hex(bytes)), None),
        (Some(bytes), KeyEncoding::Avro) => {
            let (id, json) = decode(bytes, registry, "key")?;
            (json, Some(id))
        }
    };
    let (schema_id, value) = match message.payload() {
        None => (None, Value::Null),
        Some(bytes) => {
            let (id, json) = decode(bytes, registry, "value")?;
            (Some(id), json)
        }
    };
    Ok(RecordLine {
        position,
        headers: headers(message),
        key,
        key_schema_id,
        schema_id,
        value,
    })
}

/// A Confluent frame as its schema id and Avro JSON, by the writer schema of the id.
fn decode(bytes: &[u8], registry: &BlockingRegistryClient, what: &str) -> Result<(u32, Value), Unreadable> {
    let (id, body) = wire::unframe(bytes).map_err(|err| Unreadable::Record(format!("the {what}: {err}")))?;
    let schema = registry.schema_by_id(id).map_err(|err| match err.kind() {
        RegistryErrorKind::SchemaNotFound { .. } => {
            Unreadable::Record(format!("the {what}'s schema id {id} is not in the registry"))
        }
        RegistryErrorKind::InvalidResponse { .. } => Unreadable::Record(format!("the {what}'s schema id {id}: {err}")),
        _ => Unreadable::Registry(err),
    })?;
    let json = avro_json::to_json(&schema, body)
        .map_err(|err| Unreadable::Record(format!("the {what} does not match its writer schema (id {id}): {err}")))?;
    Ok((id, json))
}

fn headers(message: &BorrowedMessage<'_>) -> Vec<Header> {
    message.headers().map_or_else(Vec::new, |headers| {
        headers
            .iter()
            .map(|header| (header.key.to_owned(), header.value.map(<[u8]>::to_vec)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_numbers_ends_or_a_tail() {
        assert_eq!("42".parse(), Ok(StartOffset::At(42)));
        assert_eq!("-10".parse(), Ok(StartOffset::Tail(10)));
        assert_eq!("beginning".parse(), Ok(StartOffset::Beginning));
        assert_eq!("latest".parse(), Ok(StartOffset::End));
        assert!("soon".parse::<StartOffset>().unwrap_err().contains("not an offset"));
    }
}
