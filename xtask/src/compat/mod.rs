//! `cargo xtask compat`: the compatibility gate, a thin command line over
//! [`avrokit_codegen::gate`] with the same flags as `avrokit compat` ([`args`]).
//!
//! * `compat check --old OLD.avsc --new NEW.avsc [--mode MODE] [--format text|json|github] [--strict]`:
//!   one pair of schema files.
//! * `compat --against GIT_REF` / `--against-merge-base BRANCH` / `--registry URL`: every
//!   subject of `avro-schemas/` against its versions in git or in a live registry.
//! * `compat vectors [--check]`: regenerate (or check) the reference verdicts of the
//!   Python `avro` package's checker that the differential test compares with ([`vectors`]),
//!   a development task that stays here.
//!
//! Every form exits 0 when compatible, 1 when not, 2 on usage or parse errors. Further
//! forms are flags of [`CompatArgs`] itself (used when no subcommand is given).

// One source for both command lines' flags: the `avrokit` binary's module.
#[path = "../../../codegen/src/bin/avrokit/compat_args.rs"]
mod args;
mod vectors;

use crate::workspace;
use clap::{Args, Subcommand};
use std::process::ExitCode;

/// Arguments of `cargo xtask compat`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CompatArgs {
    #[command(subcommand)]
    command: Option<CompatCommand>,
    /// `--against GIT_REF`, `--against-merge-base BRANCH`, `--registry URL`.
    #[command(flatten)]
    gate: args::GateArgs,
}

/// The subcommands of `cargo xtask compat`.
#[derive(Subcommand)]
enum CompatCommand {
    /// Check one pair of `.avsc` files under a compatibility mode.
    Check(args::CheckArgs),
    /// Regenerate (or `--check`) `tests/compat/reference.json`, the Python `avro`
    /// checker's verdicts on generated schema pairs.
    Vectors(vectors::VectorsArgs),
}

/// Runs `cargo xtask compat`.
pub fn run(args: CompatArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(CompatCommand::Check(args)) => Ok(args.run().into()),
        Some(CompatCommand::Vectors(args)) => vectors::run_vectors(args),
        None => {
            // `--schemas` (and `--catalog`) are relative to the workspace root, and paths
            // in messages read from there, as in every other task.
            std::env::set_current_dir(workspace::root())?;
            match args.gate.run() {
                Some(result) => Ok(result?.into()),
                None => {
                    eprintln!(
                        "usage: cargo xtask compat check --old OLD.avsc --new NEW.avsc [--mode MODE] [--format text|json|github]"
                    );
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}
