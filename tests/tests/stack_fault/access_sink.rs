//! What the sink fault tests share: access events numbered from 0, a scratch schema
//! holding their table (`raw_access_events`, from the generated DDL), and the avrokit
//! sink consuming a scratch topic into it in the background.

#![allow(dead_code)] // Each test file uses its own part.

use avrokit::Topic;
use avrokit::chrono::DateTime;
use avrokit::kafka::{ConsumeError, Consumer, ConsumerSettings, DeadLetters, RunSummary, WriterSchemas, postgres_sink};
use avrokit::kafka::{Producer, ProducerSettings, Shutdown};
use avrokit::postgres::{PgSink, SinkTable};
use avrokit::uuid::Uuid;
use avrokit_generated::smart::access::{AccessEvent, AccessEventType};
use avrokit_generated::topics;
use avrokit_tests::kafka_scratch::KafkaStack;
use avrokit_tests::pg_scratch::Scratch;
use avrokit_tests::stack_env;
use tokio::sync::oneshot;

/// Access event number `i`: its own event id (the table's key), a lock out of 17.
pub fn event(i: u32) -> AccessEvent {
    AccessEvent {
        event_id: Uuid::from_u128(0xfa17_0000_0000_0000_0000_0000_0000_0000 + u128::from(i)),
        device_id: format!("lock-{}", i % 17),
        event_ts: DateTime::from_timestamp_millis(1_760_000_000_000 + i64::from(i)).expect("in range"),
        event_type: [AccessEventType::Open, AccessEventType::Close, AccessEventType::Fail][(i % 3) as usize],
        trigger_source: "keypad".into(),
    }
}

/// The stack, a scratch schema with `raw_access_events`, and a scratch topic of access
/// events.
pub struct Bench {
    /// The broker and registry.
    pub stack: KafkaStack,
    /// The scratch schema (dropped at the end).
    pub scratch: Scratch,
    /// The scratch topic, also the run's name.
    pub topic: Topic<str, AccessEvent>,
}

impl Bench {
    /// Sets everything up for `test`, the topic with `partitions`; `None` when the stack
    /// is not up (after printing `SKIPPED test ...`).
    pub async fn open(test: &str, partitions: i32) -> Option<Bench> {
        let scratch = Scratch::open(test).await?;
        let stack = KafkaStack::find(test)?;
        let db = scratch.connect().await.expect("the scratch schema answers");
        let ddl = stack_env::repo_root().join("generated/sql/raw_access_events.sql");
        db.batch_execute(&std::fs::read_to_string(ddl).expect("the generated DDL"))
            .await
            .expect("the table is created");
        let run = avrokit_tests::stack_registry::scratch_name(&test.replace('_', "-"));
        let topic = stack.scratch_topic::<AccessEvent>(&run, partitions).await;
        Some(Bench { stack, scratch, topic })
    }

    /// An idempotent producer with the default settings.
    pub fn producer(&self) -> Producer {
        Producer::new(
            &ProducerSettings::new(&self.stack.bootstrap),
            self.stack.registry_client(),
        )
        .expect("a producer")
    }

    /// The avrokit sink (`postgres_sink::run`, batches of up to `max_batch`) consuming the
    /// topic into the table on a thread of its own (its future is not `Send`), with
    /// `dead_letters` if given; and the handle that stops it.
    pub async fn start_sink(&self, max_batch: usize, dead_letters: Option<DeadLetters>) -> (Shutdown, SinkRun) {
        let table = SinkTable::for_topic(&topics::SMART_ACCESS_EVENTS)
            .expect("the catalog sinks the topic")
            .expect("its table builds");
        let settings = ConsumerSettings::new(
            &self.stack.bootstrap,
            format!("{}-sink", self.topic.name),
            [self.topic.name],
        )
        .with_max_batch(max_batch);
        let (url, registry) = (self.scratch.url(), self.stack.registry_client());
        let (started, shutdown) = oneshot::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let mut sink = PgSink::connect(&url, table).await.expect("the sink starts");
                let consumer = Consumer::with_decoder(settings, WriterSchemas::new(registry), dead_letters)
                    .expect("the consumer subscribes");
                let _ = started.send(consumer.shutdown());
                postgres_sink::run(&consumer, &mut sink).await
            })
        });
        let shutdown = shutdown.await.expect("the sink thread started");
        (shutdown, SinkRun(thread))
    }

    /// Rows in the table, and distinct event ids among them (over a new connection each
    /// time: PostgreSQL may have restarted since the last).
    pub async fn rows(&self) -> (i64, i64) {
        let db = self.scratch.connect().await.expect("the scratch schema answers");
        let row = db
            .query_one("SELECT count(*), count(DISTINCT event_id) FROM raw_access_events", &[])
            .await
            .expect("the table answers");
        (row.get(0), row.get(1))
    }
}

/// The sink's thread: what its run returned, once it stopped.
pub struct SinkRun(std::thread::JoinHandle<Result<RunSummary, ConsumeError>>);

impl SinkRun {
    /// Whether the run has ended (given up, or stopped).
    pub fn is_finished(&self) -> bool {
        self.0.is_finished()
    }

    /// Waits for the run to end (after a shutdown) and returns how it did.
    pub async fn finish(self) -> Result<RunSummary, ConsumeError> {
        tokio::task::spawn_blocking(move || self.0.join().expect("the sink thread panicked"))
            .await
            .expect("joining the sink thread")
    }
}
