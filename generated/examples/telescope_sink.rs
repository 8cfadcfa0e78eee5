//! Astro BEAM's data path: telescope-data-handler produces the chunks of an observation as
//! `TelescopeData` to `telescope.data`, and they land in the PostgreSQL table
//! `telescope_data_raw`:
//!
//! - by default through the avrokit sink in this process (`postgres_sink::run`: batched
//!   upserts, Kafka offsets committed after each transaction), in the column mapping of
//!   the catalog's writer for this table, `debezium-jdbc`;
//! - with `--via-connect`, through the Debezium JDBC sink connector that the stack's Kafka
//!   Connect runs: the example only produces, then waits for the connector's rows.
//!
//! Either way it counts the observation's rows in the table.
//!
//! ```sh
//! cargo xtask stack up && eval $(cargo xtask stack env) && cargo xtask topics apply
//! cargo run -p avrokit-generated --example telescope_sink -- --count 200
//! cargo xtask connect deploy
//! cargo run -p avrokit-generated --example telescope_sink -- --count 200 --via-connect
//! ```
//!
//! Records the table cannot take go to `telescope.data.dlq`, the connector's dead-letter
//! topic, with the same `__connect.errors.*` headers. Ctrl-C, or `--duration` passing
//! first, stops the wait.

mod common;

use avrokit::kafka::postgres_sink;
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_generated::topics;
use common::{Args, Result, Rng, Stack};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const USAGE: &str = "usage: cargo run -p avrokit-generated --example telescope_sink -- \
                     [--count CHUNKS (100)] [--via-connect] [--duration SECONDS (60)]";

/// The avrokit sink's consumer group.
const GROUP: &str = "telescope-data-avrokit-sink";

/// Bytes of observation data per chunk.
const CHUNK_BYTES: usize = 1024;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::exit("telescope_sink", run().await)
}

async fn run() -> Result<()> {
    let mut args = Args::parse(USAGE);
    let count: usize = args.or("count", 100)?;
    let via_connect = args.flag("via-connect");
    let limit = args.seconds("duration")?.unwrap_or(Duration::from_secs(60));
    args.done()?;

    let stack = Stack::from_env()?;
    let topic = &topics::TELESCOPE_DATA;
    let dead_letters = format!("{}.dlq", topic.name);
    let dlq_spec = common::dev(topic)?;
    stack
        .create_topics([common::dev(topic)?, dlq_spec.with_name(dead_letters.clone())])
        .await?;
    // Also for the connector, which only writes into a table that exists.
    let mut sink = common::pg_sink(topic).await?;
    let stop = common::stop_on_signals(Some(limit))?;

    let observation = format!("obs-{}", common::run_id());
    let mut rng = Rng::from_clock();
    let chunks = (0..count).map(|n| {
        let chunk = TelescopeData {
            data_id: format!("{observation}-{n:05}"),
            observation_id: observation.clone(),
            sequence_number: i32::try_from(n).unwrap_or(i32::MAX),
            timestamp: common::now(),
            data: rng.bytes(CHUNK_BYTES),
            processed: false,
            processing_pipeline_version: None,
        };
        (chunk.data_id.clone(), chunk)
    });
    let sent = common::send_all(&Arc::new(stack.producer()?), topic, chunks).await?;
    println!("produced {sent} chunks of {observation} to {}", topic.name);

    if via_connect {
        println!("waiting for the connector's rows (deployed with `cargo xtask connect deploy`?)");
    } else {
        let consumer = stack.sink_consumer(stack.consumer_settings(GROUP, &[topic.name]), Some(&dead_letters))?;
        common::stop_with(&stop, [consumer.shutdown()]);
        let drained = async {
            // The group commits after each transaction: no lag, everything is written.
            stack.caught_up(GROUP, &[topic.name], &stop).await?;
            consumer.shutdown().trigger();
            Ok::<_, common::Error>(())
        };
        let (summary, ()) = tokio::try_join!(
            async { Ok::<_, common::Error>(postgres_sink::run(&consumer, &mut sink).await?) },
            drained
        )?;
        println!(
            "avrokit sink: {} records written, {} batches committed, {} dead letters",
            summary.handled, summary.batches, summary.dead_lettered
        );
    }

    let count_rows = "SELECT count(*) FROM telescope_data_raw WHERE observation_id = $1";
    let mut rows = 0;
    loop {
        let counted: i64 = sink.client().query_one(count_rows, &[&observation]).await?.get(0);
        if counted != rows {
            rows = counted;
            println!("telescope_data_raw: {rows} of {count} rows of {observation}");
        }
        if usize::try_from(rows)? >= count {
            return Ok(());
        }
        tokio::select! {
            () = stop.triggered() => break,
            () = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
    let hint = if via_connect {
        "; is the connector running? `cargo xtask connect deploy`, `cargo xtask connect status`"
    } else {
        ""
    };
    Err(format!("stopped with {rows} of {count} rows in telescope_data_raw{hint}").into())
}
