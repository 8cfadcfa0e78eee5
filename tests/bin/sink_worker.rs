//! The sink worker the crash test kills: consumes `smart-access.events` records (from the
//! topic named on the command line) into `raw_access_events` with the avrokit sink, until
//! SIGINT/SIGTERM — or `kill -9`, which is the point.
//!
//! `sink-worker TOPIC GROUP DATABASE_URL`, with KAFKA_BOOTSTRAP_SERVERS and
//! SCHEMA_REGISTRY_URL in the environment.

use avrokit::kafka::postgres_sink;
use avrokit::kafka::{Consumer, ConsumerSettings, WriterSchemas};
use avrokit::postgres::{PgSink, SinkTable};
use avrokit::registry_client::{RegistryClient, RegistryConfig};
use avrokit_generated::topics;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(summary) => {
            println!("sink-worker: stopped: {summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("sink-worker: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<String, Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [topic, group, database] = args.as_slice() else {
        return Err("usage: sink-worker TOPIC GROUP DATABASE_URL".into());
    };
    let bootstrap = std::env::var("KAFKA_BOOTSTRAP_SERVERS")?;
    let registry = RegistryClient::new(RegistryConfig::new(std::env::var("SCHEMA_REGISTRY_URL")?))?;
    let table = SinkTable::for_topic(&topics::SMART_ACCESS_EVENTS).ok_or("the catalog gives the topic no sink")??;
    let mut sink = PgSink::connect(database, table).await?;
    let mut settings = ConsumerSettings::new(bootstrap, group, [topic]);
    settings.max_batch = 50;
    // Static membership: a restarted worker takes its partitions back at once instead
    // of waiting for the killed one's session to time out.
    settings.kafka = settings
        .kafka
        .set("group.instance.id", format!("{group}-worker"))
        .set("session.timeout.ms", "10000");
    let consumer = Consumer::with_decoder(settings, WriterSchemas::new(registry), None)?;
    consumer.shutdown().on_signals()?;
    println!("sink-worker: consuming {topic}");
    let summary = postgres_sink::run(&consumer, &mut sink).await?;
    Ok(format!("{summary:?}"))
}
