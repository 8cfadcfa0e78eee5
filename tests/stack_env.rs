//! Where the end-to-end tests find the native stack: the variables `cargo xtask test`
//! exports, or `target/stack/stack.env`, which `cargo xtask stack up` writes.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), Path::to_path_buf)
}

/// Prints past libtest's output capture, so a skip is visible in a plain `cargo test`.
pub fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// The stack's value of `key`, and whether it was exported (then the stack is supposed
/// to be up, and a dead address is a failure rather than a skip); or why there is none.
pub fn var(key: &str) -> Result<(String, bool), String> {
    if let Ok(value) = std::env::var(key) {
        return Ok((value, true));
    }
    let file = repo_root().join("target/stack/stack.env");
    let text = std::fs::read_to_string(&file)
        .map_err(|_| format!("the stack is not up ({} does not exist)", file.display()))?;
    text.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| (v.trim().to_owned(), false))
        .ok_or_else(|| format!("{} has no {key}", file.display()))
}
