//! `cargo xtask vectors`: regenerate (or check) the cross-implementation test vectors that
//! fastavro writes for every record type (`tests/vectors/`).

use crate::workspace;
use anyhow::{Context, bail};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Arguments of `cargo xtask vectors`.
#[derive(Args)]
pub struct VectorsArgs {
    /// Write nothing; fail when the committed vectors differ from what the script writes.
    #[arg(long)]
    check: bool,
}

/// A virtual environment under `target/` with the pinned fastavro, created on first use.
pub fn python(root: &Path) -> anyhow::Result<PathBuf> {
    let venv = root.join("target/pyvenv");
    let python = venv.join("bin/python");
    let requirements = root.join("tests/vectors/requirements.txt");
    let stamp = venv.join("requirements.installed");
    let wanted = std::fs::read_to_string(&requirements).context("tests/vectors/requirements.txt")?;
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
        "pip install -r tests/vectors/requirements.txt",
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

pub fn run_vectors(args: VectorsArgs) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let python = python(&root)?;
    let output = Command::new(&python)
        .arg(root.join("tests/vectors/generate.py"))
        .output()
        .context("cannot run tests/vectors/generate.py")?;
    if !output.status.success() {
        bail!(
            "tests/vectors/generate.py failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let path = root.join("tests/vectors/fastavro.json");
    if args.check {
        let committed = std::fs::read(&path).unwrap_or_default();
        if committed == output.stdout {
            println!("vectors: tests/vectors/fastavro.json is current");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("tests/vectors/fastavro.json differs from what generate.py writes; run `cargo xtask vectors`");
        return Ok(ExitCode::FAILURE);
    }
    std::fs::write(&path, &output.stdout)?;
    println!("vectors: wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}
