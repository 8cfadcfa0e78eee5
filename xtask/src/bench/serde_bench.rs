//! `cargo xtask bench serde`: runs the criterion benchmark `tests/benches/serde.rs`
//! (framed serialize + deserialize with warm registry caches, async and blocking, against
//! the bare derived codec; then Python confluent-kafka's serializers on the same records
//! against the stack's registry, when it is up), which prints the times per record, the
//! ratios and the verdicts against the targets (framing and cache lookups add under 10%;
//! at least 20x faster than Python).

use crate::workspace;
use anyhow::{Context, bail};
use clap::Args;
use std::process::{Command, ExitCode};

/// Arguments of `cargo xtask bench serde`.
#[derive(Args)]
pub struct SerdeBenchArgs {
    /// criterion's quick mode (seconds in all, noisier).
    #[arg(long)]
    quick: bool,
}

/// Runs the benchmark; its own summary prints the ratios.
pub fn run(args: SerdeBenchArgs) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["bench", "--package", "avrokit-tests", "--bench", "serde", "--"])
        .current_dir(workspace::root());
    if args.quick {
        command.arg("--quick");
    }
    let status = command.status().context("running `cargo bench`")?;
    if !status.success() {
        bail!("`cargo bench --package avrokit-tests --bench serde` failed ({status})");
    }
    Ok(ExitCode::SUCCESS)
}
