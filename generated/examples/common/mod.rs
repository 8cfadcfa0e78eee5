//! What the pipeline examples share: the stack's addresses from the environment, a small
//! command line, the catalog's topics and sink tables created when absent, a stop handle
//! for Ctrl-C, the wait for a consumer group to catch up, and a random source for the
//! simulators.

// Each example uses its own part of this module.
#![allow(dead_code)]

use avrokit::chrono::{DateTime, Utc};
use avrokit::kafka::topics::{TopicAction, TopicAdmin, TopicSpec};
use avrokit::kafka::{
    Consumer, ConsumerSettings, DeadLetters, EncodeKey, Framed, KafkaSettings, Monitor, Producer, ProducerSettings,
    Shutdown, TopicLag, WriterSchemas,
};
use avrokit::postgres::{PgSink, SinkTable, connect};
use avrokit::registry_client::{RegistryClient, RegistryConfig};
use avrokit::uuid::{Builder, Uuid};
use avrokit::{AvroMessage, Topic, TopicKey};
use std::borrow::Borrow;
use std::fmt::Display;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::task::JoinSet;

/// Any error, printed as it is.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// A result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

const STACK_HINT: &str =
    "start the stack and export its addresses: `cargo xtask stack up && eval $(cargo xtask stack env)`";

/// The environment variable `name`, or an error naming it and how to set it.
pub fn var(name: &str) -> Result<String> {
    std::env::var(name).map_err(|_| format!("{name} is not set: {STACK_HINT}").into())
}

/// The example's exit code; its error on stderr.
pub fn exit(example: &str, outcome: Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{example}: error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The options after `--`: `--name VALUE`, `--name=VALUE` and flags, each taken once by
/// the example; whatever is left over is an error.
pub struct Args {
    usage: &'static str,
    rest: Vec<String>,
}

impl Args {
    /// The command line; `--help` prints `usage` and exits.
    pub fn parse(usage: &'static str) -> Args {
        let rest: Vec<String> = std::env::args().skip(1).collect();
        if rest.iter().any(|a| a == "--help" || a == "-h") {
            println!("{usage}");
            std::process::exit(0);
        }
        Args { usage, rest }
    }

    /// `--name VALUE` as a `T`, if given.
    pub fn value<T: FromStr<Err: Display>>(&mut self, name: &str) -> Result<Option<T>> {
        let option = format!("--{name}");
        let Some(at) = self
            .rest
            .iter()
            .position(|a| *a == option || a.starts_with(&format!("{option}=")))
        else {
            return Ok(None);
        };
        let given = self.rest.remove(at);
        let text = match given.split_once('=') {
            Some((_, text)) => text.to_owned(),
            None if at < self.rest.len() => self.rest.remove(at),
            None => return Err(format!("{option} needs a value\n{}", self.usage).into()),
        };
        let value = text
            .parse()
            .map_err(|e| format!("{option} {text}: {e}\n{}", self.usage))?;
        Ok(Some(value))
    }

    /// `--name VALUE`, or `default`.
    pub fn or<T: FromStr<Err: Display>>(&mut self, name: &str, default: T) -> Result<T> {
        Ok(self.value(name)?.unwrap_or(default))
    }

    /// `--name SECONDS` (fractions allowed), if given.
    pub fn seconds(&mut self, name: &str) -> Result<Option<Duration>> {
        self.value::<f64>(name)?
            .map(|s| Duration::try_from_secs_f64(s).map_err(|e| format!("--{name} {s}: {e}").into()))
            .transpose()
    }

    /// Whether the flag `--name` is given.
    pub fn flag(&mut self, name: &str) -> bool {
        let option = format!("--{name}");
        let given = self.rest.iter().position(|a| *a == option);
        given.map(|at| self.rest.remove(at)).is_some()
    }

    /// Fails on anything the example did not take.
    pub fn done(self) -> Result<()> {
        match self.rest.first() {
            None => Ok(()),
            Some(unknown) => Err(format!("unexpected argument `{unknown}`\n{}", self.usage).into()),
        }
    }
}

/// The stack's Kafka brokers and Schema Registry, from `KAFKA_BOOTSTRAP_SERVERS` and
/// `SCHEMA_REGISTRY_URL`.
pub struct Stack {
    /// `bootstrap.servers`.
    pub bootstrap: String,
    /// The registry client producers and consumers frame through.
    pub registry: RegistryClient,
}

impl Stack {
    /// The addresses from the environment.
    pub fn from_env() -> Result<Stack> {
        let bootstrap = var("KAFKA_BOOTSTRAP_SERVERS")?;
        let registry = RegistryClient::new(RegistryConfig::new(var("SCHEMA_REGISTRY_URL")?))?;
        Ok(Stack { bootstrap, registry })
    }

    /// Creates the topics of `specs` that do not exist yet. Topics that exist are left
    /// as they are, even when they differ from the catalog: `cargo xtask topics apply`
    /// is what reconciles them.
    pub async fn create_topics(&self, specs: impl IntoIterator<Item = TopicSpec>) -> Result<()> {
        // Short: a broker that does not answer is the usual mistake, reported quickly.
        let admin = TopicAdmin::connect(&self.bootstrap)?.with_timeout(Duration::from_secs(10));
        let plans = admin
            .plan(specs.into_iter().collect())
            .await
            .map_err(|e| format!("{e} (is Kafka up at {}? {STACK_HINT})", self.bootstrap))?;
        for plan in plans.iter().filter(|p| matches!(p.action, TopicAction::Create)) {
            admin.apply(plan).await?;
            println!("created topic {} with the catalog's dev settings", plan.spec.name);
        }
        Ok(())
    }

    /// A producer with avrokit's defaults (acks=all, idempotence).
    pub fn producer(&self) -> Result<Producer> {
        Ok(Producer::new(
            &ProducerSettings::new(&self.bootstrap),
            self.registry.clone(),
        )?)
    }

    /// Settings of a consumer of `topics` in `group`.
    pub fn consumer_settings(&self, group: &str, topics: &[&str]) -> ConsumerSettings {
        let mut settings = ConsumerSettings::new(&self.bootstrap, group, topics.iter().copied());
        // A run that was killed stays in its group until its session times out, and the
        // next run gets no partition until then: 10 s rather than Kafka's 45.
        settings.kafka = settings.kafka.set("session.timeout.ms", "10000");
        settings
    }

    /// A consumer of `V` values with `settings`, and no dead-letter topic.
    pub fn consumer<V: AvroMessage + Clone + Send + Sync + 'static>(
        &self,
        settings: ConsumerSettings,
    ) -> Result<Consumer<V>> {
        Ok(Consumer::new(settings, self.registry.clone(), None)?)
    }

    /// A consumer for the PostgreSQL sink: records stay Avro, for the sink to decode with
    /// their writer schemas. Records the table cannot take go to `dead_letters` if given;
    /// without, the sink stops at such a record.
    pub fn sink_consumer(
        &self,
        settings: ConsumerSettings,
        dead_letters: Option<&str>,
    ) -> Result<Consumer<Framed, WriterSchemas>> {
        let dead_letters = match dead_letters {
            Some(topic) => Some(DeadLetters::new(self.producer()?, topic)),
            None => None,
        };
        Ok(Consumer::with_decoder(
            settings,
            WriterSchemas::new(self.registry.clone()),
            dead_letters,
        )?)
    }

    /// `group`'s lag on `topics`, partition by partition.
    pub async fn lag(&self, group: &str, topics: &[&str]) -> Result<Vec<TopicLag>> {
        let monitor = Monitor::new(KafkaSettings::new(&self.bootstrap), Duration::from_secs(10));
        let group = group.to_owned();
        let topics: Vec<String> = topics.iter().map(|t| (*t).to_owned()).collect();
        let lag = monitor.spawn_blocking(move |m| {
            let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
            m.lag(&group, &topics)
        });
        Ok(lag.await?)
    }

    /// Waits until `group` has committed everything in `topics`; `false` when `stop` was
    /// triggered first.
    pub async fn caught_up(&self, group: &str, topics: &[&str], stop: &Shutdown) -> Result<bool> {
        loop {
            if self.lag(group, topics).await?.iter().all(|t| t.total() == 0) {
                return Ok(true);
            }
            tokio::select! {
                () = stop.triggered() => return Ok(false),
                () = tokio::time::sleep(Duration::from_millis(250)) => {}
            }
        }
    }
}

/// Sends `(key, value)` records to `topic`, all in flight at once rather than each
/// waiting for the previous one's acknowledgment; fails on the first not delivered.
pub async fn send_all<K, V>(
    producer: &Arc<Producer>,
    topic: &'static Topic<K, V>,
    records: impl IntoIterator<Item = (<K::Value as ToOwned>::Owned, V)>,
) -> Result<usize>
where
    K: EncodeKey + ?Sized + 'static,
    K::Value: ToOwned + Sync,
    <K::Value as ToOwned>::Owned: Send + 'static,
    V: AvroMessage + Send + Sync + 'static,
{
    let mut in_flight = JoinSet::new();
    for (key, value) in records {
        let producer = Arc::clone(producer);
        in_flight.spawn(async move { producer.send(topic, key.borrow(), &value).await });
    }
    let mut sent = 0;
    while let Some(delivery) = in_flight.join_next().await {
        delivery??;
        sent += 1;
    }
    Ok(sent)
}

/// `topic` as the catalog's `dev` environment specifies it.
pub fn dev<K: ?Sized + TopicKey, V: AvroMessage>(topic: &Topic<K, V>) -> Result<TopicSpec> {
    TopicSpec::for_topic(topic, "dev")
        .ok_or_else(|| format!("the catalog has no `dev` settings for topic {}", topic.name).into())
}

/// The PostgreSQL sink of `topic` (its catalog `sink`) into the database at
/// `DATABASE_URL`, its table created first if absent.
pub async fn pg_sink<K: ?Sized, V: AvroMessage>(topic: &Topic<K, V>) -> Result<PgSink> {
    let table =
        SinkTable::for_topic(topic).ok_or_else(|| format!("the catalog gives topic {} no sink", topic.name))??;
    let url = var("DATABASE_URL")?;
    let client = connect(&url).await.map_err(|e| format!("{e} ({STACK_HINT})"))?;
    // The DDL `cargo xtask gen` writes to generated/sql/, without the indexes: enough
    // for a demo; deployments run the generated migrations.
    client.batch_execute(&table.table().render()).await?;
    // A sink that knows its URL connects again after a database restart.
    Ok(PgSink::connect(&url, table).await?)
}

/// A stop handle triggered by Ctrl-C or SIGTERM, and after `limit` when one is given.
pub fn stop_on_signals(limit: Option<Duration>) -> Result<Shutdown> {
    let stop = Shutdown::new();
    stop.on_signals()?;
    if let Some(limit) = limit {
        let timer = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            timer.trigger();
        });
    }
    Ok(stop)
}

/// Triggers each of `consumers` once `stop` is triggered.
pub fn stop_with(stop: &Shutdown, consumers: impl IntoIterator<Item = Shutdown>) {
    let (stop, consumers): (Shutdown, Vec<Shutdown>) = (stop.clone(), consumers.into_iter().collect());
    tokio::spawn(async move {
        stop.triggered().await;
        consumers.iter().for_each(Shutdown::trigger);
    });
}

/// The current time, as the generated types hold it.
pub fn now() -> DateTime<Utc> {
    SystemTime::now().into()
}

/// A short id unique to this run (its start in milliseconds, in hex), so that what a run
/// produced can be told from what earlier runs left in the topics and tables.
pub fn run_id() -> String {
    format!("{:x}", now().timestamp_millis())
}

/// A xorshift64* generator: the simulators need variety, not cryptography (nor another
/// dependency).
pub struct Rng(u64);

impl Rng {
    /// A generator seeded from the clock.
    pub fn from_clock() -> Rng {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos());
        // Never zero: zero is xorshift's fixed point.
        Rng((nanos as u64) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `low..high`.
    pub fn between(&mut self, low: f64, high: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        low + (high - low) * unit
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.between(0.0, 1.0) < p
    }

    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    /// A random (version 4) UUID.
    pub fn uuid(&mut self) -> Uuid {
        let mut bytes = [0; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        Builder::from_random_bytes(bytes).into_uuid()
    }
}
