//! Cosmic Horizons: the array elements' telemetry (`ElementTelemetry`) is
//! produced to `element.raw_data` as fast as the broker takes it, while a deliberately
//! slow consumer (the archiver, `--delay-ms` per record) reads it; the offset monitor, polling
//! the committed and latest offsets as `kafka-consumer-groups --describe` shows them,
//! prints the group's lag per partition every second until the consumer has caught up.
//!
//! ```sh
//! cargo xtask stack up && eval $(cargo xtask stack env) && cargo xtask topics apply
//! cargo run -p avrokit-generated --example element_lag -- --count 1000 --delay-ms 10
//! ```
//!
//! Only this run's records are slowed down: a backlog left by earlier runs is read at full
//! speed. Ctrl-C, or `--duration` passing first, stops the consumer after its batch.

mod common;

use avrokit::kafka::Record;
use avrokit_generated::cosmic::horizons::{ElementMetrics, ElementTelemetry, RouteType};
use avrokit_generated::topics;
use common::{Args, Result, Rng, Stack};
use std::cell::Cell;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo run -p avrokit-generated --example element_lag -- \
                     [--count N (1000)] [--delay-ms MS_PER_RECORD (10)] [--duration SECONDS]";

/// The archiver's consumer group.
const GROUP: &str = "cosmic-horizons-array-element";

/// Observatory sites, each a hub for its elements.
const SITES: usize = 3;
const ELEMENTS_PER_SITE: usize = 12;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::exit("element_lag", run().await)
}

async fn run() -> Result<()> {
    let mut args = Args::parse(USAGE);
    let count: usize = args.or("count", 1000)?;
    let delay = Duration::from_millis(args.or("delay-ms", 10)?);
    let limit = args.seconds("duration")?;
    args.done()?;

    let stack = Stack::from_env()?;
    let topic = &topics::ELEMENT_RAW_DATA;
    stack.create_topics([common::dev(topic)?]).await?;
    let producer = Arc::new(stack.producer()?);
    let mut settings = stack.consumer_settings(GROUP, &[topic.name]);
    // Small batches: the group commits, and the monitor sees it advance, several times a second.
    settings.max_batch = 20;
    let archiver = stack.consumer::<ElementTelemetry>(settings)?;
    let stop = common::stop_on_signals(limit)?;
    common::stop_with(&stop, [archiver.shutdown()]);

    let started = Instant::now();
    let started_ms = common::now().timestamp_millis();
    let produced = Cell::new(false);
    let mut read = 0;
    let produce = async {
        let mut rng = Rng::from_clock();
        let packets: Vec<((), ElementTelemetry)> = (0..count).map(|n| ((), packet(n, &mut rng))).collect();
        let sent = common::send_all(&producer, topic, packets).await?;
        println!(
            "produced {sent} packets to {} in {:.2} s",
            topic.name,
            started.elapsed().as_secs_f64()
        );
        produced.set(true);
        Ok::<_, common::Error>(())
    };
    let archive = archiver.run(async |batch: &[Record<ElementTelemetry>]| {
        let ours = batch.iter().filter(|r| r.timestamp() >= Some(started_ms)).count();
        // Archiving to slow storage.
        tokio::time::sleep(delay.saturating_mul(u32::try_from(ours).unwrap_or(u32::MAX))).await;
        read += batch.len();
        Ok(())
    });
    let monitor = async {
        let mut ticks = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                () = stop.triggered() => return Ok(()),
                _ = ticks.tick() => {}
            }
            let lags = stack.lag(GROUP, &[topic.name]).await?;
            for partition in lags
                .iter()
                .flat_map(|t| t.partitions.iter().map(move |p| (&t.topic, p)))
            {
                let (name, p) = partition;
                println!(
                    "[{:>5.1} s] {name} p{}: latest {}, committed {}, lag {}",
                    started.elapsed().as_secs_f64(),
                    p.partition,
                    p.high,
                    p.committed.map_or("-".to_owned(), |c| c.to_string()),
                    p.lag()
                );
            }
            if produced.get() && lags.iter().all(|t| t.total() == 0) {
                archiver.shutdown().trigger();
                return Ok::<_, common::Error>(());
            }
        }
    };
    let ((), summary, ()) = tokio::try_join!(produce, async { Ok::<_, common::Error>(archive.await?) }, monitor)?;
    if stop.is_triggered() {
        return Err(format!("stopped before catching up, after {} records", summary.handled).into());
    }
    println!(
        "caught up after {:.1} s: the archiver read {read} records in {} batches",
        started.elapsed().as_secs_f64(),
        summary.batches
    );
    Ok(())
}

/// The `n`th telemetry packet: an element reporting to its site's hub, or (one in ten) a
/// hub forwarding to the next site.
fn packet(n: usize, rng: &mut Rng) -> ElementTelemetry {
    let site = n % SITES + 1;
    let element = n / SITES % ELEMENTS_PER_SITE + 1;
    let (source, target, route) = match n % 10 {
        9 => (
            format!("site-{site}"),
            format!("site-{}", site % SITES + 1),
            RouteType::HubToHub,
        ),
        _ => (
            format!("element-{site}-{element}"),
            format!("site-{site}"),
            RouteType::NodeToHub,
        ),
    };
    ElementTelemetry {
        source_id: source,
        target_id: target,
        route_type: route,
        element_id: format!("ngvla-{site}{element:02}"),
        site_id: format!("site-{site}"),
        timestamp: common::now(),
        metrics: ElementMetrics {
            vibration: rng.between(0.01, 0.05),
            power_usage: rng.between(1200.0, 1800.0),
            noise_floor: rng.between(-110.0, -95.0),
            rfi_level: rng.between(-90.0, -60.0),
        },
        // A chunk of raw visibilities.
        data_chunk: Some(rng.bytes(256)),
    }
}
