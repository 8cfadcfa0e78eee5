//! `cargo xtask compat`: `avrokit compat` (the gate, [`avrokit_cli::compat`]) plus
//! `compat vectors [--check]`: regenerate (or check) the reference verdicts of the Python
//! `avro` package's checker that the differential test compares with ([`vectors`]), a
//! chore of this repository.

mod vectors;

use avrokit_cli::compat::{self as gate, GateArgs};
use clap::{Args, Subcommand};
use std::process::ExitCode;

/// Arguments of `cargo xtask compat`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CompatArgs {
    #[command(subcommand)]
    command: Option<CompatCommand>,
    /// `--against GIT_REF`, `--against-merge-base BRANCH`, `--registry [URL]`.
    #[command(flatten)]
    gate: GateArgs,
}

/// The subcommands of `cargo xtask compat`.
#[derive(Subcommand)]
enum CompatCommand {
    /// Check one pair of `.avsc` files under a compatibility mode.
    Check(gate::CheckArgs),
    /// Regenerate (or `--check`) `tests/compat/reference.json`, the Python `avro`
    /// checker's verdicts on generated schema pairs.
    Vectors(vectors::VectorsArgs),
}

/// Runs `cargo xtask compat`.
pub fn run(args: CompatArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(CompatCommand::Vectors(args)) => vectors::run_vectors(args),
        Some(CompatCommand::Check(check)) => gate::run(&gate::CompatArgs {
            command: Some(gate::CompatCommand::Check(check)),
            gate: GateArgs::default(),
        }),
        None => gate::run(&gate::CompatArgs {
            command: None,
            gate: args.gate,
        }),
    }
}
