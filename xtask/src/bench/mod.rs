//! `cargo xtask bench`: the measurements recorded in `xtask/BENCHMARKS.md`.
//!
//! `bench gen` compares avrokit's code generation (and the `cargo check` time of what it
//! generates) with rsgen-avro's on the same synthetic schemas; `bench codec`, `compat` and
//! `serde` run the criterion benches of `tests/benches/` and print the ratios against
//! their targets; `bench e2e` measures the Kafka producers, consumers and PostgreSQL sinks on
//! the local stack, as each client's CPU time per record beside its throughput.

mod check;
mod codec_bench;
mod compat_bench;
mod e2e_bench;
mod gen_bench;
mod release;
mod rsgen;
mod serde_bench;
mod synthetic;

use clap::{Args, Subcommand};
use std::process::ExitCode;

/// Arguments of `cargo xtask bench`.
#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    command: BenchCommand,
}

/// The benchmarks.
#[derive(Subcommand)]
enum BenchCommand {
    /// Generation time and `cargo check` time of the generated code, avrokit vs rsgen-avro,
    /// on synthetic schemas.
    Gen(gen_bench::GenBenchArgs),
    /// Encode/decode speed of the derived codecs against apache-avro's `Value` and serde
    /// paths, and the cost of schema resolution (criterion, then a summary of the ratios).
    Codec(codec_bench::CodecBenchArgs),
    /// Compatibility pair checks on 20-field schemas against apache-avro's
    /// `SchemaCompatibility::can_read` (criterion, then the ratios).
    Compat(compat_bench::CompatBenchArgs),
    /// Confluent-framed serialize + deserialize with warm registry caches against the bare
    /// codec (criterion, then the ratio; target: under 1.10x).
    Serde(serde_bench::SerdeBenchArgs),
    /// On the local broker: producer throughput (avrokit against raw rdkafka and Python
    /// confluent-kafka), sink throughput (avrokit against the Kafka Connect JDBC sink) and
    /// the sink's memory; skipped when the stack is not up.
    E2e(e2e_bench::E2eBenchArgs),
}

/// Runs a benchmark, in a release build of xtask (timing an unoptimised generator would
/// say nothing about what users get).
pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    if let Some(code) = release::reexec_in_release()? {
        return Ok(code);
    }
    match args.command {
        BenchCommand::Gen(args) => gen_bench::run(args),
        BenchCommand::Codec(args) => codec_bench::run(args),
        BenchCommand::Compat(args) => compat_bench::run(args),
        BenchCommand::Serde(args) => serde_bench::run(args),
        BenchCommand::E2e(args) => e2e_bench::run(args),
    }
}
