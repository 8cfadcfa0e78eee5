//! `cargo xtask gen`: `avrokit gen` with this repository's output (`generated/`) and the
//! generated crate's documentation.

use avrokit_cli::generate::{self, GenArgs as AvrokitGenArgs};
use clap::Args;
use std::process::ExitCode;

/// Arguments of `cargo xtask gen`.
#[derive(Args)]
pub struct GenArgs {
    /// Write nothing; fail, listing stale files, when the output is out of date.
    #[arg(long)]
    check: bool,
}

/// Runs `avrokit gen` on `avro-schemas/` into `generated/` (from the workspace root).
pub fn run(args: GenArgs) -> anyhow::Result<ExitCode> {
    generate::run(&AvrokitGenArgs {
        root_doc: Some(ROOT_DOC.to_owned()),
        check: args.check,
        ..AvrokitGenArgs::default()
    })
}

const ROOT_DOC: &str = "# avrokit-generated\n\nRust types for the schemas in `avro-schemas/`, one module per Avro namespace,\nwritten by `cargo xtask gen`. Do not edit: change the `.avsc` files and regenerate.\n\nFeature `serde` adds `Serialize`/`Deserialize` for a JSON view of the data.";
