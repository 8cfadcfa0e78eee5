//! `cargo xtask vectors`: regenerate (or check) the cross-implementation test vectors that
//! fastavro writes for every record type (`tests/vectors/`).

use crate::reference_script::ReferenceScript;
use crate::workspace;
use clap::Args;
use std::process::ExitCode;

/// Arguments of `cargo xtask vectors`.
#[derive(Args)]
pub struct VectorsArgs {
    /// Write nothing; fail when the committed vectors differ from what the script writes.
    #[arg(long)]
    check: bool,
}

/// fastavro's vectors.
const FASTAVRO: ReferenceScript = ReferenceScript {
    name: "vectors",
    venv: "target/pyvenv",
    requirements: "tests/vectors/requirements.txt",
    script: "tests/vectors/generate.py",
    output: "tests/vectors/fastavro.json",
};

pub fn run_vectors(args: VectorsArgs) -> anyhow::Result<ExitCode> {
    FASTAVRO.run(&workspace::root(), args.check)
}
