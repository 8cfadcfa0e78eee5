//! [`BlockingRegistryClient`]: the async client's calls for code without a runtime
//! (`avrokit register`, scripts, a producer on plain threads).
//!
//! There is one implementation of the calls, the async one; this runs its futures on a
//! small tokio runtime of its own, driven by one background thread. The caller's thread
//! polls the future (`Handle::block_on`) while the background thread drives the sockets
//! and timers, so a call costs no thread hop and borrows its arguments.
//!
//! Called from inside a tokio runtime, `Handle::block_on` would panic ("cannot start a
//! runtime from within a runtime"); there the call runs on a scoped helper thread and the
//! caller's thread waits. That is correct but blocks a worker of the caller's runtime for
//! the duration of a registry request (only on a cache miss, since the hot paths answer
//! from the caches without blocking): async code should use [`RegistryClient`] instead.
//!
//! The runtime is the client's own, and so is its connection pool: a client shared with
//! another runtime could hold connections whose I/O that other runtime drives, and a
//! blocking call made while that runtime is blocked (a current-thread runtime calling
//! this) would wait for itself.

use super::client::RegistryClient;
use super::config::RegistryConfig;
use super::error::RegistryError;
use super::rest::{
    CompatibilityCheck, Deletion, Normalize, RegisteredSchema, RestClient, SchemaReference, SubjectVersion,
    VersionSelector,
};
use crate::Schema;
use avrokit_schema::Compatibility;
use std::future::Future;
use std::sync::Arc;

/// A blocking client of a registry's Confluent API: the calls and caches of
/// [`RegistryClient`], waited for. Cheap to clone: clones share the runtime, the
/// connection pool and the caches. Never panics when called from inside a tokio runtime
/// (see the module notes on what it costs there).
#[derive(Clone)]
pub struct BlockingRegistryClient {
    client: RegistryClient,
    bridge: Arc<Bridge>,
}

/// The runtime the calls run on, and the thread that drives it until the last clone of
/// the client is dropped.
struct Bridge {
    handle: tokio::runtime::Handle,
    /// Dropping it ends the driving thread, which then drops the runtime.
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl std::fmt::Debug for BlockingRegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("BlockingRegistryClient").field(&self.client).finish()
    }
}

/// Blocking twins of the async calls of `$async` (the type `$target` is), each
/// documented by a link to its async call.
macro_rules! blocking_calls {
    ($async:literal, |$this:ident| $target:expr; $($name:ident($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {$(
        #[doc = concat!("[`", $async, "::", stringify!($name), "`], waited for.")]
        pub fn $name(&self, $($arg: $ty),*) -> Result<$out, RegistryError> {
            let $this = self;
            $this.block_on($target.$name($($arg),*))
        }
    )*};
}

impl BlockingRegistryClient {
    /// A client for `config` with its own runtime thread; fails on what
    /// [`RegistryClient::new`] refuses, or when the thread cannot be started.
    pub fn new(config: RegistryConfig) -> Result<Self, RegistryError> {
        let client = RegistryClient::new(config)?;
        let setup = RegistryError::setup;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| setup(format!("cannot build the client's runtime: {err}")))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("avrokit-registry".into())
            .spawn(move || {
                // Either a stop or the sender's drop ends the wait.
                let _ = runtime.block_on(stopped);
            })
            .map_err(|err| setup(format!("cannot start the client's runtime thread: {err}")))?;
        Ok(Self {
            client,
            bridge: Arc::new(Bridge { handle, _stop: stop }),
        })
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        self.client.url()
    }

    /// How long a latest-version answer is used.
    pub fn latest_ttl(&self) -> std::time::Duration {
        self.client.latest_ttl()
    }

    /// [`RegistryClient::known_schema`]: the cached schema of `id`, without a request.
    pub fn known_schema(&self, id: u32) -> Option<Arc<Schema>> {
        self.client.known_schema(id)
    }

    /// The uncached REST calls underneath, blocking: each one a request, whatever the
    /// caches hold.
    pub fn rest(&self) -> BlockingRest<'_> {
        BlockingRest { client: self }
    }

    blocking_calls! {
        "RegistryClient", |this| this.client;
        register(subject: &str, schema: &str, normalize: Normalize) -> u32;
        lookup(subject: &str, schema: &str, normalize: Normalize) -> u32;
        schema_by_id(id: u32) -> Arc<Schema>;
        latest(subject: &str) -> Arc<SubjectVersion>;
        version(subject: &str, version: VersionSelector) -> SubjectVersion;
        subjects() -> Vec<String>;
        versions(subject: &str) -> Vec<u32>;
        check_compatibility(subject: &str, version: Option<VersionSelector>, schema: &str) -> CompatibilityCheck;
        config(subject: Option<&str>) -> Compatibility;
        set_config(subject: Option<&str>, level: Compatibility) -> Compatibility;
        delete_subject(subject: &str, deletion: Deletion) -> Vec<u32>;
        delete_version(subject: &str, version: VersionSelector, deletion: Deletion) -> u32;
    }

    /// The async client behind this one, for the serializers' shared code.
    pub(super) fn client(&self) -> &RegistryClient {
        &self.client
    }

    /// Runs `future` to completion on the client's runtime and returns its output.
    pub(super) fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        let handle = &self.bridge.handle;
        if tokio::runtime::Handle::try_current().is_err() {
            return handle.block_on(future);
        }
        std::thread::scope(|scope| match scope.spawn(|| handle.block_on(future)).join() {
            Ok(output) => output,
            Err(panic) => std::panic::resume_unwind(panic),
        })
    }
}

/// The uncached REST calls of a [`BlockingRegistryClient`], blocking: [`RestClient`]'s
/// calls, waited for on the client's runtime.
#[derive(Debug, Clone, Copy)]
pub struct BlockingRest<'a> {
    client: &'a BlockingRegistryClient,
}

impl BlockingRest<'_> {
    /// Runs `future` on the client's runtime.
    fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        self.client.block_on(future)
    }

    /// The async REST client the calls run on.
    fn rest(&self) -> &RestClient {
        self.client.client.rest()
    }

    blocking_calls! {
        "RestClient", |this| this.rest();
        register(subject: &str, schema: &str, normalize: Normalize) -> u32;
        register_with_references(subject: &str, schema: &str, references: &[SchemaReference], normalize: Normalize) -> u32;
        lookup(subject: &str, schema: &str, normalize: Normalize) -> SubjectVersion;
        lookup_with_references(subject: &str, schema: &str, references: &[SchemaReference], normalize: Normalize) -> SubjectVersion;
        schema_by_id(id: u32) -> String;
        schema_with_references(id: u32) -> RegisteredSchema;
        version(subject: &str, version: VersionSelector) -> SubjectVersion;
        latest(subject: &str) -> SubjectVersion;
        subjects() -> Vec<String>;
        versions(subject: &str) -> Vec<u32>;
        check_compatibility(subject: &str, version: Option<VersionSelector>, schema: &str) -> CompatibilityCheck;
        config(subject: Option<&str>) -> Compatibility;
        set_config(subject: Option<&str>, level: Compatibility) -> Compatibility;
        delete_subject(subject: &str, deletion: Deletion) -> Vec<u32>;
        delete_version(subject: &str, version: VersionSelector, deletion: Deletion) -> u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::RetryPolicy;
    use crate::registry_client::test_server::{answer, serve};
    use std::time::Duration;

    fn client(url: &str) -> BlockingRegistryClient {
        let retry = RetryPolicy::default()
            .with_max_retries(2)
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(4));
        BlockingRegistryClient::new(RegistryConfig::new(url).with_retry(retry)).unwrap()
    }

    #[test]
    fn calls_block_outside_a_runtime_and_retry_on_its_timers() {
        let server = serve(vec![
            answer("503 Service Unavailable", "{}"),
            answer("200 OK", r#"["a-value"]"#),
        ]);
        assert_eq!(client(&server.url).subjects().unwrap(), vec!["a-value"]);
        assert_eq!(
            server.requests().len(),
            2,
            "the retry's backoff ran on the client's runtime"
        );
    }

    #[tokio::test]
    async fn calls_from_inside_a_current_thread_runtime_do_not_panic() {
        let server = serve(vec![answer("200 OK", r#"{"id":4}"#)]);
        let client = client(&server.url);
        assert_eq!(client.register("t-value", "{}", Normalize::AsSent), Ok(4));
        assert_eq!(client.register("t-value", "{}", Normalize::AsSent), Ok(4));
        assert_eq!(server.requests().len(), 1, "cached");
        assert_eq!(client.rest().register("t-value", "{}", Normalize::AsSent), Ok(4));
        assert_eq!(server.requests().len(), 2, "uncached");
    }

    #[test]
    fn clones_share_the_caches_and_outlive_the_original() {
        let server = serve(vec![answer("200 OK", r#"{"schema":"\"int\""}"#)]);
        let original = client(&server.url);
        let clone = original.clone();
        original.schema_by_id(3).unwrap();
        drop(original);
        assert!(clone.known_schema(3).is_some());
        assert_eq!(
            clone.rest().schema_by_id(3).unwrap(),
            "\"int\"",
            "the runtime is still driven"
        );
        assert_eq!(server.requests().len(), 2);
    }
}
