//! `avrokit lag [GROUP] [--topic T]... [--watch SECONDS] [--format json]`: broker health
//! and latency, then each consumer group's committed offsets, latest offsets and lag per
//! partition, as a pipeline's lag monitor polls them.

use crate::endpoints::KafkaArgs;
use crate::output::{OutputFormat, print_json, text_or_json};
use avrokit::kafka::{BrokerHealth, KafkaSettings, Monitor, TopicLag};
use clap::Args;
use std::fmt::Write;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `avrokit lag`.
#[derive(Args, Debug, Default)]
pub struct LagArgs {
    /// The consumer group; default: every group the cluster knows.
    pub group: Option<String>,
    /// Only these topics (then also partitions the group has not committed yet).
    #[arg(long = "topic")]
    pub topics: Vec<String>,
    /// Print again every this many seconds, until interrupted.
    #[arg(long)]
    pub watch: Option<u64>,
    /// `text` (a table per group) or `json`: one object per report (a line each, with
    /// `--watch`): `brokers` (`host:port` list), `topics` (how many the cluster has),
    /// `metadata_ms`, and `partitions`, each `{"group", "topic", "partition",
    /// "committed" (null before the first commit), "latest", "lag"}`.
    #[arg(long, value_parser = text_or_json(), default_value = "text")]
    pub format: OutputFormat,
    /// The brokers.
    #[command(flatten)]
    pub kafka: KafkaArgs,
}

/// Runs `avrokit lag`: exit 0, or 2 when the brokers cannot be asked.
pub fn run(args: &LagArgs) -> anyhow::Result<ExitCode> {
    let settings: KafkaSettings = args.kafka.settings()?;
    let brokers = settings.bootstrap_servers.clone();
    let monitor = Monitor::new(settings, Duration::from_secs(10));
    loop {
        match args.format {
            OutputFormat::Json => print_json(&json_report(&monitor, &brokers, args)?),
            _ => print!("{}", report(&monitor, &brokers, args)?),
        }
        match args.watch {
            Some(seconds) => std::thread::sleep(Duration::from_secs(seconds.max(1))),
            None => return Ok(ExitCode::SUCCESS),
        }
    }
}

/// The brokers' health, or a one-line error naming them.
fn health(monitor: &Monitor, brokers: &str) -> anyhow::Result<BrokerHealth> {
    monitor
        .reach()
        .map_err(|err| anyhow::anyhow!("cannot reach Kafka at {brokers}: {err}"))
}

fn report(monitor: &Monitor, brokers: &str, args: &LagArgs) -> anyhow::Result<String> {
    let health = health(monitor, brokers)?;
    let mut out = format!(
        "brokers: {} ({}), {} topics, metadata in {} ms\n",
        health.brokers.len(),
        health.brokers.join(", "),
        health.topics,
        health.latency.as_millis()
    );
    let groups = groups(monitor, args)?;
    if groups.is_empty() {
        out.push_str("no consumer groups\n");
    }
    let topics: Vec<&str> = args.topics.iter().map(String::as_str).collect();
    for group in groups {
        let lags = monitor.lag(&group, &topics)?;
        out.push_str(&table(&group, &lags));
    }
    Ok(out)
}

/// The groups to report on: the one asked for, else every group.
fn groups(monitor: &Monitor, args: &LagArgs) -> anyhow::Result<Vec<String>> {
    Ok(match &args.group {
        Some(group) => vec![group.clone()],
        None => monitor.groups()?,
    })
}

/// The report as one JSON object.
fn json_report(monitor: &Monitor, brokers: &str, args: &LagArgs) -> anyhow::Result<serde_json::Value> {
    let health = health(monitor, brokers)?;
    let topics: Vec<&str> = args.topics.iter().map(String::as_str).collect();
    let mut rows = Vec::new();
    for group in groups(monitor, args)? {
        for lag in monitor.lag(&group, &topics)? {
            for p in &lag.partitions {
                rows.push(serde_json::json!({
                    "group": group,
                    "topic": lag.topic,
                    "partition": p.partition,
                    "committed": p.committed,
                    "latest": p.high,
                    "lag": p.lag(),
                }));
            }
        }
    }
    Ok(serde_json::json!({
        "brokers": health.brokers,
        "topics": health.topics,
        "metadata_ms": health.latency.as_millis() as u64,
        "partitions": rows,
    }))
}

/// One group's lag as an aligned table.
fn table(group: &str, lags: &[TopicLag]) -> String {
    let mut out = format!("group {group}:\n");
    if lags.is_empty() {
        out.push_str("  no committed offsets\n");
        return out;
    }
    let width = lags.iter().map(|l| l.topic.len()).max().unwrap_or(5).max(5);
    let _ = writeln!(out, "  {:width$}  partition  committed     latest        lag", "topic");
    for lag in lags {
        for p in &lag.partitions {
            let committed = p.committed.map_or_else(|| "-".to_owned(), |c| c.to_string());
            let _ = writeln!(
                out,
                "  {:width$}  {:>9}  {committed:>9}  {:>9}  {:>9}",
                lag.topic,
                p.partition,
                p.high,
                p.lag()
            );
        }
    }
    let total: i64 = lags.iter().map(TopicLag::total).sum();
    let _ = writeln!(out, "  total lag {total}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use avrokit::kafka::PartitionOffsets;

    #[test]
    fn the_table_lines_up_and_totals() {
        let lags = [TopicLag {
            topic: "element.raw_data".into(),
            partitions: vec![
                PartitionOffsets {
                    partition: 0,
                    low: 0,
                    high: 120,
                    committed: Some(100),
                },
                PartitionOffsets {
                    partition: 1,
                    low: 0,
                    high: 7,
                    committed: None,
                },
            ],
        }];
        assert_eq!(
            table("monitor", &lags),
            "group monitor:\n\
             \x20 topic             partition  committed     latest        lag\n\
             \x20 element.raw_data          0        100        120         20\n\
             \x20 element.raw_data          1          -          7          7\n\
             \x20 total lag 27\n"
        );
    }
}
