//! Where the stack's schema registry is, for the tests that talk to it.
//!
//! `cargo xtask test` exports `SCHEMA_REGISTRY_URL`; after a plain `cargo xtask stack up`
//! it is in `target/stack/stack.env`. A test with no registry skips (after saying so),
//! unless the URL was exported: then the stack is supposed to be up and its absence fails.

use std::path::Path;

/// The registry's Confluent API base URL, and whether it was exported (rather than read
/// from `target/stack/stack.env`), or `None` when neither gives one.
pub fn url() -> Option<(String, bool)> {
    if let Ok(url) = std::env::var("SCHEMA_REGISTRY_URL") {
        return Some((url, true));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    let text = std::fs::read_to_string(root.join("target/stack/stack.env")).ok()?;
    text.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == "SCHEMA_REGISTRY_URL")
        .map(|(_, v)| (v.trim().to_owned(), false))
}

/// A name no earlier run used, for scratch subjects and topics: `prefix-<pid>-<nanos>`.
pub fn scratch_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{nanos}", std::process::id())
}
