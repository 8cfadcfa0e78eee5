//! `psql` on the stack's database, for tests that run generated SQL as a person would.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `script` through psql on `url`, stopping at the first error; its unaligned,
/// tuples-only output, trimmed, or psql's error output.
pub fn psql(url: &str, script: &str) -> Result<String, String> {
    let mut child = Command::new("psql")
        .args([url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.as_bytes())
            .map_err(|e| format!("writing to psql: {e}"))?;
    }
    let output = child.wait_with_output().map_err(|e| format!("psql: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
