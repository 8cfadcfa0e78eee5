//! `cargo xtask compat vectors`: the reference verdicts for the differential test. The
//! seeded script `tests/compat/generate.py` writes schema pairs covering every rule, with
//! the Python `avro` package's `ReaderWriterCompatibilityChecker` verdicts for BACKWARD,
//! FORWARD and FULL, to `tests/compat/reference.json`; `tests/tests/compat_reference.rs`
//! checks the engine against them.

use crate::workspace;
use anyhow::{Context, bail};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Arguments of `cargo xtask compat vectors`.
#[derive(Args)]
pub struct VectorsArgs {
    /// Write nothing; fail when the committed file differs from what the script writes.
    #[arg(long)]
    check: bool,
}

/// The committed reference verdicts.
const REFERENCE: &str = "tests/compat/reference.json";

/// A virtual environment of its own (the fastavro one pins other packages), created on
/// first use and reinstalled when the requirements change.
fn python(root: &Path) -> anyhow::Result<PathBuf> {
    let venv = root.join("target/pyvenv-compat");
    let python = venv.join("bin/python");
    let requirements = root.join("tests/compat/requirements.txt");
    let stamp = venv.join("requirements.installed");
    let wanted = std::fs::read_to_string(&requirements).context("tests/compat/requirements.txt")?;
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && python.exists() {
        return Ok(python);
    }
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "python3 -m venv",
    )?;
    run(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "-r"])
            .arg(&requirements),
        "pip install -r tests/compat/requirements.txt",
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

fn run(command: &mut Command, what: &str) -> anyhow::Result<()> {
    let status = command.status().with_context(|| format!("cannot run {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// Runs the script; writes or compares its output.
pub fn run_vectors(args: VectorsArgs) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let python = python(&root)?;
    let output = Command::new(&python)
        .arg(root.join("tests/compat/generate.py"))
        .output()
        .context("cannot run tests/compat/generate.py")?;
    if !output.status.success() {
        bail!(
            "tests/compat/generate.py failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let path = root.join(REFERENCE);
    if args.check {
        if std::fs::read(&path).unwrap_or_default() == output.stdout {
            println!("compat vectors: {REFERENCE} is current");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{REFERENCE} differs from what generate.py writes; run `cargo xtask compat vectors`");
        return Ok(ExitCode::FAILURE);
    }
    std::fs::write(&path, &output.stdout)?;
    println!("compat vectors: wrote {REFERENCE}");
    Ok(ExitCode::SUCCESS)
}
