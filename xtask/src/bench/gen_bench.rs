//! `cargo xtask bench gen`: avrokit vs rsgen-avro on the same synthetic schemas —
//! generation wall time, then `cargo check` time of each one's output.

use super::check::ThrowawayCrate;
use super::{rsgen, synthetic};
use crate::workspace;
use anyhow::{Context, anyhow, bail};
use avrokit_codegen::Generator;
use clap::Args;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// Arguments of `cargo xtask bench gen`.
#[derive(Args)]
pub struct GenBenchArgs {
    /// How many synthetic record schemas (about 20 fields each) to generate from.
    #[arg(long, default_value_t = 1000)]
    schemas: usize,
    /// Seed of the synthetic schemas (the same seed gives the same files).
    #[arg(long, default_value_t = 0x5eed)]
    seed: u64,
    /// Generation runs per tool; the best one counts.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Generate avrokit's serde derives too (behind a `serde` feature, enabled in the
    /// checked crate), as rsgen-avro always does: the like-for-like comparison.
    #[arg(long)]
    serde: bool,
    /// Derive the codecs too (`#[derive(avrokit::AvroMessage)]` on every type): the
    /// compile time the derive adds.
    #[arg(long)]
    codecs: bool,
    /// Skip the `cargo check` of the generated code (that of rsgen-avro's output takes
    /// minutes).
    #[arg(long)]
    skip_check: bool,
}

/// Runs the benchmark under `target/bench-gen/`.
pub fn run(args: GenBenchArgs) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let bench = root.join("target").join("bench-gen");
    let schemas = bench.join("schemas");
    let summary = synthetic::write(&schemas, args.schemas, args.seed)?;
    println!(
        "input: {} records ({} fields, {:.1} per record; {} enums; {} record references) in {} files -> {}",
        summary.records,
        summary.fields,
        summary.fields as f64 / summary.records.max(1) as f64,
        summary.enums,
        summary.record_refs,
        summary.files,
        relative(&root, &schemas)
    );

    let avrokit_crate = bench.join("avrokit");
    let avrokit_src = avrokit_crate.join("src");
    let avrokit_time = best_of(args.runs, || {
        // A fresh directory each run: `write_rust` skips unchanged files, and the bench
        // is about writing everything, as on a first build.
        remove_dir(&avrokit_src)?;
        let start = Instant::now();
        let mut generator = Generator::new(&schemas).serde_feature(args.serde.then_some("serde"));
        if args.codecs {
            generator = generator.derive_codecs(schemas.display().to_string());
        }
        let generated = generator
            .generate()
            .map_err(|diagnostics| anyhow!("avrokit rejected the synthetic schemas:\n{diagnostics}"))?;
        generated.write_rust(&avrokit_src)?;
        Ok(start.elapsed())
    })?;

    let rsgen_bin = rsgen::binary(&root)?;
    let rsgen_crate = bench.join("rsgen");
    let rsgen_src = rsgen_crate.join("src");
    let rsgen_out = rsgen_src.join("lib.rs");
    let pattern = format!("{}/*.avsc", schemas.display());
    let rsgen_time = best_of(args.runs, || {
        remove_dir(&rsgen_src)?;
        std::fs::create_dir_all(&rsgen_src)?;
        // Wall time of the CLI as a user runs it (process start and schema parsing
        // included), with its default options.
        let start = Instant::now();
        let output = Command::new(&rsgen_bin).arg(&pattern).arg(&rsgen_out).output()?;
        let time = start.elapsed();
        if !output.status.success() {
            bail!(
                "rsgen-avro failed on the synthetic schemas:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(time)
    })?;

    let (avrokit_files, avrokit_lines) = rust_size(&avrokit_src)?;
    let (rsgen_files, rsgen_lines) = rust_size(&rsgen_src)?;
    let rsgen_label = format!("rsgen-avro {}", rsgen::VERSION);
    println!("generation, best of {} runs:", args.runs);
    row(
        "avrokit",
        avrokit_time,
        &format!(
            "{avrokit_files} files, {avrokit_lines} lines; in-process: load + IR + emit + write; serde derives {}, codecs {}",
            if args.serde { "on" } else { "off" },
            if args.codecs { "derived" } else { "off" }
        ),
    );
    row(
        &rsgen_label,
        rsgen_time,
        &format!("{rsgen_files} file, {rsgen_lines} lines; CLI, default options"),
    );
    println!("  ratio rsgen-avro / avrokit: {}", ratio(rsgen_time, avrokit_time));

    if args.skip_check {
        return Ok(ExitCode::SUCCESS);
    }
    let target_dir = bench.join("target");
    println!(
        "cargo check of the generated code (dependencies checked first, untimed; target dir {}):",
        relative(&root, &target_dir)
    );
    let runtime = root.join("runtime").display().to_string();
    let avrokit_check = ThrowawayCrate {
        dir: avrokit_crate,
        name: "bench-avrokit-output",
        dependencies: if args.serde {
            format!(
                "avrokit = {{ path = {runtime:?}, features = [\"serde\"] }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n"
            )
        } else {
            format!("avrokit = {{ path = {runtime:?} }}\n")
        },
        // The generated derives sit behind `cfg_attr(feature = "serde", ...)`.
        features: if args.serde { "default = [\"serde\"]\nserde = []\n" } else { "" },
        seed_lock: Some(root.join("Cargo.lock")),
    }
    .time_check(&target_dir)
    .context("avrokit's output")?;
    row(
        "avrokit",
        avrokit_check.time,
        &format!("{} warnings", avrokit_check.warnings),
    );
    let rsgen_check = ThrowawayCrate {
        dir: rsgen_crate,
        name: "bench-rsgen-output",
        // What rsgen-avro's output refers to with its default options: serde derives and
        // apache-avro's helpers (`Uuid`, `serde_avro_bytes`), of the apache-avro release
        // rsgen-avro 0.19 is built against.
        dependencies: "apache-avro = \"0.21\"\nserde = { version = \"1\", features = [\"derive\"] }\n".to_owned(),
        features: "",
        seed_lock: None,
    }
    .time_check(&target_dir)
    .context("rsgen-avro's output")?;
    row(
        &rsgen_label,
        rsgen_check.time,
        &format!("{} warnings", rsgen_check.warnings),
    );
    println!(
        "  ratio rsgen-avro / avrokit: {}",
        ratio(rsgen_check.time, avrokit_check.time)
    );
    Ok(ExitCode::SUCCESS)
}

/// The shortest of `runs` timings.
fn best_of(runs: u32, mut once: impl FnMut() -> anyhow::Result<Duration>) -> anyhow::Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        best = best.min(once()?);
    }
    Ok(best)
}

/// One aligned line of the report.
fn row(tool: &str, time: Duration, note: &str) {
    println!("  {tool:<18} {:>10}  ({note})", seconds(time));
}

/// Removes `dir` and everything in it, if it exists.
fn remove_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// How many `.rs` files are under `dir`, and their lines.
fn rust_size(dir: &Path) -> std::io::Result<(usize, usize)> {
    let (mut files, mut lines) = (0, 0);
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            let (more_files, more_lines) = rust_size(&path)?;
            files += more_files;
            lines += more_lines;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files += 1;
            lines += std::fs::read_to_string(&path)?.lines().count();
        }
    }
    Ok((files, lines))
}

fn seconds(time: Duration) -> String {
    format!("{:.3} s", time.as_secs_f64())
}

fn ratio(numerator: Duration, denominator: Duration) -> String {
    format!(
        "{:.1}x",
        numerator.as_secs_f64() / denominator.as_secs_f64().max(f64::MIN_POSITIVE)
    )
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
