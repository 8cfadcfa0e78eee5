//! rsgen-avro, the reference generator: installed from crates.io on first use into
//! `target/bench-tools/`, reused afterwards.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned release (it generates code for apache-avro 0.21).
pub const VERSION: &str = "0.19.4";

/// The rsgen-avro binary under `root/target/bench-tools`, installing it when it is
/// missing or another version.
pub fn binary(root: &Path) -> anyhow::Result<PathBuf> {
    let tools = root.join("target").join("bench-tools");
    let bin = tools
        .join("bin")
        .join(format!("rsgen-avro{}", std::env::consts::EXE_SUFFIX));
    if installed_version(&bin).as_deref() == Some(VERSION) {
        return Ok(bin);
    }
    eprintln!("bench: installing rsgen-avro {VERSION} into {} (once)", tools.display());
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The binary sits behind the `build-cli` feature; `--locked` pins its whole
    // dependency tree to the published lock file, so every machine times the same build.
    let status = Command::new(cargo)
        .args([
            "install",
            "rsgen-avro",
            "--version",
            VERSION,
            "--features",
            "build-cli",
            "--locked",
            "--root",
        ])
        .arg(&tools)
        .status()
        .context("cannot run cargo install")?;
    if !status.success() {
        bail!("cargo install rsgen-avro {VERSION} failed");
    }
    match installed_version(&bin) {
        Some(version) if version == VERSION => Ok(bin),
        other => bail!("{} reports version {other:?}, expected {VERSION}", bin.display()),
    }
}

/// The version `bin --version` prints (`rsgen-avro 0.19.4`), if it runs.
fn installed_version(bin: &Path) -> Option<String> {
    let output = Command::new(bin).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    text.split_whitespace().nth(1).map(str::to_owned)
}
