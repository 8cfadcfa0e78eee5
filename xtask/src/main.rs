//! `cargo xtask`: the project's task runner (see README.md).
//!
//! A thin command line over `avrokit-codegen` and the runtime; each subcommand lives in
//! its own module.

mod avro_cmd;
mod bench;
mod catalog_dir;
mod compat;
mod connect;
mod gen_cmd;
mod lag_cmd;
mod reference_script;
mod register_cmd;
mod rustfmt;
mod stack;
mod test_cmd;
mod topics_cmd;
mod vectors_cmd;
mod workspace;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// avrokit's development tasks.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate Rust types (and the other artifacts) from `avro-schemas/` into `generated/`.
    Gen(gen_cmd::GenArgs),
    /// Run the whole test suite: formatting, clippy, every test, and `gen --check`.
    Test(test_cmd::TestArgs),
    /// Start, stop or inspect the native stack (Kafka, registry, Connect, PostgreSQL).
    Stack(stack::StackArgs),
    /// Benchmarks: `bench gen` times generation and `cargo check` of the generated code
    /// against rsgen-avro.
    Bench(bench::BenchArgs),
    /// Inspect and craft data: `avro tojson|fromjson --type FULL.NAME` (Avro JSON encoding).
    Avro(avro_cmd::AvroArgs),
    /// Regenerate (or `--check`) the fastavro test vectors in `tests/vectors/`.
    Vectors(vectors_cmd::VectorsArgs),
    /// The compatibility gate: `compat check --old OLD.avsc --new NEW.avsc [--mode MODE]`
    /// checks one pair as the Schema Registry would (exit 0 compatible, 1 not, 2 errors).
    Compat(compat::CompatArgs),
    /// Register every catalog subject's current schema in a Schema Registry, after the
    /// compatibility gate: `register [--registry URL] [--dry-run]`.
    Register(register_cmd::RegisterArgs),
    /// Bring the broker's topics to the catalog: `topics apply [--env dev|prod] [--dry-run]`
    /// prints the plan (create / alter / unchanged / refused), then applies it.
    Topics(topics_cmd::TopicsArgs),
    /// Kafka Connect: `connect deploy [--env dev|prod] [--url URL] [NAME...]` validates and
    /// deploys the generated connectors and waits until they run; `connect status` shows them.
    Connect(connect::ConnectArgs),
    /// Broker health and latency, then consumer-group lag per partition:
    /// `lag [GROUP] [--topic T]... [--watch SECONDS]`.
    Lag(lag_cmd::LagArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen(args) => gen_cmd::run(args),
        Command::Test(args) => test_cmd::run(args),
        Command::Stack(args) => stack::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Vectors(args) => vectors_cmd::run_vectors(args),
        Command::Avro(args) => avro_cmd::run(args),
        Command::Compat(args) => compat::run(args),
        Command::Register(args) => register_cmd::run(args),
        Command::Topics(args) => topics_cmd::run(args),
        Command::Lag(args) => lag_cmd::run(args),
        Command::Connect(args) => connect::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
