//! Smart access: the simulator — households × smart locks per household, each
//! lock reporting access events (open, close, failed attempt) at `--rate` events per
//! second and a `DeviceHealth` every 30 s — produces to `smart-access.events` and
//! `smart-access.health`, while two avrokit PostgreSQL sinks, batching 100 records or
//! what came within 5 s, write them into `raw_access_events` and
//! `raw_device_health`. It prints progress every 5 s; after `--duration` the simulator
//! stops, the sinks catch up, and the run's rows are counted.
//!
//! ```sh
//! cargo xtask stack up && eval $(cargo xtask stack env) && cargo xtask topics apply
//! cargo run -p avrokit-generated --example smart_access -- --duration 60
//! cargo run -p avrokit-generated --example smart_access -- --households 10 --speed 10 --duration 10
//! ```
//!
//! `--speed F` runs the simulated clock F times faster, events and health reports alike.
//! The defaults: 100 households, 3 devices each, 0.1 events per second per device.
//! Ctrl-C stops everything after the batches in flight.

mod common;

use avrokit::kafka::{ConsumerSettings, Shutdown, postgres_sink};
use avrokit_generated::smart::access::{AccessEvent, AccessEventType, DeviceHealth};
use avrokit_generated::topics;
use common::{Args, Result, Rng, Stack};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo run -p avrokit-generated --example smart_access -- \
                     [--households N (100)] [--devices PER_HOUSEHOLD (3)] [--rate EVENTS_PER_S (0.1)] \
                     [--speed F (1)] [--duration SECONDS]";

/// The sinks' consumer groups.
const EVENTS_GROUP: &str = "smart-access-sink-events";
const HEALTH_GROUP: &str = "smart-access-sink-health";

/// Simulated seconds between two health reports of a device.
const HEALTH_INTERVAL: f64 = 30.0;

/// How often the simulator decides which devices report an event.
const TICK: Duration = Duration::from_millis(100);

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::exit("smart_access", run().await)
}

/// The simulation's knobs.
struct Simulation {
    households: usize,
    devices: usize,
    rate: f64,
    speed: f64,
    duration: Option<Duration>,
}

async fn run() -> Result<()> {
    let mut args = Args::parse(USAGE);
    let simulation = Simulation {
        households: args.or("households", 100)?,
        devices: args.or("devices", 3)?,
        rate: args.or("rate", 0.1)?,
        speed: args.or("speed", 1.0)?,
        duration: args.seconds("duration")?,
    };
    args.done()?;
    if !(simulation.speed > 0.0 && simulation.rate >= 0.0) {
        return Err("--speed must be positive and --rate not negative".into());
    }

    let stack = Stack::from_env()?;
    let (events, health) = (&topics::SMART_ACCESS_EVENTS, &topics::SMART_ACCESS_HEALTH);
    stack
        .create_topics([common::dev(events)?, common::dev(health)?])
        .await?;
    let (mut events_sink, mut health_sink) = (common::pg_sink(events).await?, common::pg_sink(health).await?);
    let events_consumer = stack.sink_consumer(batching(stack.consumer_settings(EVENTS_GROUP, &[events.name])), None)?;
    let health_consumer = stack.sink_consumer(batching(stack.consumer_settings(HEALTH_GROUP, &[health.name])), None)?;
    let stop = common::stop_on_signals(None)?;
    let sinks = [events_consumer.shutdown(), health_consumer.shutdown()];
    common::stop_with(&stop, sinks.clone());

    let mut devices: Vec<Device> = Vec::new();
    let mut rng = Rng::from_clock();
    for household in 1..=simulation.households {
        for device in 1..=simulation.devices {
            devices.push(Device::new(format!("lock-h{household:03}-d{device}"), &mut rng));
        }
    }
    let started_at = common::now();
    let simulate_then_drain = async {
        let produced = simulate(&stack, &simulation, &mut devices, &mut rng, &stop).await?;
        if stack.caught_up(EVENTS_GROUP, &[events.name], &stop).await?
            && stack.caught_up(HEALTH_GROUP, &[health.name], &stop).await?
        {
            sinks.iter().for_each(Shutdown::trigger);
        }
        Ok::<_, common::Error>(produced)
    };
    let (written_events, written_health, (produced_events, produced_health)) = tokio::try_join!(
        async { Ok::<_, common::Error>(postgres_sink::run(&events_consumer, &mut events_sink).await?) },
        async { Ok::<_, common::Error>(postgres_sink::run(&health_consumer, &mut health_sink).await?) },
        simulate_then_drain,
    )?;
    println!(
        "sinks: {} access events and {} health reports written",
        written_events.handled, written_health.handled
    );

    // This run's rows: its devices' since it started.
    let ids: Vec<String> = devices.into_iter().map(|d| d.id).collect();
    let since = started_at.timestamp_millis() as f64 / 1000.0;
    let mut short = false;
    for (sink, time_column, produced) in [
        (&events_sink, "event_ts", produced_events),
        (&health_sink, "reported_at", produced_health),
    ] {
        let table = &sink.table().table().ident;
        let sql =
            format!("SELECT count(*) FROM {table} WHERE device_id = ANY($1) AND {time_column} >= to_timestamp($2)");
        let rows: i64 = sink.client().query_one(&sql, &[&ids, &since]).await?.get(0);
        println!("{table}: {rows} rows from this run ({produced} produced)");
        short |= usize::try_from(rows)? < produced;
    }
    if short && !stop.is_triggered() {
        return Err("rows are missing".into());
    }
    Ok(())
}

/// The sinks' batches: up to 100 records, or what came within 5 s.
fn batching(mut settings: ConsumerSettings) -> ConsumerSettings {
    settings.max_batch = 100;
    settings.max_wait = Duration::from_secs(5);
    settings
}

/// Runs the simulation until its duration has passed or `stop`; returns the access events
/// and health reports produced.
async fn simulate(
    stack: &Stack,
    simulation: &Simulation,
    devices: &mut [Device],
    rng: &mut Rng,
    stop: &Shutdown,
) -> Result<(usize, usize)> {
    let producer = Arc::new(stack.producer()?);
    let per_tick = simulation.rate * simulation.speed * TICK.as_secs_f64();
    let health_every = Duration::try_from_secs_f64(HEALTH_INTERVAL / simulation.speed)
        .map_err(|e| format!("--speed {}: {e}", simulation.speed))?;
    println!(
        "simulating {} devices: {:.1} access events/s, {} health reports every {:.1} s",
        devices.len(),
        devices.len() as f64 * simulation.rate * simulation.speed,
        devices.len(),
        health_every.as_secs_f64()
    );
    let started = Instant::now();
    let (mut next_health, mut next_progress) = (started, started + Duration::from_secs(5));
    let (mut events, mut reports) = (0, 0);
    let mut ticks = tokio::time::interval(TICK);
    while simulation.duration.is_none_or(|d| started.elapsed() < d) {
        tokio::select! {
            () = stop.triggered() => break,
            _ = ticks.tick() => {}
        }
        let mut happened = Vec::new();
        for device in devices.iter_mut() {
            if rng.chance(per_tick) {
                happened.push(device.access(rng));
            }
        }
        events += common::send_all(&producer, &topics::SMART_ACCESS_EVENTS, happened).await?;
        if Instant::now() >= next_health {
            let health: Vec<_> = devices.iter_mut().map(|device| device.health(rng)).collect();
            reports += common::send_all(&producer, &topics::SMART_ACCESS_HEALTH, health).await?;
            next_health += health_every;
        }
        if Instant::now() >= next_progress {
            let behind = stack.lag(EVENTS_GROUP, &[topics::SMART_ACCESS_EVENTS.name]).await?;
            println!(
                "[{:>4.0} s] produced {events} access events, {reports} health reports; events sink {} behind",
                started.elapsed().as_secs_f64(),
                behind.iter().map(|t| t.total()).sum::<i64>()
            );
            next_progress += Duration::from_secs(5);
        }
    }
    println!(
        "simulated {:.1} s: produced {events} access events, {reports} health reports",
        started.elapsed().as_secs_f64()
    );
    Ok((events, reports))
}

/// A smart lock: its door, its battery.
struct Device {
    id: String,
    open: bool,
    battery: f64,
}

impl Device {
    fn new(id: String, rng: &mut Rng) -> Device {
        Device {
            id,
            open: false,
            battery: rng.between(40.0, 100.0),
        }
    }

    /// Someone at the door: it opens or closes, or the attempt fails (a wrong code, an
    /// unknown card).
    fn access(&mut self, rng: &mut Rng) -> (String, AccessEvent) {
        let event_type = match (rng.chance(0.05), self.open) {
            (true, _) => AccessEventType::Fail,
            (false, true) => AccessEventType::Close,
            (false, false) => AccessEventType::Open,
        };
        self.open ^= event_type != AccessEventType::Fail;
        let event = AccessEvent {
            event_id: rng.uuid(),
            device_id: self.id.clone(),
            event_ts: common::now(),
            event_type,
            trigger_source: (*rng.pick(&["app", "keypad", "rfid"])).to_owned(),
        };
        (self.id.clone(), event)
    }

    /// The periodic report: the battery drains a little each time.
    fn health(&mut self, rng: &mut Rng) -> (String, DeviceHealth) {
        self.battery = (self.battery - rng.between(0.0, 0.05)).max(0.0);
        let report = DeviceHealth {
            device_id: self.id.clone(),
            reported_at: common::now(),
            battery_pct: self.battery.round() as i32,
            signal_strength_dbm: rng.between(-90.0, -45.0).round() as i32,
            is_online: rng.chance(0.98),
        };
        (self.id.clone(), report)
    }
}
