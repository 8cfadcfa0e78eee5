//! `cargo xtask avro tojson|fromjson`: inspect and craft data with the generated codecs.
//!
//! The tool lives in the generated crate (`generated/examples/avro.rs`) because it needs
//! the generated types; xtask must not depend on them, or a broken schema would stop
//! `cargo xtask gen` itself from building.

use crate::workspace;
use clap::Args;
use std::process::{Command, ExitCode};

/// Arguments of `cargo xtask avro`.
#[derive(Args)]
#[command(trailing_var_arg = true)]
pub struct AvroArgs {
    /// `tojson --type FULL.NAME [--writer WRITER.avsc] < datum.bin`, or
    /// `fromjson --type FULL.NAME < datum.json`.
    #[arg(allow_hyphen_values = true, required = true)]
    args: Vec<String>,
}

pub fn run(args: AvroArgs) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--package",
            "avrokit-generated",
            "--example",
            "avro",
            "--",
        ])
        .args(&args.args)
        .current_dir(workspace::root())
        .status()?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
