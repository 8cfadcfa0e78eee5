//! The measured side of `cargo xtask bench e2e` (which builds it in release mode, runs it
//! and prints the tables): one client per process, so the process's own CPU time
//! (`getrusage(RUSAGE_SELF)`: the application thread and librdkafka's threads) is that
//! client's cost.
//!
//! ```text
//! e2e-bench topics create|delete TOPIC...
//!     scratch topics with the catalog's dev settings of telescope.data (partitions,
//!     replication, configs), so every contender writes the same kind of topic
//! e2e-bench fill TYPE TOPIC RECORDS FRAMES_FILE
//!     avrokit's producer writes RECORDS records of TYPE into TOPIC (the consumers' and
//!     sinks' input) and FRAMES_FILE the keys and framed values (Python's input)
//! e2e-bench produce CONTENDER TYPE TOPIC RECORDS ROUNDS
//!     ROUNDS rounds of RECORDS records of TYPE through one producer: avrokit-send,
//!     raw-send, avrokit-stream, raw-stream, avrokit-post or raw-threaded
//! e2e-bench consume CONTENDER TYPE TOPIC GROUP RECORDS MAX_BATCH
//!     reads the first RECORDS records of TOPIC as group GROUP, in batches of up to
//!     MAX_BATCH, and decodes them:
//!     avrokit (the typed Consumer: decoding into the values it keeps from batch to batch,
//!     commits after each batch), avrokit-background (the same, offsets committed in the
//!     background), avrokit-fresh (new values for every record, commits after each batch)
//!     or raw (a StreamConsumer, unframing and the derived from_avro; raw-commit: with a
//!     synchronous commit every MAX_BATCH records, as avrokit's default)
//! e2e-bench sink TYPE TOPIC GROUP TABLE MAX_BATCH STRATEGY COMMIT
//!     `postgres_sink::run` from TOPIC into TABLE (a scratch copy of the type's table)
//!     until SIGINT/SIGTERM, writing with STRATEGY (insert, unnest or copy) and
//!     committing offsets after each batch (sync) or in the background
//! e2e-bench watch TABLE KEY_COLUMN ROWS LAST_KEY
//!     waits until TABLE holds ROWS rows, LAST_KEY among them; prints when the first
//!     and the last rows appeared
//! e2e-bench copy FROM_TABLE TO_TABLE FILE
//!     psql dumps FROM_TABLE into FILE (untimed), then a second psql loads FILE into
//!     TO_TABLE with `\copy ... (FORMAT binary)`; prints its time and CPU (psql's, and
//!     its server backend's when /proc shows it)
//! ```
//!
//! TYPE is `telescope` (TelescopeData with a 1 KiB payload) or `access` (AccessEvent,
//! about 80 bytes). `produce` and `consume` print one JSON object: seconds and CPU seconds
//! per round. KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL and DATABASE_URL come from the
//! environment.

use avrokit::chrono::{DateTime, Utc};
use avrokit::kafka::rdkafka::ClientConfig;
use avrokit::kafka::rdkafka::ClientContext;
use avrokit::kafka::rdkafka::admin::{AdminClient, AdminOptions};
use avrokit::kafka::rdkafka::client::DefaultClientContext;
use avrokit::kafka::rdkafka::consumer::{CommitMode, Consumer as _, StreamConsumer};
use avrokit::kafka::rdkafka::error::{KafkaError, RDKafkaErrorCode};
use avrokit::kafka::rdkafka::message::Message as _;
use avrokit::kafka::rdkafka::producer::{
    BaseRecord, DeliveryResult, FutureProducer, FutureRecord, Producer as _, ProducerContext, ThreadedProducer,
};
use avrokit::kafka::topics::{TopicAdmin, TopicPlan, TopicSpec};
use avrokit::kafka::{
    Consumer, ConsumerSettings, OffsetCommit, Producer, ProducerSettings, WriterSchemas, postgres_sink,
};
use avrokit::postgres::{PgSink, SinkTable, Strategy, connect};
use avrokit::registry_client::{RegistryClient, RegistryConfig, Serializer};
use avrokit::topic::SinkSpec;
use avrokit::{AvroMessage, Topic};
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_generated::smart::access::{AccessEvent, AccessEventType};
use avrokit_generated::topics;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::error::Error;
use std::future::Future;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

type BoxError = Box<dyn Error + Send + Sync>;

/// The size of TelescopeData's `data` field: a 1 KiB payload.
const PAYLOAD: usize = 1024;
/// Deliveries awaited at once by each Rust contender: far more than a linger batch, far
/// fewer than librdkafka's queue (100k), so neither side ever waits on the other.
const WINDOW: usize = 10_000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["topics", "create", names @ ..] => create_topics(names).await,
        ["topics", "delete", names @ ..] => delete_topics(names).await,
        ["fill", kind, topic, records, frames] => match *kind {
            "telescope" => fill::<TelescopeData>(topic, records, frames).await,
            "access" => fill::<AccessEvent>(topic, records, frames).await,
            _ => Err(unknown_type(kind)),
        },
        ["produce", contender, kind, topic, records, rounds] => match *kind {
            "telescope" => produce::<TelescopeData>(contender, topic, records, rounds).await,
            "access" => produce::<AccessEvent>(contender, topic, records, rounds).await,
            _ => Err(unknown_type(kind)),
        },
        ["consume", contender, kind, topic, group, records, max_batch] => match *kind {
            "telescope" => consume::<TelescopeData>(contender, topic, group, records, max_batch).await,
            "access" => consume::<AccessEvent>(contender, topic, group, records, max_batch).await,
            _ => Err(unknown_type(kind)),
        },
        ["sink", kind, topic, group, table, max_batch, strategy, commit] => match *kind {
            "telescope" => sink::<TelescopeData>(topic, group, table, max_batch, strategy, commit).await,
            "access" => sink::<AccessEvent>(topic, group, table, max_batch, strategy, commit).await,
            _ => Err(unknown_type(kind)),
        },
        ["watch", table, key_column, rows, last_key] => watch(table, key_column, rows, last_key).await,
        ["copy", from, to, file] => copy(from, to, file),
        _ => Err("usage: see the comment at the top of tests/bin/e2e_bench.rs".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("e2e-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn unknown_type(kind: &str) -> BoxError {
    format!("unknown record type {kind:?} (telescope or access)").into()
}

fn env(key: &str) -> Result<String, BoxError> {
    std::env::var(key).map_err(|_| format!("{key} is not set").into())
}

fn registry() -> Result<RegistryClient, BoxError> {
    Ok(RegistryClient::new(RegistryConfig::new(env("SCHEMA_REGISTRY_URL")?))?)
}

/// CPU seconds (user + system) of this whole process so far: every thread, librdkafka's
/// included.
fn cpu_secs() -> f64 {
    rusage_secs(libc::RUSAGE_SELF)
}

/// CPU seconds of this process's children that were waited for.
fn children_cpu_secs() -> f64 {
    rusage_secs(libc::RUSAGE_CHILDREN)
}

/// User + system seconds of `getrusage(who)`.
fn rusage_secs(who: libc::c_int) -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a whole `rusage` into the zeroed buffer it is given, and
    // only reads `who`, one of the two constants above.
    let usage = unsafe {
        libc::getrusage(who, usage.as_mut_ptr());
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// A record type the bench sends: how record `i` looks, its key, and the catalog topic
/// whose settings and sink the scratch topics copy.
trait BenchRecord: AvroMessage + Clone + Send + Sync + 'static {
    /// The catalog's topic of this type.
    const TOPIC: Topic<str, Self>;

    /// Record `i` of every run; distinct primary keys in offset order.
    fn record(i: usize) -> Self;

    /// Its Kafka key.
    fn key(&self) -> &str;

    /// Its primary key in the sink's table, as text.
    fn primary_key(&self) -> String;

    /// Something of the decoded value, so no decode is optimised away.
    fn touch(&self) -> usize;
}

impl BenchRecord for TelescopeData {
    const TOPIC: Topic<str, Self> = topics::TELESCOPE_DATA;

    /// Zero-padded keys, and an incompressible payload (lz4 gets no free ride).
    fn record(i: usize) -> Self {
        let mut state = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let data = (0..PAYLOAD / 8)
            .flat_map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()
            })
            .collect();
        let processed = i.is_multiple_of(2);
        TelescopeData {
            data_id: format!("e2e-{i:09}"),
            observation_id: format!("e2e-obs-{}", i / 1000),
            sequence_number: (i % 1000) as i32,
            timestamp: DateTime::<Utc>::from_timestamp_millis(1_700_000_000_000 + i as i64).unwrap_or_default(),
            data,
            processed,
            processing_pipeline_version: processed.then(|| "pipe-2.1".to_owned()),
        }
    }

    fn key(&self) -> &str {
        &self.data_id
    }

    fn primary_key(&self) -> String {
        self.data_id.clone()
    }

    fn touch(&self) -> usize {
        self.data.len() + self.data_id.len()
    }
}

impl BenchRecord for AccessEvent {
    const TOPIC: Topic<str, Self> = topics::SMART_ACCESS_EVENTS;

    fn record(i: usize) -> Self {
        const SOURCES: [&str; 3] = ["app", "keypad", "rfid"];
        const TYPES: [AccessEventType; 3] = [AccessEventType::Open, AccessEventType::Close, AccessEventType::Fail];
        AccessEvent {
            event_id: avrokit::uuid::Uuid::from_u128(0x00e2_e000_0000_4000_8000_0000_0000_0000 | i as u128),
            device_id: format!("lock-{:04}", i % 500),
            event_ts: DateTime::<Utc>::from_timestamp_millis(1_700_000_000_000 + i as i64).unwrap_or_default(),
            event_type: TYPES[i % 3],
            trigger_source: SOURCES[i % 3].to_owned(),
        }
    }

    fn key(&self) -> &str {
        &self.device_id
    }

    fn primary_key(&self) -> String {
        self.event_id.to_string()
    }

    fn touch(&self) -> usize {
        self.device_id.len() + self.trigger_source.len()
    }
}

/// A descriptor of scratch topic `name` with `V`'s catalog topic's types, and its sink's
/// settings writing into `table` (the generated descriptors name the catalog's own).
fn scratch_topic<V: BenchRecord>(name: &str, table: Option<&str>) -> &'static Topic<str, V> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let sink: Option<SinkSpec> = table
        .zip(V::TOPIC.sink)
        .map(|(table, spec)| spec.with_table(leak(table.to_owned())));
    let name = leak(name.to_owned());
    Box::leak(Box::new(Topic::new(
        name,
        leak(format!("{name}-value")),
        None,
        &[],
        sink,
    )))
}

async fn create_topics(names: &[&str]) -> Result<(), BoxError> {
    let dev = topics::TELESCOPE_DATA
        .config("dev")
        .ok_or("the catalog has no dev settings for telescope.data")?;
    let admin = TopicAdmin::connect(&env("KAFKA_BOOTSTRAP_SERVERS")?)?;
    for name in names {
        admin
            .apply(&TopicPlan::new(TopicSpec::from_config(*name, dev), None))
            .await?;
    }
    println!("{}", json!({ "partitions": dev.partitions }));
    Ok(())
}

async fn delete_topics(names: &[&str]) -> Result<(), BoxError> {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", env("KAFKA_BOOTSTRAP_SERVERS")?)
        .create()?;
    for result in admin.delete_topics(names, &AdminOptions::new()).await? {
        if let Err((topic, code)) = result {
            eprintln!("e2e-bench: deleting {topic}: {code}");
        }
    }
    Ok(())
}

/// Runs `send(i)` for every `i < n`, at most [`WINDOW`] at once, and returns the time
/// until the last one finished; the first error, if any.
async fn timed_sends<F, Fut>(n: usize, send: F) -> Result<Duration, BoxError>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let window = Arc::new(Semaphore::new(WINDOW));
    let failure: Arc<Mutex<Option<String>>> = Arc::default();
    let started = Instant::now();
    for i in 0..n {
        let permit = Arc::clone(&window).acquire_owned().await?;
        let sent = send(i);
        let failure = Arc::clone(&failure);
        tokio::spawn(async move {
            if let Err(error) = sent.await {
                failure.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(error);
            }
            drop(permit);
        });
    }
    let _all = window.acquire_many(u32::try_from(WINDOW)?).await?;
    let elapsed = started.elapsed();
    match failure.lock().unwrap_or_else(|e| e.into_inner()).take() {
        Some(error) => Err(error.into()),
        None => Ok(elapsed),
    }
}

/// Queues record `i` for every `i < n` through `enqueue` without a task per record,
/// awaiting the oldest acknowledgment whenever [`WINDOW`] are pending, and returns the
/// time until the last one was acknowledged.
async fn streamed<F, Fut, P>(n: usize, mut enqueue: F) -> Result<Duration, BoxError>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Result<P, String>>,
    P: Future<Output = Result<(), String>>,
{
    let mut pending = VecDeque::with_capacity(WINDOW);
    let started = Instant::now();
    for i in 0..n {
        if pending.len() == WINDOW
            && let Some(oldest) = pending.pop_front()
        {
            oldest.await?;
        }
        pending.push_back(enqueue(i).await?);
    }
    for delivery in pending {
        delivery.await?;
    }
    Ok(started.elapsed())
}

/// Counts a `ThreadedProducer`'s failed deliveries.
#[derive(Default)]
struct Acknowledged {
    failed: AtomicUsize,
}

impl ClientContext for Acknowledged {}

impl ProducerContext for Acknowledged {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        if result.is_err() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// One round of librdkafka's `ThreadedProducer` with the same settings, sending the
/// pre-framed records with no future per record at all (failed deliveries are only
/// counted), then flushing.
fn threaded_round(
    producer: &ThreadedProducer<Acknowledged>,
    topic: &str,
    keys: &[&[u8]],
    frames: &[Vec<u8>],
) -> Result<Duration, BoxError> {
    let started = Instant::now();
    for (key, frame) in keys.iter().zip(frames) {
        let mut record = BaseRecord::to(topic).key(*key).payload(frame.as_slice());
        while let Err((error, back)) = producer.send(record) {
            if error != KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull) {
                return Err(error.into());
            }
            record = back;
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    producer.flush(Duration::from_secs(120))?;
    let failed = producer.context().failed.swap(0, Ordering::Relaxed);
    if failed > 0 {
        return Err(format!("{failed} records of a fire-and-forget round were not delivered").into());
    }
    Ok(started.elapsed())
}

/// Wall and CPU seconds of each timed round; `round(true)` runs once untimed first
/// (connections, the idempotent producer id and the schema id are set up there).
async fn rounds<F, Fut>(count: usize, mut round: F) -> Result<Value, BoxError>
where
    F: FnMut(bool) -> Fut,
    Fut: Future<Output = Result<Duration, BoxError>>,
{
    round(true).await?;
    let (mut secs, mut cpu) = (Vec::with_capacity(count), Vec::with_capacity(count));
    for _ in 0..count {
        let before = cpu_secs();
        secs.push(round(false).await?.as_secs_f64());
        cpu.push(cpu_secs() - before);
    }
    Ok(json!({ "secs": secs, "cpu_secs": cpu }))
}

/// The records, their Kafka keys' bytes and their frames (framed untimed, for the raw
/// contenders, through avrokit's serializer for `topic`).
async fn framed<V: BenchRecord>(topic: &str, n: usize) -> Result<(Vec<V>, Vec<Vec<u8>>), BoxError> {
    let records: Vec<V> = (0..n).map(V::record).collect();
    let serializer = Serializer::<V>::new(registry()?);
    let mut frames = Vec::with_capacity(n);
    for record in &records {
        frames.push(serializer.serialize(topic, record).await?);
    }
    Ok((records, frames))
}

async fn produce<V: BenchRecord>(contender: &str, topic: &str, records: &str, count: &str) -> Result<(), BoxError> {
    let (n, count): (usize, usize) = (records.parse()?, count.parse()?);
    let settings = ProducerSettings::new(env("KAFKA_BOOTSTRAP_SERVERS")?);
    let queue_timeout = settings.queue_timeout;
    let descriptor = scratch_topic::<V>(topic, None);
    let topic: &'static str = descriptor.name;
    let out = match contender {
        "avrokit-send" | "avrokit-stream" => {
            let records: Arc<Vec<V>> = Arc::new((0..n).map(V::record).collect());
            let producer = Arc::new(Producer::new(&settings, registry()?)?);
            let send = |i: usize| {
                let (producer, records) = (Arc::clone(&producer), Arc::clone(&records));
                async move {
                    let record = &records[i];
                    producer
                        .send(descriptor, record.key(), record)
                        .await
                        .map(drop)
                        .map_err(|e| e.to_string())
                }
            };
            let enqueue = |i: usize| {
                let (producer, records) = (Arc::clone(&producer), Arc::clone(&records));
                async move {
                    let record = &records[i];
                    let pending = producer
                        .enqueue(descriptor, record.key(), record)
                        .await
                        .map_err(|e| e.to_string())?;
                    Ok(async move { pending.await.map(drop).map_err(|e| e.to_string()) })
                }
            };
            match contender {
                "avrokit-send" => rounds(count, |warm| timed_sends(if warm { 1 } else { n }, &send)).await?,
                _ => rounds(count, |warm| streamed(if warm { 1 } else { n }, enqueue)).await?,
            }
        }
        "raw-send" | "raw-stream" => {
            let (records, frames) = framed::<V>(topic, n).await?;
            let (records, frames) = (Arc::new(records), Arc::new(frames));
            let producer: Arc<FutureProducer> = Arc::new(settings.client_config().create()?);
            let send = |i: usize| {
                let (producer, records, frames) = (Arc::clone(&producer), Arc::clone(&records), Arc::clone(&frames));
                async move {
                    let record = FutureRecord::to(topic)
                        .key(records[i].key().as_bytes())
                        .payload(frames[i].as_slice());
                    producer
                        .send(record, queue_timeout)
                        .await
                        .map(drop)
                        .map_err(|(e, _)| e.to_string())
                }
            };
            let enqueue = |i: usize| {
                let (producer, records, frames) = (Arc::clone(&producer), Arc::clone(&records), Arc::clone(&frames));
                async move {
                    // The same backpressure as avrokit's: wait while librdkafka's queue is full.
                    let delivery = loop {
                        let record = FutureRecord::to(topic)
                            .key(records[i].key().as_bytes())
                            .payload(frames[i].as_slice());
                        match producer.send_result(record) {
                            Ok(delivery) => break delivery,
                            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                                tokio::time::sleep(Duration::from_millis(10)).await;
                            }
                            Err((error, _)) => return Err(error.to_string()),
                        }
                    };
                    Ok(async move {
                        match delivery.await {
                            Ok(Ok(_)) => Ok(()),
                            Ok(Err((error, _))) => Err(error.to_string()),
                            Err(_) => Err("the producer went away".to_owned()),
                        }
                    })
                }
            };
            match contender {
                "raw-send" => rounds(count, |warm| timed_sends(if warm { 1 } else { n }, &send)).await?,
                _ => rounds(count, |warm| streamed(if warm { 1 } else { n }, enqueue)).await?,
            }
        }
        "avrokit-post" => {
            let records: Vec<V> = (0..n).map(V::record).collect();
            let producer = Producer::new(&settings, registry()?)?;
            let (producer, records) = (&producer, &records);
            rounds(count, |warm| async move {
                let started = Instant::now();
                for record in &records[..if warm { 1 } else { n }] {
                    producer.post(descriptor, record.key(), record).await?;
                }
                producer.flush(Duration::from_secs(120))?;
                Ok(started.elapsed())
            })
            .await?
        }
        "raw-threaded" => {
            let (records, frames) = framed::<V>(topic, n).await?;
            let keys: Vec<&[u8]> = records.iter().map(|r| r.key().as_bytes()).collect();
            let producer: ThreadedProducer<Acknowledged> =
                settings.client_config().create_with_context(Acknowledged::default())?;
            let producer = &producer;
            let (keys, frames) = (&keys, &frames);
            rounds(count, |warm| async move {
                let n = if warm { 1 } else { keys.len() };
                threaded_round(producer, topic, &keys[..n], &frames[..n])
            })
            .await?
        }
        _ => return Err(format!("unknown producer {contender:?}").into()),
    };
    println!("{out}");
    Ok(())
}

/// Writes the records once through avrokit's producer into `topic` (the consumers' and
/// sinks' input) and their keys and frames into `frames_file` (Python's input); prints the
/// mean bytes per record (key and framed value), the last primary key and the client
/// settings.
async fn fill<V: BenchRecord>(topic: &str, records: &str, frames_file: &str) -> Result<(), BoxError> {
    let n: usize = records.parse()?;
    let (records, frames) = framed::<V>(topic, n).await?;
    let settings = ProducerSettings::new(env("KAFKA_BOOTSTRAP_SERVERS")?);
    let producer = Producer::new(&settings, registry()?)?;
    let descriptor = scratch_topic::<V>(topic, None);
    let mut pending = VecDeque::with_capacity(WINDOW);
    for record in &records {
        if pending.len() == WINDOW
            && let Some(oldest) = pending.pop_front()
        {
            oldest.await?;
        }
        pending.push_back(producer.enqueue(descriptor, record.key(), record).await?);
    }
    for delivery in pending {
        delivery.await?;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(frames_file)?);
    for (record, frame) in records.iter().zip(&frames) {
        for bytes in [record.key().as_bytes(), frame] {
            out.write_all(&u32::try_from(bytes.len())?.to_be_bytes())?;
            out.write_all(bytes)?;
        }
    }
    out.flush()?;
    let bytes = frames.iter().map(Vec::len).sum::<usize>() + records.iter().map(|r| r.key().len()).sum::<usize>();
    println!(
        "{}",
        json!({
            "record_bytes": bytes as f64 / n as f64,
            "last_key": records.last().map(V::primary_key),
            "config": settings.client_config().config_map(),
        })
    );
    Ok(())
}

/// Reads the first `records` records of `topic` once, as a new group, and prints the
/// seconds from the first record to the last and the process's CPU seconds from
/// creating the consumer to the last record (joining the group is nearly all waiting).
async fn consume<V: BenchRecord>(
    contender: &str,
    topic: &str,
    group: &str,
    records: &str,
    max_batch: &str,
) -> Result<(), BoxError> {
    let n: usize = records.parse()?;
    let settings =
        ConsumerSettings::new(env("KAFKA_BOOTSTRAP_SERVERS")?, group, [topic]).with_max_batch(max_batch.parse()?);
    let cpu_before = cpu_secs();
    let (secs, checksum) = match contender {
        "avrokit" | "avrokit-background" | "avrokit-fresh" => {
            let settings = match contender {
                "avrokit" => settings,
                "avrokit-fresh" => settings.with_reuse_values(false),
                _ => settings.with_commit(OffsetCommit::Background),
            };
            let consumer: Consumer<V> = Consumer::new(settings, registry()?, None)?;
            let shutdown = consumer.shutdown();
            let (mut seen, mut checksum, mut first) = (0, 0, None);
            consumer
                .run(async |batch| {
                    first.get_or_insert_with(Instant::now);
                    for record in batch {
                        checksum += record.value.touch();
                    }
                    seen += batch.len();
                    if seen >= n {
                        shutdown.trigger();
                    }
                    Ok(())
                })
                .await?;
            if seen < n {
                return Err(format!("the consumer stopped after {seen} of {n} records").into());
            }
            (first.map_or(0.0, |t| t.elapsed().as_secs_f64()), checksum)
        }
        "raw" | "raw-commit" => {
            // The registry id the frames carry, looked up once: unframing checks it.
            let id = Serializer::<V>::new(registry()?).schema_id(topic).await?;
            let max_batch = settings.max_batch;
            let committing = contender == "raw-commit";
            let mut config = match committing {
                true => settings.client_config(),
                false => settings.with_commit(OffsetCommit::Background).client_config(),
            };
            config.set("enable.auto.offset.store", "true");
            let consumer: StreamConsumer = config.create()?;
            consumer.subscribe(&[topic])?;
            let (mut checksum, mut first) = (0, None);
            for i in 1..=n {
                let message = consumer.recv().await?;
                // As the avrokit consumer does by default: a synchronous commit per batch.
                if committing && (i % max_batch == 0 || i == n) {
                    consumer.commit_message(&message, CommitMode::Sync)?;
                }
                first.get_or_insert_with(Instant::now);
                let payload = message.payload().unwrap_or_default();
                let body = match payload {
                    [0, a, b, c, d, body @ ..] if u32::from_be_bytes([*a, *b, *c, *d]) == id => body,
                    _ => return Err(format!("offset {}: not a frame of schema id {id}", message.offset()).into()),
                };
                checksum += V::from_avro(body)?.touch();
            }
            consumer.unsubscribe();
            (first.map_or(0.0, |t| t.elapsed().as_secs_f64()), checksum)
        }
        _ => return Err(format!("unknown consumer {contender:?}").into()),
    };
    let cpu = cpu_secs() - cpu_before;
    println!(
        "{}",
        json!({ "secs": [secs], "cpu_secs": [cpu], "checksum": black_box(checksum) })
    );
    Ok(())
}

async fn sink<V: BenchRecord>(
    topic: &str,
    group: &str,
    table: &str,
    max_batch: &str,
    strategy: &str,
    commit: &str,
) -> Result<(), BoxError> {
    let strategy = match strategy {
        "insert" => Strategy::Insert,
        "unnest" => Strategy::Unnest,
        "copy" => Strategy::Copy,
        _ => return Err(format!("unknown sink strategy {strategy:?}").into()),
    };
    let commit = match commit {
        "sync" => OffsetCommit::AfterHandler,
        "background" => OffsetCommit::Background,
        _ => return Err(format!("unknown commit {commit:?}").into()),
    };
    let scratch = scratch_topic::<V>(topic, Some(table));
    let table = SinkTable::for_topic(scratch).ok_or("the catalog gives the topic no sink")??;
    let mut sink = PgSink::new(connect(&env("DATABASE_URL")?).await?, table)
        .await?
        .with_strategy(strategy);
    let settings = ConsumerSettings::new(env("KAFKA_BOOTSTRAP_SERVERS")?, group, [topic])
        .with_max_batch(max_batch.parse()?)
        .with_commit(commit);
    let consumer = Consumer::with_decoder(settings, WriterSchemas::new(registry()?), None)?;
    consumer.shutdown().on_signals()?;
    let summary = postgres_sink::run(&consumer, &mut sink).await?;
    eprintln!("e2e-bench sink: stopped: {summary:?}");
    Ok(())
}

/// Polls TABLE until it holds ROWS rows, LAST_KEY among them, and prints, in seconds
/// since its start, when the first rows appeared (and how many) and when the last did:
/// the same clock for every sink. The records are written in offset order, so the last
/// key's row (an index lookup) says when to count.
async fn watch(table: &str, key_column: &str, rows: &str, last_key: &str) -> Result<(), BoxError> {
    let rows: i64 = rows.parse()?;
    let client = connect(&env("DATABASE_URL")?).await?;
    let last = last_key.replace('\'', "''");
    let (any, done, count) = (
        format!("SELECT EXISTS (SELECT 1 FROM {table})"),
        format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {key_column} = '{last}')"),
        format!("SELECT count(*) FROM {table}"),
    );
    let started = Instant::now();
    let mut first: Option<(f64, i64)> = None;
    loop {
        let now = started.elapsed().as_secs_f64();
        if first.is_none() && client.query_one(&any, &[]).await?.get::<_, bool>(0) {
            first = Some((now, client.query_one(&count, &[]).await?.get(0)));
        }
        if first.is_some() && client.query_one(&done, &[]).await?.get::<_, bool>(0) {
            let count: i64 = client.query_one(&count, &[]).await?.get(0);
            if count >= rows {
                let (first_secs, first_rows) = first.unwrap_or((now, count));
                println!(
                    "{}",
                    json!({ "first_secs": first_secs, "first_rows": first_rows, "done_secs": now, "rows": count })
                );
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clock ticks of user and system time of process `pid` (`/proc/PID/stat` fields 14
/// and 15), in seconds; none when /proc does not show it (another user's process).
fn proc_cpu_secs(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: the fields start after its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// `FROM_TABLE`'s rows loaded into `TO_TABLE` by psql's `\copy ... (FORMAT binary)`, the
/// database's own speed for these rows; prints the seconds and psql's and its backend's
/// CPU seconds.
fn copy(from: &str, to: &str, file: &str) -> Result<(), BoxError> {
    let url = env("DATABASE_URL")?;
    let dump = Command::new("psql")
        .args([&url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!("\\copy {from} TO '{file}' (FORMAT binary)"))
        .output()?;
    if !dump.status.success() {
        return Err(format!("dumping {from}: {}", String::from_utf8_lossy(&dump.stderr).trim()).into());
    }
    // One psql session: its backend's pid first, so /proc can tell its CPU time.
    let mut psql = Command::new("psql")
        .args([&url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = psql.stdin.take().ok_or("psql's stdin")?;
    let mut stdout = BufReader::new(psql.stdout.take().ok_or("psql's stdout")?);
    let mut line = String::new();
    writeln!(stdin, "SELECT pg_backend_pid();")?;
    stdin.flush()?;
    stdout.read_line(&mut line)?;
    let backend = line.trim().to_owned();
    let backend_before = proc_cpu_secs(&backend);
    let children_before = children_cpu_secs();
    let started = Instant::now();
    writeln!(stdin, "\\copy {to} FROM '{file}' (FORMAT binary)\nSELECT 'copied';")?;
    stdin.flush()?;
    line.clear();
    stdout.read_line(&mut line)?;
    let secs = started.elapsed().as_secs_f64();
    if line.trim() != "copied" {
        return Err(format!("psql \\copy into {to} failed (it printed {line:?})").into());
    }
    let backend_cpu = backend_before.zip(proc_cpu_secs(&backend)).map(|(a, b)| b - a);
    drop(stdin);
    let status = psql.wait()?;
    if !status.success() {
        return Err(format!("psql exited with {status}").into());
    }
    // psql is this process's only child: its whole CPU time (it starts and connects in a
    // few milliseconds; the rest is reading the file and sending it).
    let psql_cpu = children_cpu_secs() - children_before;
    let _ = std::fs::remove_file(file);
    println!(
        "{}",
        json!({ "secs": secs, "psql_cpu_secs": psql_cpu, "backend_cpu_secs": backend_cpu })
    );
    Ok(())
}
