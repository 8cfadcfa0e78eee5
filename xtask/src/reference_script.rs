//! Reference files written by a seeded Python script against an independent
//! implementation (fastavro's vectors, the `avro` package's compatibility verdicts): one
//! mechanism for creating the script's virtual environment and for writing or checking
//! its output.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// A script whose standard output is a committed reference file.
pub struct ReferenceScript {
    /// What the output is, for messages (`vectors`, `compat vectors`).
    pub name: &'static str,
    /// The virtual environment, relative to the workspace (each script pins its own).
    pub venv: &'static str,
    /// The pinned requirements.
    pub requirements: &'static str,
    /// The script.
    pub script: &'static str,
    /// The committed file its output must equal.
    pub output: &'static str,
}

impl ReferenceScript {
    /// Runs the script; writes its output, or with `check` compares it with the
    /// committed file.
    pub fn run(&self, root: &Path, check: bool) -> anyhow::Result<ExitCode> {
        let python = self.python(root)?;
        let output = Command::new(&python)
            .arg(root.join(self.script))
            .output()
            .with_context(|| format!("cannot run {}", self.script))?;
        if !output.status.success() {
            bail!("{} failed:\n{}", self.script, String::from_utf8_lossy(&output.stderr));
        }
        let path = root.join(self.output);
        if check {
            if std::fs::read(&path).unwrap_or_default() == output.stdout {
                println!("{}: {} is current", self.name, self.output);
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!(
                "{} differs from what {} writes; run `cargo xtask {}`",
                self.output, self.script, self.name
            );
            return Ok(ExitCode::FAILURE);
        }
        std::fs::write(&path, &output.stdout)?;
        println!("{}: wrote {}", self.name, self.output);
        Ok(ExitCode::SUCCESS)
    }

    /// The environment's interpreter, created on first use and reinstalled when the
    /// requirements change.
    fn python(&self, root: &Path) -> anyhow::Result<PathBuf> {
        let venv = root.join(self.venv);
        let python = venv.join("bin/python");
        let requirements = root.join(self.requirements);
        let stamp = venv.join("requirements.installed");
        let wanted = std::fs::read_to_string(&requirements).with_context(|| self.requirements.to_owned())?;
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
            &format!("pip install -r {}", self.requirements),
        )?;
        std::fs::write(&stamp, wanted)?;
        Ok(python)
    }
}

fn run(command: &mut Command, what: &str) -> anyhow::Result<()> {
    let status = command.status().with_context(|| format!("cannot run {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}
