//! IoT hub: the validator consumes raw telemetry (`TelemetryEvent`) from
//! `telemetry.raw`, writes the valid events, normalised, to `telemetry.clean`
//! (`CleanTelemetryEvent`: device id trimmed and upper-case, metric names lower-case,
//! Fahrenheit turned into Celsius) and sends the invalid ones to `telemetry.dlq` as
//! `DeadLetter`s: the original key and value bytes, the reason, and the topic, partition
//! and offset they were read at. A record that is not Avro at all (a legacy producer's
//! JSON) is invalid too.
//!
//! ```sh
//! cargo xtask stack up && eval $(cargo xtask stack env) && cargo xtask topics apply
//! cargo run -p avrokit-generated --example iot_validator -- --generate 20
//! ```
//!
//! `--generate N` first produces N raw events, one in five invalid, and stops once the
//! validator has caught up; without it the validator runs until Ctrl-C or `--duration`.

mod common;

use avrokit::chrono::TimeDelta;
use avrokit::kafka::{Consumer, Decode, HandlerError, Producer, Record};
use avrokit::registry_client::{DeserializeError, Deserializer};
use avrokit_generated::iot::hub::{CleanTelemetryEvent, DeadLetter, TelemetryEvent};
use avrokit_generated::topics;
use common::{Args, Result, Rng, Stack};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo run -p avrokit-generated --example iot_validator -- \
                     [--generate N] [--duration SECONDS]";

/// The validator's consumer group.
const GROUP: &str = "telemetry-validator";

/// Plausible readings: relative humidity in percent, temperature in °C (the sensors' range).
const HUMIDITY: RangeInclusive<f64> = 0.0..=100.0;
const TEMPERATURE: RangeInclusive<f64> = -40.0..=85.0;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::exit("iot_validator", run().await)
}

async fn run() -> Result<()> {
    let mut args = Args::parse(USAGE);
    let generate: Option<usize> = args.value("generate")?;
    let limit = args.seconds("duration")?;
    args.done()?;

    let stack = Stack::from_env()?;
    let (raw, clean, dlq) = (&topics::TELEMETRY_RAW, &topics::TELEMETRY_CLEAN, &topics::TELEMETRY_DLQ);
    stack
        .create_topics([common::dev(raw)?, common::dev(clean)?, common::dev(dlq)?])
        .await?;
    let producer = stack.producer()?;
    if let Some(count) = generate {
        generate_events(&producer, count).await?;
    }

    let settings = stack.consumer_settings(GROUP, &[raw.name]);
    let validator = Consumer::with_decoder(settings, KeepBytes(Deserializer::new(stack.registry.clone())), None)?;
    let stop = common::stop_on_signals(limit)?;
    common::stop_with(&stop, [validator.shutdown()]);
    let (mut valid, mut invalid) = (0, 0);
    let validate_all = validator.run_each(async |record: &Record<RawEvent>| {
        match record.value.event.clone().and_then(validate) {
            Ok(event) => {
                producer
                    .send(clean, &event.device_id, &event)
                    .await
                    .map_err(HandlerError::retriable)?;
                let readings: Vec<String> = event.metrics.iter().map(|(k, v)| format!("{k}={v:.1}")).collect();
                println!("clean {} {}", event.device_id, readings.join(" "));
                valid += 1;
            }
            Err(reason) => {
                let key = String::from_utf8_lossy(record.raw_key().unwrap_or_default()).into_owned();
                let dead = DeadLetter {
                    original_key: record.raw_key().map(<[u8]>::to_vec),
                    original_value: record.value.bytes.clone(),
                    error: reason,
                    source_topic: record.topic().to_owned(),
                    source_partition: record.partition(),
                    source_offset: record.offset(),
                    failed_at: common::now(),
                };
                producer.send(dlq, &key, &dead).await.map_err(HandlerError::retriable)?;
                println!(
                    "dlq   {}/{}@{} key {key:?}: {}",
                    dead.source_topic, dead.source_partition, dead.source_offset, dead.error
                );
                invalid += 1;
            }
        }
        Ok(())
    });
    let caught_up = async {
        if generate.is_some() && stack.caught_up(GROUP, &[raw.name], &stop).await? {
            validator.shutdown().trigger();
        }
        Ok::<_, common::Error>(())
    };
    let (summary, ()) = tokio::try_join!(async { Ok::<_, common::Error>(validate_all.await?) }, caught_up)?;
    println!(
        "validator: {valid} to {}, {invalid} to {} ({} batches committed)",
        clean.name, dlq.name, summary.batches
    );
    Ok(())
}

/// A raw record's value bytes, kept for the dead letter, and what they decode to, or why
/// they do not.
#[derive(Debug, Clone)]
struct RawEvent {
    bytes: Vec<u8>,
    event: Result<TelemetryEvent, String>,
}

/// Decodes `TelemetryEvent`s keeping the bytes. A record that cannot be decoded is an
/// invalid event for the validator to dead-letter like any other, so only a registry that
/// is away (retriable: the consumer waits for it) is an error here.
struct KeepBytes(Deserializer<TelemetryEvent>);

impl Decode for KeepBytes {
    type Value = RawEvent;

    async fn decode(&self, bytes: &[u8]) -> Result<RawEvent, DeserializeError> {
        match self.0.deserialize(bytes).await {
            Err(error) if error.is_retriable() => Err(error),
            event => Ok(RawEvent {
                bytes: bytes.to_vec(),
                event: event.map_err(|e| format!("not a TelemetryEvent: {e}")),
            }),
        }
    }
}

/// The event normalised, or why it is invalid.
fn validate(event: TelemetryEvent) -> Result<CleanTelemetryEvent, String> {
    if event.schema_version != 1 {
        return Err(format!("unsupported schema_version {}", event.schema_version));
    }
    let device_id = event.device.trim().to_uppercase();
    if device_id.is_empty() {
        return Err("empty device id".into());
    }
    if event.metrics.is_empty() {
        return Err(format!("{device_id}: no metrics"));
    }
    let validated_at = common::now();
    // Device clocks drift a little; more than that is a broken clock.
    if event.ts > validated_at + TimeDelta::minutes(5) {
        return Err(format!("{device_id}: timestamp {} is in the future", event.ts));
    }
    let mut metrics = BTreeMap::new();
    for (name, value) in event.metrics {
        let (name, value) = match name.trim().to_lowercase().as_str() {
            "temperature_f" => ("temperature".to_owned(), (value - 32.0) * 5.0 / 9.0),
            other => (other.to_owned(), value),
        };
        let range = match name.as_str() {
            "humidity" => Some(HUMIDITY),
            "temperature" => Some(TEMPERATURE),
            _ => None,
        };
        if !value.is_finite() || range.as_ref().is_some_and(|r| !r.contains(&value)) {
            return Err(format!("{device_id}: {name} {value} out of range"));
        }
        metrics.insert(name, value);
    }
    Ok(CleanTelemetryEvent {
        schema_version: event.schema_version,
        device_id,
        metrics,
        ts: event.ts,
        validated_at,
    })
}

/// Produces `count` raw events as the ingestion service would: readings of four devices
/// (one reporting Fahrenheit, one with a sloppy id), and in every five one that is
/// invalid in one of six ways.
async fn generate_events(producer: &Producer, count: usize) -> Result<()> {
    let mut rng = Rng::from_clock();
    let devices = ["DEV-01", "DEV-02", " dev-03 ", "DEV-04"];
    let mut invalid = 0;
    for n in 0..count {
        let device = devices[n % devices.len()];
        let mut event = TelemetryEvent {
            schema_version: 1,
            device: device.to_owned(),
            metrics: BTreeMap::from([("humidity".to_owned(), rng.between(30.0, 60.0).round())]),
            ts: common::now(),
        };
        // Sensors report tenths of a degree.
        let temperature = (rng.between(18.0, 26.0) * 10.0).round() / 10.0;
        match device {
            "DEV-04" => event
                .metrics
                .insert("temperature_f".into(), temperature * 9.0 / 5.0 + 32.0),
            _ => event.metrics.insert("temperature".into(), temperature),
        };
        if n % 5 == 4 {
            invalid += 1;
            match n / 5 % 6 {
                0 => drop(event.metrics.insert("humidity".into(), 140.0)),
                1 => event.metrics.clear(),
                2 => drop(event.metrics.insert("temperature".into(), f64::NAN)),
                3 => event.device = "  ".into(),
                4 => event.ts += TimeDelta::hours(1),
                _ => {
                    // What a JSON-writing legacy producer sends: UTF-8 JSON, not Avro.
                    let json = format!(
                        r#"{{"schema_version": 1, "device": "{}", "metrics": {{"humidity": 20, "temperature": 20}}, "ts": "2026-02-20 22:45"}}"#,
                        device.trim()
                    );
                    producer
                        .send_bytes(
                            topics::TELEMETRY_RAW.name,
                            Some(device.as_bytes()),
                            Some(json.as_bytes()),
                            None,
                        )
                        .await?;
                    continue;
                }
            }
        }
        producer.send(&topics::TELEMETRY_RAW, device, &event).await?;
    }
    println!(
        "generated {count} raw events to {}: {} valid, {invalid} invalid",
        topics::TELEMETRY_RAW.name,
        count - invalid
    );
    Ok(())
}
