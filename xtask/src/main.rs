//! `cargo xtask`: this repository's chores (see README.md). `test`, `bench` and
//! `vectors` are about this repository; the other tasks are the `avrokit` command's
//! libraries (`avrokit-cli`) called with this repository's paths, or the command itself
//! for the tasks that need librdkafka or the registry client, so `cargo xtask gen` builds
//! neither.

mod bench;
mod compat;
mod gen_cmd;
mod passthrough;
mod reference_script;
mod test_cmd;
mod vectors_cmd;
mod workspace;

use avrokit_cli::{connect, stack};
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
    /// `avrokit gen` for this repository: `avro-schemas/` into `generated/`.
    Gen(gen_cmd::GenArgs),
    /// Run the whole test suite: formatting, clippy, every test, and `gen --check`.
    Test(test_cmd::TestArgs),
    /// Benchmarks: `bench codec|serde|compat|gen|e2e`.
    Bench(bench::BenchArgs),
    /// Regenerate (or `--check`) the fastavro test vectors in `tests/vectors/`.
    Vectors(vectors_cmd::VectorsArgs),
    /// `avrokit compat`, plus `compat vectors [--check]`: the reference checker's verdicts.
    Compat(compat::CompatArgs),
    /// `avrokit stack` for this repository's stack (`target/stack/`).
    Stack(stack::StackArgs),
    /// `avrokit register ...` (runs the `avrokit` command: it needs the registry client).
    #[command(disable_help_flag = true)]
    Register(passthrough::Passthrough),
    /// `avrokit connect`.
    Connect(connect::ConnectArgs),
    /// `avrokit lint`: the schemas against the lint rules (`avro-schemas/catalog.toml`'s
    /// `[lint]`).
    Lint(avrokit_cli::lint::LintArgs),
    /// `avrokit topics ...` (runs the `avrokit` command: it needs librdkafka).
    #[command(disable_help_flag = true)]
    Topics(passthrough::Passthrough),
    /// `avrokit lag ...` (runs the `avrokit` command: it needs librdkafka).
    #[command(disable_help_flag = true)]
    Lag(passthrough::Passthrough),
    /// `avrokit consume ...` (runs the `avrokit` command: it needs librdkafka).
    #[command(disable_help_flag = true)]
    Consume(passthrough::Passthrough),
    /// `avrokit produce ...` (runs the `avrokit` command: it needs librdkafka).
    #[command(disable_help_flag = true)]
    Produce(passthrough::Passthrough),
    /// `avrokit avro ...`: Avro JSON and binary by a schema.
    #[command(disable_help_flag = true)]
    Avro(passthrough::Passthrough),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Paths (`avro-schemas`, `generated/connect`) and the messages naming them read from
    // the workspace root, wherever the task was started.
    if let Err(err) = std::env::set_current_dir(workspace::root()) {
        eprintln!("error: cannot enter the workspace root: {err}");
        return ExitCode::from(avrokit_cli::ERROR);
    }
    let result = match cli.command {
        Command::Gen(args) => gen_cmd::run(args),
        Command::Test(args) => test_cmd::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Vectors(args) => vectors_cmd::run_vectors(args),
        Command::Compat(args) => compat::run(args),
        Command::Stack(args) => stack::run(&args),
        Command::Register(args) => args.run("register"),
        Command::Connect(args) => connect::run(&args),
        Command::Lint(args) => avrokit_cli::lint::run(&args),
        Command::Topics(args) => args.run("topics"),
        Command::Lag(args) => args.run("lag"),
        Command::Consume(args) => args.run("consume"),
        Command::Produce(args) => args.run("produce"),
        Command::Avro(args) => args.run("avro"),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(avrokit_cli::ERROR)
        }
    }
}
