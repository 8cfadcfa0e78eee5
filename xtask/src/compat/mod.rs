//! `cargo xtask compat`: the compatibility gate.
//!
//! * `compat check --old OLD.avsc --new NEW.avsc [--mode MODE] [--format text|json|github] [--strict]`:
//!   one pair of schema files ([`check`]).
//! * `compat --against GIT_REF` / `--against-merge-base BRANCH` / `--registry URL`: every
//!   subject of `avro-schemas/` against its versions in git or in a live registry
//!   ([`gate`], [`against`], [`registry`]).
//! * `compat vectors [--check]`: regenerate (or check) the reference verdicts of the
//!   Python `avro` package's checker that the differential test compares with ([`vectors`]).
//!
//! Every form prints through [`format`](mod@format) and exits 0 when compatible, 1 when not, 2 on usage
//! or parse errors. Further forms are flags of [`CompatArgs`] itself (used when no
//! subcommand is given).

mod against;
mod check;
mod format;
mod gate;
mod git;
mod registry;
mod snapshot;
mod subjects;
mod vectors;

use clap::{Args, Subcommand};
use std::process::ExitCode;

/// Arguments of `cargo xtask compat`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CompatArgs {
    #[command(subcommand)]
    command: Option<CompatCommand>,
    /// `--against GIT_REF`, `--against-merge-base BRANCH`, `--registry URL` ([`gate`]).
    #[command(flatten)]
    gate: gate::GateArgs,
}

/// The subcommands of `cargo xtask compat`.
#[derive(Subcommand)]
enum CompatCommand {
    /// Check one pair of `.avsc` files under a compatibility mode.
    Check(check::CheckArgs),
    /// Regenerate (or `--check`) `tests/compat/reference.json`, the Python `avro`
    /// checker's verdicts on generated schema pairs.
    Vectors(vectors::VectorsArgs),
}

/// Runs `cargo xtask compat`.
pub fn run(args: CompatArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(CompatCommand::Check(args)) => check::run(args),
        Some(CompatCommand::Vectors(args)) => vectors::run_vectors(args),
        None if args.gate.requested() => gate::run(args.gate),
        None => {
            eprintln!(
                "usage: cargo xtask compat check --old OLD.avsc --new NEW.avsc [--mode MODE] [--format text|json|github]"
            );
            Ok(ExitCode::from(2))
        }
    }
}
