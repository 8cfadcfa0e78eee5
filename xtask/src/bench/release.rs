//! Re-running xtask as a release build, so benchmarks time optimised code.

use std::process::{Command, ExitCode};

/// Set on the re-executed process, so it never tries again.
const GUARD: &str = "AVROKIT_XTASK_RELEASE";

/// In a debug build, runs this very command line again through
/// `cargo run --release --package xtask` and returns its exit code; in a release build
/// (or when already re-executed) returns `None` and the caller goes on.
pub fn reexec_in_release() -> anyhow::Result<Option<ExitCode>> {
    if !cfg!(debug_assertions) || std::env::var_os(GUARD).is_some() {
        return Ok(None);
    }
    eprintln!("bench: building xtask in release mode first (benchmarks time optimised code)");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--release", "--quiet", "--package", "xtask", "--"])
        .args(std::env::args_os().skip(1))
        .current_dir(crate::workspace::root())
        .env(GUARD, "1")
        .status()?;
    let code = status.code().and_then(|code| u8::try_from(code).ok()).unwrap_or(2);
    Ok(Some(ExitCode::from(code)))
}
