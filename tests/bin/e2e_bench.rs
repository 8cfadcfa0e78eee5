//! The measured side of `cargo xtask bench e2e` (which builds it in release mode, runs it
//! and prints the table): avrokit's typed producer against a raw rdkafka producer, and the
//! avrokit PostgreSQL sink as a child process whose peak RSS the bench reads.
//!
//! ```text
//! e2e-bench topics create|delete TOPIC...
//!     scratch topics with the catalog's dev settings of telescope.data (partitions,
//!     replication, configs), so every contender writes the same kind of topic
//! e2e-bench produce AVROKIT_TOPIC RAW_TOPIC FILL_TOPIC RECORDS ROUNDS FRAMES_FILE
//!     ROUNDS alternating rounds of RECORDS TelescopeData (1 KiB payload) through
//!     `Producer::send` (a task per record) and `Producer::enqueue` (streamed), and
//!     through a raw `FutureProducer` sending the same records pre-framed in both ways;
//!     then ROUNDS rounds of a fire-and-forget `ThreadedProducer`; then
//!     FILL_TOPIC gets the records once (the sinks' input) and FRAMES_FILE the framed
//!     records (Python's input). Prints one JSON object.
//! e2e-bench sink TOPIC GROUP TABLE MAX_BATCH
//!     `postgres_sink::run` from TOPIC into TABLE (a scratch copy of telescope_data_raw)
//!     until SIGINT/SIGTERM
//! e2e-bench watch TABLE ROWS LAST_KEY
//!     waits until TABLE holds ROWS rows, the last one LAST_KEY; prints when the first
//!     and the last rows appeared
//! ```
//!
//! KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL and DATABASE_URL come from the environment.

use avrokit::Topic;
use avrokit::chrono::{DateTime, Utc};
use avrokit::kafka::rdkafka::ClientConfig;
use avrokit::kafka::rdkafka::ClientContext;
use avrokit::kafka::rdkafka::admin::{AdminClient, AdminOptions};
use avrokit::kafka::rdkafka::client::DefaultClientContext;
use avrokit::kafka::rdkafka::error::{KafkaError, RDKafkaErrorCode};
use avrokit::kafka::rdkafka::producer::{
    BaseRecord, DeliveryResult, FutureProducer, FutureRecord, Producer as _, ProducerContext, ThreadedProducer,
};
use avrokit::kafka::topics::{TopicAdmin, TopicPlan, TopicSpec};
use avrokit::kafka::{Consumer, ConsumerSettings, Producer, ProducerSettings, WriterSchemas, postgres_sink};
use avrokit::postgres::{PgSink, SinkTable, connect};
use avrokit::registry_client::{RegistryClient, RegistryConfig, Serializer};
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_generated::topics;
use serde_json::json;
use std::collections::VecDeque;
use std::error::Error;
use std::future::Future;
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

type BoxError = Box<dyn Error + Send + Sync>;

/// The size of the `data` field: a 1 KiB payload.
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
        ["produce", avrokit, raw, fill, records, rounds, frames] => {
            produce(avrokit, raw, fill, records, rounds, frames).await
        }
        ["sink", topic, group, table, max_batch] => sink(topic, group, table, max_batch).await,
        ["watch", table, rows, last_key] => watch(table, rows, last_key).await,
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

fn env(key: &str) -> Result<String, BoxError> {
    std::env::var(key).map_err(|_| format!("{key} is not set").into())
}

fn registry() -> Result<RegistryClient, BoxError> {
    Ok(RegistryClient::new(RegistryConfig::new(env("SCHEMA_REGISTRY_URL")?))?)
}

/// A descriptor of scratch topic `name` with telescope.data's types, and its sink's
/// settings writing into `table` (the generated descriptors name the catalog's own).
fn scratch_topic(name: &str, table: Option<&str>) -> Topic<str, TelescopeData> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let sink = table
        .zip(topics::TELESCOPE_DATA.sink)
        .map(|(table, spec)| spec.with_table(leak(table.to_owned())));
    let name = leak(name.to_owned());
    Topic::new(name, leak(format!("{name}-value")), None, &[], sink)
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

/// Record `i` of every run: distinct zero-padded keys (so their order is the offsets'),
/// and an incompressible payload (lz4 gets no free ride).
fn record(i: usize) -> TelescopeData {
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
        data_id: key(i),
        observation_id: format!("e2e-obs-{}", i / 1000),
        sequence_number: (i % 1000) as i32,
        timestamp: DateTime::<Utc>::from_timestamp_millis(1_700_000_000_000 + i as i64).unwrap_or_default(),
        data,
        processed,
        processing_pipeline_version: processed.then(|| "pipe-2.1".to_owned()),
    }
}

fn key(i: usize) -> String {
    format!("e2e-{i:09}")
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

/// The plainest client: librdkafka's `ThreadedProducer` with the same settings, sending the
/// pre-framed records with no future per record at all (failed deliveries are only
/// counted), then flushing. Seconds per round.
fn fire_and_forget(
    config: &ClientConfig,
    topic: &str,
    keys: &[&[u8]],
    frames: &[Vec<u8>],
    rounds: usize,
) -> Result<Vec<f64>, BoxError> {
    let producer: ThreadedProducer<Acknowledged> = config.create_with_context(Acknowledged::default())?;
    let mut secs = Vec::with_capacity(rounds);
    for round in 0..=rounds {
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
        // Round 0 only connects and warms up, as the untimed first send of the others.
        if round > 0 {
            secs.push(started.elapsed().as_secs_f64());
        }
    }
    let failed = producer.context().failed.load(Ordering::Relaxed);
    if failed > 0 {
        return Err(format!("{failed} records of the fire-and-forget rounds were not delivered").into());
    }
    Ok(secs)
}

async fn produce(
    avrokit_topic: &str,
    raw_topic: &str,
    fill_topic: &str,
    records: &str,
    rounds: &str,
    frames_file: &str,
) -> Result<(), BoxError> {
    let (n, rounds): (usize, usize) = (records.parse()?, rounds.parse()?);
    let settings = ProducerSettings::new(env("KAFKA_BOOTSTRAP_SERVERS")?);
    let registry = registry()?;
    let records: Arc<Vec<TelescopeData>> = Arc::new((0..n).map(record).collect());
    // The raw contender's input: the same records framed beforehand, untimed.
    let serializer = Serializer::<TelescopeData>::new(registry.clone());
    let mut frames = Vec::with_capacity(n);
    for record in records.iter() {
        frames.push(serializer.serialize(raw_topic, record).await?);
    }
    let frames = Arc::new(frames);
    let record_bytes =
        frames.iter().map(Vec::len).sum::<usize>() + records.iter().map(|r| r.data_id.len()).sum::<usize>();

    let avrokit = Arc::new(Producer::new(&settings, registry)?);
    let raw: Arc<FutureProducer> = Arc::new(settings.client_config().create()?);
    let raw_topic: &'static str = Box::leak(raw_topic.to_owned().into_boxed_str());
    let sends_to = |topic: &str| {
        let topic: &'static Topic<str, TelescopeData> = Box::leak(Box::new(scratch_topic(topic, None)));
        let (producer, records) = (Arc::clone(&avrokit), Arc::clone(&records));
        move |i: usize| {
            let (producer, records) = (Arc::clone(&producer), Arc::clone(&records));
            async move {
                let record = &records[i];
                producer
                    .send(topic, &record.data_id, record)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
        }
    };
    let send_avrokit = sends_to(avrokit_topic);
    let send_raw = |i: usize| {
        let (producer, records, frames) = (Arc::clone(&raw), Arc::clone(&records), Arc::clone(&frames));
        let queue_timeout = settings.queue_timeout;
        async move {
            let record = FutureRecord::to(raw_topic)
                .key(records[i].data_id.as_bytes())
                .payload(frames[i].as_slice());
            producer
                .send(record, queue_timeout)
                .await
                .map(drop)
                .map_err(|(e, _)| e.to_string())
        }
    };
    let enqueue_topic: &'static Topic<str, TelescopeData> = Box::leak(Box::new(scratch_topic(avrokit_topic, None)));
    let enqueue_avrokit = |i: usize| {
        let (producer, records) = (Arc::clone(&avrokit), Arc::clone(&records));
        async move {
            let record = &records[i];
            let pending = producer
                .enqueue(enqueue_topic, &record.data_id, record)
                .await
                .map_err(|e| e.to_string())?;
            Ok(async move { pending.await.map(drop).map_err(|e| e.to_string()) })
        }
    };
    let enqueue_raw = |i: usize| {
        let (producer, records, frames) = (Arc::clone(&raw), Arc::clone(&records), Arc::clone(&frames));
        async move {
            // The same backpressure as avrokit's: wait while librdkafka's queue is full.
            let delivery = loop {
                let record = FutureRecord::to(raw_topic)
                    .key(records[i].data_id.as_bytes())
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
    // Untimed: connections, the idempotent producer id and the schema id are set up once.
    timed_sends(1, &send_avrokit).await?;
    timed_sends(1, &send_raw).await?;
    // Alternating, so a busy neighbour slows all rather than one.
    let [
        mut avrokit_secs,
        mut raw_secs,
        mut avrokit_enqueue_secs,
        mut raw_enqueue_secs,
    ] = [const { Vec::new() }; 4];
    for _ in 0..rounds {
        avrokit_secs.push(timed_sends(n, &send_avrokit).await?.as_secs_f64());
        raw_secs.push(timed_sends(n, &send_raw).await?.as_secs_f64());
        avrokit_enqueue_secs.push(streamed(n, enqueue_avrokit).await?.as_secs_f64());
        raw_enqueue_secs.push(streamed(n, enqueue_raw).await?.as_secs_f64());
    }
    let keys: Vec<&[u8]> = records.iter().map(|r| r.data_id.as_bytes()).collect();
    let fire_and_forget_secs = fire_and_forget(&settings.client_config(), raw_topic, &keys, &frames, rounds)?;

    timed_sends(n, sends_to(fill_topic)).await?;
    write_frames(frames_file, &records, &frames)?;
    let config = settings.client_config();
    println!(
        "{}",
        json!({
            "records": n,
            "record_bytes": record_bytes as f64 / n as f64,
            "avrokit_secs": avrokit_secs,
            "raw_secs": raw_secs,
            "avrokit_enqueue_secs": avrokit_enqueue_secs,
            "raw_enqueue_secs": raw_enqueue_secs,
            "fire_and_forget_secs": fire_and_forget_secs,
            "last_key": key(n - 1),
            "config": config.config_map(),
        })
    );
    Ok(())
}

/// `(key, framed value)` per record, each as a big-endian u32 length and the bytes.
fn write_frames(path: &str, records: &[TelescopeData], frames: &[Vec<u8>]) -> Result<(), BoxError> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (record, frame) in records.iter().zip(frames) {
        for bytes in [record.data_id.as_bytes(), frame] {
            out.write_all(&u32::try_from(bytes.len())?.to_be_bytes())?;
            out.write_all(bytes)?;
        }
    }
    Ok(out.flush()?)
}

async fn sink(topic: &str, group: &str, table: &str, max_batch: &str) -> Result<(), BoxError> {
    let scratch = scratch_topic(topic, Some(table));
    let table = SinkTable::for_topic(&scratch).ok_or("the catalog gives telescope.data no sink")??;
    let mut sink = PgSink::new(connect(&env("DATABASE_URL")?).await?, table).await?;
    let mut settings = ConsumerSettings::new(env("KAFKA_BOOTSTRAP_SERVERS")?, group, [topic]);
    settings.max_batch = max_batch.parse()?;
    let consumer = Consumer::with_decoder(settings, WriterSchemas::new(registry()?), None)?;
    consumer.shutdown().on_signals()?;
    let summary = postgres_sink::run(&consumer, &mut sink).await?;
    eprintln!("e2e-bench sink: stopped: {summary:?}");
    Ok(())
}

/// Polls TABLE until it holds ROWS rows and prints, in seconds since its start, when the
/// first rows appeared (and how many) and when the last did: the same clock for every
/// sink. The keys are written in offset order, so `max(data_id)` (an index lookup) tells
/// when the last record is in without counting a growing table over and over.
async fn watch(table: &str, rows: &str, last_key: &str) -> Result<(), BoxError> {
    let rows: i64 = rows.parse()?;
    let client = connect(&env("DATABASE_URL")?).await?;
    let (max, count) = (
        format!("SELECT max(data_id) FROM {table}"),
        format!("SELECT count(*) FROM {table}"),
    );
    let started = Instant::now();
    let mut first: Option<(f64, i64)> = None;
    loop {
        let newest: Option<String> = client.query_one(&max, &[]).await?.get(0);
        let now = started.elapsed().as_secs_f64();
        if first.is_none() && newest.is_some() {
            first = Some((now, client.query_one(&count, &[]).await?.get(0)));
        }
        if newest.as_deref() == Some(last_key) {
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
