//! `cargo xtask bench codec`: runs the criterion benchmark `tests/benches/codec.rs`
//! (avrokit's derived codecs against apache-avro 0.22's `Value` and serde paths, and
//! decoding through a resolution plan), then reads criterion's estimates of this very run
//! back and prints records/s, MB/s and the ratios against the targets below.

use crate::workspace;
use anyhow::{Context, bail};
use avrokit_codegen::json::{self, Json};
use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::SystemTime;

/// Arguments of `cargo xtask bench codec`.
#[derive(Args)]
pub struct CodecBenchArgs {
    /// criterion's quick mode: each benchmark only until its estimate is stable (seconds
    /// in all, noisier).
    #[arg(long)]
    quick: bool,
    /// Seconds criterion measures each benchmark for (its own default is 5).
    #[arg(long, default_value_t = 3.0)]
    measurement_time: f64,
    /// Seconds criterion warms each benchmark up for (its own default is 3).
    #[arg(long, default_value_t = 1.0)]
    warm_up_time: f64,
    /// Only print the summary of the results already in `target/criterion/`.
    #[arg(long)]
    no_run: bool,
    /// Run the benchmark this many times, each in a fresh process, and summarise each
    /// benchmark's median over the runs. Allocation-heavy paths settle into a fast or a
    /// slow mode per process on a shared VM; one run's ratios can land in either.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=9))]
    runs: u32,
    /// A criterion filter (a regular expression over ids such as
    /// `codec/TelescopeData/encode/avrokit`): run only the matching benchmarks.
    filter: Option<String>,
}

/// The records, in the order of the table.
const RECORDS: [&str; 3] = ["TelescopeData", "TelescopeStatus", "ElementTelemetry"];
/// The compared paths, as the benchmark names them.
const AVROKIT: &str = "avrokit";
/// avrokit decoding each record into one reused value (`set_from_avro`).
const AVROKIT_IN_PLACE: &str = "avrokit in place";
const VALUE_PATH: &str = "apache-avro Value";
const SERDE_PATH: &str = "apache-avro serde";
/// The anchor: a codec written by hand for one record, without any Avro library.
const HAND_WRITTEN: &str = "hand-written";
/// avrokit's allocating decode of the records generated with `Box<str>` strings and
/// `bytes::Bytes` bytes, from a frame held as `Bytes` (its bytes fields share the frame).
const AVROKIT_SHARED: &str = "avrokit Bytes shared";
const HAND_WRITTEN_RECORD: &str = "TelescopeData";
/// The resolution benchmark: the same reader type, data of its own schema and of v1.
const RESOLUTION_RECORD: &str = "TelescopeCommand";
const SAME_SCHEMA: &str = "avrokit same schema";
const RESOLVED: &str = "avrokit resolved from v1";

/// The codec targets: avrokit's speed-up over the `Value` path (encode and decode), over
/// the serde path (encode, decode), and the most resolution may cost.
const TARGET_VS_VALUE: f64 = 10.0;
const TARGET_VS_SERDE_ENCODE: f64 = 3.0;
const TARGET_VS_SERDE_DECODE: f64 = 2.0;
const TARGET_RESOLUTION: f64 = 1.5;

/// One benchmark's result: time per record and encoded bytes per record.
#[derive(Debug, Clone, Copy)]
struct Estimate {
    /// Median time of one iteration (one record), in nanoseconds.
    nanos: f64,
    /// Encoded size of the record.
    bytes: u64,
}

impl Estimate {
    fn records_per_sec(self) -> f64 {
        1e9 / self.nanos
    }

    fn mb_per_sec(self) -> f64 {
        self.bytes as f64 * self.records_per_sec() / 1e6
    }
}

/// Runs the benchmark (unless `--no-run`) and prints the summary.
pub fn run(args: CodecBenchArgs) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let criterion_dir = criterion_dir(&root);
    if args.no_run {
        let results = read_results(&criterion_dir, None)?;
        if results.is_empty() {
            bail!("no codec results in {}", criterion_dir.display());
        }
        print_summary(&results, 1);
        return Ok(ExitCode::SUCCESS);
    }
    let mut runs = Vec::new();
    for run in 1..=args.runs {
        if args.runs > 1 {
            println!("codec bench: run {run} of {}", args.runs);
        }
        let started = SystemTime::now();
        run_criterion(&root, &criterion_dir, &args)?;
        let results = read_results(&criterion_dir, Some(started))?;
        if results.is_empty() {
            bail!("no codec results in {}", criterion_dir.display());
        }
        runs.push(results);
    }
    print_summary(&median_over_runs(&runs), runs.len());
    Ok(ExitCode::SUCCESS)
}

/// One `cargo bench` of the codec benchmark, with criterion's results in `criterion_dir`.
fn run_criterion(root: &Path, criterion_dir: &Path, args: &CodecBenchArgs) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["bench", "--package", "avrokit-tests", "--bench", "codec", "--"])
        .current_dir(root)
        .env("CRITERION_HOME", criterion_dir);
    if args.quick {
        command.arg("--quick");
    }
    command
        .arg("--warm-up-time")
        .arg(args.warm_up_time.to_string())
        .arg("--measurement-time")
        .arg(args.measurement_time.to_string());
    if let Some(filter) = &args.filter {
        command.arg(filter);
    }
    let status = command.status().context("running `cargo bench`")?;
    if !status.success() {
        bail!("`cargo bench --package avrokit-tests --bench codec` failed ({status})");
    }
    Ok(())
}

/// Each benchmark's median time over the runs that measured it.
fn median_over_runs(runs: &[BTreeMap<(String, String), Estimate>]) -> BTreeMap<(String, String), Estimate> {
    let mut times: BTreeMap<(String, String), (Vec<f64>, u64)> = BTreeMap::new();
    for run in runs {
        for (key, estimate) in run {
            let entry = times.entry(key.clone()).or_insert((Vec::new(), estimate.bytes));
            entry.0.push(estimate.nanos);
        }
    }
    times
        .into_iter()
        .map(|(key, (mut nanos, bytes))| {
            nanos.sort_by(f64::total_cmp);
            let mid = nanos.len() / 2;
            let median = if nanos.len() % 2 == 1 {
                nanos[mid]
            } else {
                (nanos[mid - 1] + nanos[mid]) / 2.0
            };
            (key, Estimate { nanos: median, bytes })
        })
        .collect()
}

/// Where criterion keeps its results: `$CARGO_TARGET_DIR/criterion`, or `target/criterion`.
fn criterion_dir(root: &Path) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    target.join("criterion")
}

/// The codec results by (group, function): every `new/benchmark.json` of a `codec/` group
/// with its `new/estimates.json`, only those written after `since` when given (so the
/// summary never mixes in an earlier run).
fn read_results(dir: &Path, since: Option<SystemTime>) -> anyhow::Result<BTreeMap<(String, String), Estimate>> {
    let mut results = BTreeMap::new();
    let Ok(groups) = std::fs::read_dir(dir) else {
        return Ok(results);
    };
    for group in groups {
        let group = group?.path();
        let Ok(functions) = std::fs::read_dir(&group) else {
            continue;
        };
        for function in functions {
            let new = function?.path().join("new");
            let (benchmark, estimates) = (new.join("benchmark.json"), new.join("estimates.json"));
            if !benchmark.is_file() || !estimates.is_file() {
                continue;
            }
            if let Some(since) = since {
                let modified = std::fs::metadata(&estimates)?.modified()?;
                if modified < since {
                    continue;
                }
            }
            let meta = read_json(&benchmark)?;
            let text = |key: &str| meta.get(key).and_then(|m| m.value.as_str()).map(String::from);
            let (Some(group_id), Some(function_id)) = (text("group_id"), text("function_id")) else {
                continue;
            };
            if !group_id.starts_with("codec/") {
                continue;
            }
            let bytes = meta
                .get("throughput")
                .and_then(|t| t.value.get("ElementsAndBytes"))
                .and_then(|t| t.value.get("bytes"))
                .and_then(|b| b.value.as_i64())
                .and_then(|b| u64::try_from(b).ok())
                .with_context(|| format!("{}: no ElementsAndBytes throughput", benchmark.display()))?;
            let nanos = read_json(&estimates)?
                .get("median")
                .and_then(|m| m.value.get("point_estimate"))
                .and_then(|p| p.value.as_f64())
                .with_context(|| format!("{}: no median point estimate", estimates.display()))?;
            results.insert((group_id, function_id), Estimate { nanos, bytes });
        }
    }
    Ok(results)
}

fn read_json(path: &Path) -> anyhow::Result<Json> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    json::parse(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message))
}

fn human(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{:.2}M", rate / 1e6)
    } else {
        format!("{:.0}k", rate / 1e3)
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

fn print_summary(results: &BTreeMap<(String, String), Estimate>, runs: usize) {
    let get = |group: &str, function: &str| results.get(&(group.to_string(), function.to_string())).copied();
    let cell = |e: Option<Estimate>| match e {
        Some(e) => format!("{}/s {:>6.0} MB/s", human(e.records_per_sec()), e.mb_per_sec()),
        None => "-".to_string(),
    };
    // avrokit's speed-up: the other path's time over avrokit's.
    let ratio = |ours: Option<Estimate>, theirs: Option<Estimate>| match (ours, theirs) {
        (Some(ours), Some(theirs)) => Some(theirs.nanos / ours.nanos),
        _ => None,
    };
    let times = |r: Option<f64>| r.map_or_else(|| "-".to_string(), |r| format!("{r:.2}x"));
    let show = |r: Option<f64>, target: f64| match r {
        Some(r) => format!("{r:>5.1}x {:<6}", verdict(r >= target)),
        None => "-".to_string(),
    };

    println!();
    match runs {
        1 => println!("codec speed (criterion medians; records/s and MB/s of the encoded record)"),
        n => println!(
            "codec speed (each benchmark's median over {n} runs in separate processes of criterion's \
             medians; records/s and MB/s of the encoded record)"
        ),
    }
    println!(
        "| {:<16} | {:<6} | {:>5} | {:<20} | {:<20} | {:<20} | {:<15} | {:<15} |",
        "record",
        "op",
        "bytes",
        AVROKIT,
        VALUE_PATH,
        SERDE_PATH,
        format!("vs Value (≥{TARGET_VS_VALUE}x)"),
        "vs serde"
    );
    println!(
        "|{:-<18}|{:-<8}|{:-<7}|{:-<22}|{:-<22}|{:-<22}|{:-<17}|{:-<17}|",
        "", "", "", "", "", "", "", ""
    );
    for record in RECORDS {
        for (op, serde_target) in [("encode", TARGET_VS_SERDE_ENCODE), ("decode", TARGET_VS_SERDE_DECODE)] {
            let group = format!("codec/{record}/{op}");
            let ours = get(&group, AVROKIT);
            let (value, serde) = (get(&group, VALUE_PATH), get(&group, SERDE_PATH));
            if ours.is_none() && value.is_none() && serde.is_none() {
                continue;
            }
            let bytes = [ours, value, serde]
                .iter()
                .flatten()
                .map(|e| e.bytes)
                .next()
                .unwrap_or(0);
            println!(
                "| {:<16} | {:<6} | {:>5} | {:<20} | {:<20} | {:<20} | {:<15} | {:<15} |",
                record,
                op,
                bytes,
                cell(ours),
                cell(value),
                cell(serde),
                show(ratio(ours, value), TARGET_VS_VALUE),
                format!(
                    "{} (≥{serde_target}x)",
                    show(ratio(ours, serde), serde_target).trim_end()
                ),
            );
        }
    }

    // One contender per group, beside avrokit's and the Value path's results of that group.
    let beside = |groups: Vec<(&'static str, String)>, contender: &str| -> Vec<_> {
        groups
            .into_iter()
            .filter_map(|(label, group)| {
                Some((
                    label,
                    get(&group, contender)?,
                    get(&group, AVROKIT),
                    get(&group, VALUE_PATH),
                ))
            })
            .collect()
    };

    let anchors = beside(
        ["encode", "decode"]
            .map(|op| (op, format!("codec/{HAND_WRITTEN_RECORD}/{op}")))
            .into(),
        HAND_WRITTEN,
    );
    if !anchors.is_empty() {
        println!();
        println!("anchor ({HAND_WRITTEN_RECORD} by a hand-written codec, the level a specialised codec reaches):");
        for (op, hand, ours, value) in anchors {
            println!(
                "  {op}  hand-written {}: {} the Value path; avrokit is {} as fast as the hand-written",
                cell(Some(hand)),
                times(ratio(Some(hand), value)),
                times(ratio(ours, Some(hand))),
            );
        }
    }

    let in_place = beside(
        RECORDS.map(|record| (record, format!("codec/{record}/decode"))).into(),
        AVROKIT_IN_PLACE,
    );
    if !in_place.is_empty() {
        println!();
        println!("decoding in place (`set_from_avro` into one value, reusing its strings and buffers):");
        for (record, reused, fresh, value) in in_place {
            println!(
                "  {record:<16} {}: {} the Value path (≥{TARGET_VS_VALUE}x {}), {} avrokit's decode into a new value",
                cell(Some(reused)),
                times(ratio(Some(reused), value)),
                ratio(Some(reused), value).map_or("-", |r| verdict(r >= TARGET_VS_VALUE)),
                times(ratio(Some(reused), fresh)),
            );
        }
    }

    let shared = beside(
        RECORDS.map(|record| (record, format!("codec/{record}/decode"))).into(),
        AVROKIT_SHARED,
    );
    if !shared.is_empty() {
        println!();
        println!(
            "copy-free decoding (types generated with Box<str> and bytes::Bytes, `from_avro_bytes` of a Bytes frame):"
        );
        for (record, ours_shared, fresh, value) in shared {
            println!(
                "  {record:<16} {}: {} the Value path (≥{TARGET_VS_VALUE}x {}), {} avrokit's decode with String and Vec<u8>",
                cell(Some(ours_shared)),
                times(ratio(Some(ours_shared), value)),
                ratio(Some(ours_shared), value).map_or("-", |r| verdict(r >= TARGET_VS_VALUE)),
                times(ratio(Some(ours_shared), fresh)),
            );
        }
    }

    let group = format!("codec/{RESOLUTION_RECORD}/decode");
    let (same, resolved) = (get(&group, SAME_SCHEMA), get(&group, RESOLVED));
    if same.is_some() || resolved.is_some() {
        println!();
        println!("resolution ({RESOLUTION_RECORD}: v1 writer without `priority`, current reader):");
        println!("  same-schema decode      {}", cell(same));
        println!("  decode via the v1 plan  {}", cell(resolved));
        if let (Some(same), Some(resolved)) = (same, resolved) {
            let cost = resolved.nanos / same.nanos;
            println!(
                "  resolved / same-schema time: {cost:.2}x (target ≤{TARGET_RESOLUTION}x: {})",
                verdict(cost <= TARGET_RESOLUTION)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_benchmark_takes_its_median_over_the_runs_that_measured_it() {
        let key = |f: &str| ("codec/R/decode".to_string(), f.to_string());
        let run = |entries: &[(&str, f64)]| -> BTreeMap<(String, String), Estimate> {
            entries
                .iter()
                .map(|(f, nanos)| {
                    (
                        key(f),
                        Estimate {
                            nanos: *nanos,
                            bytes: 10,
                        },
                    )
                })
                .collect()
        };
        // A process in the slow mode (400) is outvoted by two in the fast one.
        let runs = [
            run(&[("a", 250.0), ("b", 9.0)]),
            run(&[("a", 400.0)]),
            run(&[("a", 260.0), ("b", 11.0)]),
        ];
        let median = median_over_runs(&runs);
        assert_eq!(median[&key("a")].nanos, 260.0);
        assert_eq!(median[&key("b")].nanos, 10.0, "two runs: the mean of the middle two");
        assert_eq!(median[&key("a")].bytes, 10);
    }
}
