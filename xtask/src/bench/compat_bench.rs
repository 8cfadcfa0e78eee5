//! `cargo xtask bench compat`: runs the criterion benchmark `tests/benches/compat.rs`
//! (pair checks on 20-field schemas, avrokit's engine against apache-avro 0.22's
//! `SchemaCompatibility::can_read`), which prints both times and their ratio per pair.

use crate::workspace;
use anyhow::{Context, bail};
use clap::Args;
use std::process::{Command, ExitCode};

/// Arguments of `cargo xtask bench compat`.
#[derive(Args)]
pub struct CompatBenchArgs {
    /// criterion's quick mode (seconds in all, noisier).
    #[arg(long)]
    quick: bool,
}

/// Runs the benchmark; its own summary prints the ratios.
pub fn run(args: CompatBenchArgs) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["bench", "--package", "avrokit-tests", "--bench", "compat", "--"])
        .current_dir(workspace::root());
    if args.quick {
        command.arg("--quick");
    }
    let status = command.status().context("running `cargo bench`")?;
    if !status.success() {
        bail!("`cargo bench --package avrokit-tests --bench compat` failed ({status})");
    }
    Ok(ExitCode::SUCCESS)
}
