//! The stack's schema registry, for the tests that talk to it.
//!
//! `cargo xtask test` exports `SCHEMA_REGISTRY_URL`; after a plain `cargo xtask stack up`
//! it is in `target/stack/stack.env`. A test with no registry skips (after saying so),
//! unless the URL was exported: then the stack is supposed to be up and its absence fails.

use avrokit::registry_client::{BlockingRegistryClient, RegistryConfig, RetryPolicy};
use std::io::Write;
use std::time::Duration;

/// The registry's Confluent API base URL, and whether it was exported (rather than read
/// from `target/stack/stack.env`), or `None` when neither gives one.
pub fn url() -> Option<(String, bool)> {
    crate::stack_env::var("SCHEMA_REGISTRY_URL").ok()
}

/// A (blocking) client of the stack's registry, or `None` (having printed `SKIPPED test: why`, past
/// libtest's capture) when none answers; panics when `cargo xtask test` exported a URL
/// that does not answer. `test_target` names the `--test` to run it with.
pub fn client(test: &str, test_target: &str) -> Option<BlockingRegistryClient> {
    let how = format!(
        "run it with `cargo xtask test`, or `cargo xtask stack up` then \
         `cargo test -p avrokit-tests --test {test_target}`"
    );
    let Some((url, exported)) = url() else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: no SCHEMA_REGISTRY_URL and no target/stack/stack.env; {how}"
        );
        return None;
    };
    // One short attempt: a stale stack.env must skip quickly, not wait out the retries.
    let probe = RegistryConfig::new(&url)
        .with_retry(RetryPolicy::none())
        .with_timeout(Duration::from_secs(5));
    if let Err(err) = BlockingRegistryClient::new(probe).and_then(|c| c.subjects()) {
        assert!(!exported, "{test}: SCHEMA_REGISTRY_URL={url} does not answer: {err}");
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: the registry at {url} (target/stack/stack.env) does not answer: {err}; \
             stale stack.env? {how}"
        );
        return None;
    }
    BlockingRegistryClient::new(RegistryConfig::new(url)).ok()
}

/// A name no earlier run used, for scratch subjects and topics: `prefix-<pid>-<nanos>`.
pub fn scratch_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{nanos}", std::process::id())
}
