//! The stack's schema registry for the registry client's stack tests (`stack_*.rs`), and
//! names for their scratch subjects.
//!
//! Its URL comes from the environment (`cargo xtask test` exports it) or from
//! `target/stack/stack.env` (`cargo xtask stack up` writes it). A registry that does not
//! answer skips the test after it prints `SKIPPED <test>: ...` past libtest's capture,
//! unless the URL was exported: then the stack is supposed to be up, and the test fails.

#![allow(dead_code)] // Each test file uses its own part.

use avrokit::registry_client::{BlockingRegistryClient, RegistryConfig, RetryPolicy};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// The registry's URL, and whether it was exported; or why there is none.
fn url() -> Result<(String, bool), String> {
    if let Ok(url) = std::env::var("SCHEMA_REGISTRY_URL") {
        return Ok((url, true));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("."));
    let file = root.join("target/stack/stack.env");
    let text = std::fs::read_to_string(&file)
        .map_err(|_| format!("the stack is not up ({} does not exist)", file.display()))?;
    text.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == "SCHEMA_REGISTRY_URL")
        .map(|(_, v)| (v.trim().to_owned(), false))
        .ok_or_else(|| format!("{} has no SCHEMA_REGISTRY_URL", file.display()))
}

/// The stack's registry URL when the registry lists its subjects, else `None` after
/// printing `SKIPPED {test}: ...` and how to run the test.
pub fn registry(test: &str) -> Option<String> {
    let skip = |why: &str| {
        // Each test file compiles this module into its own crate, named after the file.
        let target = env!("CARGO_CRATE_NAME");
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: {why}; run it with `cargo xtask test`, or `cargo xtask stack up` then \
             `cargo test -p avrokit --features registry --test {target}`"
        );
    };
    let (url, exported) = match url() {
        Ok(found) => found,
        Err(why) => {
            skip(&why);
            return None;
        }
    };
    // One short attempt: a stale stack.env must skip quickly, not wait out retries.
    let probe = RegistryConfig::new(&url)
        .with_retry(RetryPolicy::none())
        .with_timeout(Duration::from_secs(5));
    if let Err(err) = BlockingRegistryClient::new(probe).and_then(|c| c.subjects()) {
        assert!(
            !exported,
            "{test}: SCHEMA_REGISTRY_URL={url} was exported, but the registry does not answer: {err}"
        );
        skip(&format!(
            "the registry at {url} does not answer ({err}; stale stack.env?)"
        ));
        return None;
    }
    Some(url)
}

/// A name no earlier run used, for scratch subjects and topics: `prefix-<pid>-<nanos>`.
pub fn scratch_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{prefix}-{}-{nanos}", std::process::id())
}
