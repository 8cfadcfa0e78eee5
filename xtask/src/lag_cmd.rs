//! `cargo xtask lag [GROUP] [--topic T]... [--watch SECONDS]`: broker health and
//! latency, then each consumer group's committed offsets, latest offsets and lag per
//! partition — what seed 001's monitor polls.

use crate::stack;
use anyhow::bail;
use avrokit::kafka::{KafkaSettings, Monitor, TopicLag};
use clap::Args;
use std::fmt::Write;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `cargo xtask lag`.
#[derive(Args, Debug)]
pub struct LagArgs {
    /// The consumer group; default: every group the cluster knows.
    group: Option<String>,
    /// Only these topics (then also partitions the group has not committed yet).
    #[arg(long = "topic")]
    topics: Vec<String>,
    /// Print again every this many seconds, until interrupted.
    #[arg(long)]
    watch: Option<u64>,
    /// The brokers. Default: $KAFKA_BOOTSTRAP_SERVERS, else the running stack's.
    #[arg(long)]
    bootstrap_servers: Option<String>,
}

/// Runs `cargo xtask lag`: exit 0, or 2 when the brokers cannot be asked.
pub fn run(args: LagArgs) -> anyhow::Result<ExitCode> {
    let Some(bootstrap) = args
        .bootstrap_servers
        .clone()
        .or_else(|| stack::client_setting("KAFKA_BOOTSTRAP_SERVERS"))
    else {
        bail!(
            "no Kafka: pass --bootstrap-servers, set KAFKA_BOOTSTRAP_SERVERS, or start the stack (`cargo xtask stack up`)"
        );
    };
    let monitor = Monitor::new(KafkaSettings::new(&bootstrap), Duration::from_secs(10));
    loop {
        print!("{}", report(&monitor, &args)?);
        match args.watch {
            Some(seconds) => std::thread::sleep(Duration::from_secs(seconds.max(1))),
            None => return Ok(ExitCode::SUCCESS),
        }
    }
}

fn report(monitor: &Monitor, args: &LagArgs) -> anyhow::Result<String> {
    let health = monitor.health()?;
    let mut out = format!(
        "brokers: {} ({}), {} topics, metadata in {} ms\n",
        health.brokers.len(),
        health.brokers.join(", "),
        health.topics,
        health.latency.as_millis()
    );
    let groups = match &args.group {
        Some(group) => vec![group.clone()],
        None => monitor.groups()?,
    };
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
