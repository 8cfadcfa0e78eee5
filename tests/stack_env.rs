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

/// The xtask binary: `$AVROKIT_XTASK`, else the one beside this test's
/// (`target/<profile>/xtask`), which `cargo xtask test` has built; the test does not build
/// it itself, as cargo holds the build lock.
pub fn xtask_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AVROKIT_XTASK") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps/");
    let xtask = dir.join("xtask");
    assert!(
        xtask.exists(),
        "{} is missing: build it with `cargo build -p xtask`",
        xtask.display()
    );
    xtask
}
