//! `avrokit`: the schema-first Avro toolkit's one command. Each subcommand is a library
//! call of `avrokit_cli`; this file only parses the flags and maps errors to exit 2.

#[cfg(feature = "registry")]
use avrokit_cli::register;
use avrokit_cli::{avro, compat, connect, generate, stack};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Schema-first Avro for Kafka pipelines: code generation, the compatibility gate, the
/// registry, topics, connectors, lag, console consume/produce and a Docker-free dev stack.
///
/// Exit status: 0 success, 1 a finding (incompatible, stale, failed), 2 a usage or
/// environment error.
#[derive(Parser)]
#[command(name = "avrokit", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate Rust types, sink DDL and migrations and connector JSON from the schemas.
    Gen(generate::GenArgs),
    /// The compatibility gate: against git history (default: the merge base with main),
    /// a live registry (`--registry`), or one pair (`compat check`).
    Compat(compat::CompatArgs),
    /// The schema catalog site: static HTML pages for every topic, type and sink table,
    /// with search, a graph and each type's version history from git.
    Docs(avrokit_cli::docs::DocsArgs),
    #[cfg(feature = "registry")]
    /// Register every catalog subject's schema, after the gate, with the catalog's level.
    Register(register::RegisterArgs),
    /// Bring the broker's topics to the catalog: `topics plan|apply [--env ENV]`.
    #[cfg(feature = "kafka")]
    Topics(avrokit_cli::topics::TopicsArgs),
    /// Kafka Connect: `connect deploy|validate|status|delete` for the generated connectors.
    Connect(connect::ConnectArgs),
    /// Broker health, then consumer-group lag per partition.
    #[cfg(feature = "kafka")]
    Lag(avrokit_cli::lag::LagArgs),
    /// Print a topic's records as JSON lines, values decoded by their writer schemas.
    #[cfg(feature = "kafka")]
    Consume(avrokit_cli::console::consume::ConsumeArgs),
    /// Send JSON lines (or `--fake N` random values) to a topic, Avro-encoded.
    #[cfg(feature = "kafka")]
    Produce(avrokit_cli::console::produce::ProduceArgs),
    /// Apply the generated sink tables' migrations (OUT/sql/migrations) to PostgreSQL
    /// (`--database-url` or DATABASE_URL), each once, recorded in `avrokit_migrations`.
    #[cfg(feature = "postgres")]
    Migrate(avrokit_cli::migrate::MigrateArgs),
    /// Lint the schemas: naming, docs, optional fields, enum defaults and the rules the
    /// catalog's `[lint]` (or `--config FILE`) turns on.
    Lint(avrokit_cli::lint::LintArgs),
    /// Avro data by a schema: `avro tojson|fromjson|canonical|fingerprint`.
    Avro(avro::AvroArgs),
    /// Write the named types of Avro IDL (`.avdl`) files as `.avsc` files, one per type.
    Idl2schemata(avrokit_cli::idl::Idl2SchemataArgs),
    /// The Docker-free dev stack: `stack up|down|status|env`.
    Stack(stack::StackArgs),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Gen(args) => generate::run(&args),
        Command::Compat(args) => compat::run(&args),
        Command::Docs(args) => avrokit_cli::docs::run(&args),
        #[cfg(feature = "registry")]
        Command::Register(args) => register::run(&args),
        #[cfg(feature = "kafka")]
        Command::Topics(args) => avrokit_cli::topics::run(&args),
        Command::Connect(args) => connect::run(&args),
        #[cfg(feature = "kafka")]
        Command::Lag(args) => avrokit_cli::lag::run(&args),
        #[cfg(feature = "kafka")]
        Command::Consume(args) => avrokit_cli::console::consume::run(&args),
        #[cfg(feature = "kafka")]
        Command::Produce(args) => avrokit_cli::console::produce::run(&args),
        #[cfg(feature = "postgres")]
        Command::Migrate(args) => avrokit_cli::migrate::run(&args),
        Command::Lint(args) => avrokit_cli::lint::run(&args),
        Command::Avro(args) => avro::run(&args),
        Command::Idl2schemata(args) => avrokit_cli::idl::run(&args),
        Command::Stack(args) => stack::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(avrokit_cli::ERROR)
        }
    }
}
