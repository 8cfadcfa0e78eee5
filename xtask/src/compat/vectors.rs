//! `cargo xtask compat vectors`: the reference verdicts for the differential test. The
//! seeded script `tests/compat/generate.py` writes schema pairs covering every rule, with
//! the Python `avro` package's `ReaderWriterCompatibilityChecker` verdicts for BACKWARD,
//! FORWARD and FULL, to `tests/compat/reference.json`; `tests/tests/compat_reference.rs`
//! checks the engine against them.

use crate::reference_script::ReferenceScript;
use crate::workspace;
use clap::Args;
use std::process::ExitCode;

/// Arguments of `cargo xtask compat vectors`.
#[derive(Args)]
pub struct VectorsArgs {
    /// Write nothing; fail when the committed file differs from what the script writes.
    #[arg(long)]
    check: bool,
}

/// The Python `avro` checker's verdicts, in an environment of their own (the fastavro one
/// pins other packages).
const REFERENCE: ReferenceScript = ReferenceScript {
    name: "compat vectors",
    venv: "target/pyvenv-compat",
    requirements: "tests/compat/requirements.txt",
    script: "tests/compat/generate.py",
    output: "tests/compat/reference.json",
};

/// Runs the script; writes or compares its output.
pub fn run_vectors(args: VectorsArgs) -> anyhow::Result<ExitCode> {
    REFERENCE.run(&workspace::root(), args.check)
}
