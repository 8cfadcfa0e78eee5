//! The client's caches: (subject, schema) → id, id → schema, and subject → latest
//! version.
//!
//! The first two answers are immutable in the registry (an id never changes meaning; a
//! schema registered under a subject keeps its id), so those entries never expire. The
//! latest version changes when someone registers a new one, so it is kept for a time to
//! live (60 s by default). Each map is bounded and, when full, forgets its oldest entry.
//! The caches live behind the client's `Arc`, so every clone shares them.
//!
//! Concurrent callers that miss on the same key share one request
//! ([`SingleFlight`]): at start-up, a thousand tasks serializing the same type make one
//! registration, not a thousand. Errors are handed to the callers that waited for that
//! request, and never stored: the next call asks again (the registry may be back).

use super::api::Normalize;
use super::api::SubjectVersion;
use super::client::RegistryClient;
use super::error::{RegistryError, RegistryErrorKind};
use super::single_flight::SingleFlight;
use crate::Schema;
use std::sync::Arc;
use std::time::Duration;

/// The entries each map holds by default.
pub const DEFAULT_CACHE_CAPACITY: usize = 1000;

/// The caches one client and its clones share.
pub(super) struct Caches {
    /// (subject, schema text, normalize) → id.
    ids: SingleFlight<(String, String, Normalize), u32>,
    /// id → parsed schema.
    schemas: SingleFlight<u32, Arc<Schema>>,
    /// subject → its latest version, for a time.
    latest: SingleFlight<String, Arc<SubjectVersion>>,
    latest_ttl: Duration,
}

impl Caches {
    /// Caches of at most `capacity` entries each (at least 1), latest versions kept for
    /// `latest_ttl`.
    pub(super) fn new(capacity: usize, latest_ttl: Duration) -> Self {
        Self {
            ids: SingleFlight::new(capacity, None),
            schemas: SingleFlight::new(capacity, None),
            latest: SingleFlight::new(capacity, Some(latest_ttl)),
            latest_ttl,
        }
    }
}

impl RegistryClient {
    /// [`register`](Self::register), cached: the id of `schema` under `subject`,
    /// registering it on the first call only.
    pub async fn cached_register(
        &self,
        subject: &str,
        schema: &str,
        normalize: Normalize,
    ) -> Result<u32, RegistryError> {
        let key = (subject.to_owned(), schema.to_owned(), normalize);
        self.inner
            .caches
            .ids
            .get_or_fetch(key, || self.register(subject, schema, normalize))
            .await
    }

    /// [`lookup`](Self::lookup), cached: the id of `schema` under `subject`, which must
    /// already be registered (for producers whose schemas CI registers).
    pub async fn cached_lookup(&self, subject: &str, schema: &str, normalize: Normalize) -> Result<u32, RegistryError> {
        let key = (subject.to_owned(), schema.to_owned(), normalize);
        self.inner
            .caches
            .ids
            .get_or_fetch(key, || async { Ok(self.lookup(subject, schema, normalize).await?.id) })
            .await
    }

    /// [`schema_by_id`](Self::schema_by_id), cached and parsed: the writer schema a
    /// frame's id names.
    pub async fn cached_schema(&self, id: u32) -> Result<Arc<Schema>, RegistryError> {
        self.inner
            .caches
            .schemas
            .get_or_fetch(id, || self.fetch_schema(id))
            .await
    }

    /// The schema of `id` when the cache already holds it: no request, no `await` (a
    /// deserializer's hot path).
    pub fn known_schema(&self, id: u32) -> Option<Arc<Schema>> {
        self.inner.caches.schemas.get(&id)
    }

    /// [`latest`](Self::latest), cached for the configured time to live
    /// ([`RegistryConfig::latest_ttl`](super::RegistryConfig::latest_ttl)). When the
    /// registry cannot be reached to refresh an expired answer, the expired answer is
    /// used for another period: a producer keeps writing through an outage with the
    /// version it was writing.
    pub async fn cached_latest(&self, subject: &str) -> Result<Arc<SubjectVersion>, RegistryError> {
        self.inner
            .caches
            .latest
            .get_or_fetch(subject.to_owned(), || async {
                Ok(Arc::new(self.latest(subject).await?))
            })
            .await
    }

    /// How long a latest-version answer is used.
    pub fn latest_ttl(&self) -> Duration {
        self.inner.caches.latest_ttl
    }

    /// [`schema_by_id`](Self::schema_by_id), parsed.
    async fn fetch_schema(&self, id: u32) -> Result<Arc<Schema>, RegistryError> {
        let text = self.schema_by_id(id).await?;
        let schema = Schema::parse(&text).map_err(|err| {
            RegistryError::new(
                format!("GET /schemas/ids/{id}"),
                RegistryErrorKind::InvalidResponse {
                    what: format!("schema {id} is not a schema avrokit can read: {err}"),
                },
            )
        })?;
        Ok(Arc::new(schema))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::test_server::{Canned, answer, serve};
    use crate::registry_client::{RegistryConfig, RetryPolicy};

    const SCHEMA: &str =
        r#"{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"}"#;

    fn client(url: &str, capacity: usize) -> RegistryClient {
        let config = RegistryConfig::new(url)
            .with_retry(RetryPolicy::none())
            .with_cache_capacity(capacity);
        RegistryClient::new(config).unwrap()
    }

    /// An answer that arrives late enough for every thread to be waiting on it.
    fn slow(status: &'static str, body: &str) -> Canned {
        Canned {
            delay: Duration::from_millis(300),
            ..answer(status, body)
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_make_one_request_and_clones_share_the_answer() {
        let server = serve(vec![slow("200 OK", SCHEMA)]);
        let client = client(&server.url, 10);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let client = client.clone();
            tasks.spawn(async move { client.cached_schema(5).await.unwrap() });
        }
        let schemas = tasks.join_all().await;
        assert_eq!(server.requests(), vec!["GET /schemas/ids/5 HTTP/1.1"]);
        assert!(schemas.iter().all(|s| Arc::ptr_eq(s, &schemas[0])));
        // A clone hits the same cache, with or without awaiting.
        client.clone().cached_schema(5).await.unwrap();
        assert!(client.known_schema(5).is_some_and(|s| Arc::ptr_eq(&s, &schemas[0])));
        assert_eq!(server.requests().len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn registrations_are_cached_per_subject_and_schema() {
        let server = serve(vec![slow("200 OK", r#"{"id":3}"#)]);
        let client = client(&server.url, 10);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..6 {
            let client = client.clone();
            tasks.spawn(async move { client.cached_register("t-value", "{}", Normalize::AsSent).await });
        }
        assert!(tasks.join_all().await.iter().all(|id| id == &Ok(3)));
        assert_eq!(server.requests().len(), 1);
        client
            .cached_register("u-value", "{}", Normalize::AsSent)
            .await
            .unwrap();
        assert_eq!(server.requests().len(), 2, "another subject is another key");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn errors_reach_the_waiters_but_are_not_cached() {
        let server = serve(vec![
            slow("500 Internal Server Error", r#"{"error_code":50001,"message":"store"}"#),
            answer("200 OK", SCHEMA),
        ]);
        let client = client(&server.url, 10);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..4 {
            let client = client.clone();
            tasks.spawn(async move { client.cached_schema(1).await });
        }
        let results = tasks.join_all().await;
        assert_eq!(server.requests().len(), 1);
        assert!(
            results
                .iter()
                .all(|r| r.as_ref().is_err_and(RegistryError::is_retriable)),
            "{results:?}"
        );
        // The registry is back: the next call asks again.
        client.cached_schema(1).await.unwrap();
        assert_eq!(server.requests().len(), 2);
    }

    #[tokio::test]
    async fn a_full_cache_forgets_its_oldest_entry() {
        let server = serve(vec![answer("200 OK", SCHEMA)]);
        let client = client(&server.url, 2);
        for id in [1, 2, 3] {
            client.cached_schema(id).await.unwrap();
        }
        client.cached_schema(3).await.unwrap();
        client.cached_schema(2).await.unwrap();
        assert_eq!(server.requests().len(), 3);
        client.cached_schema(1).await.unwrap();
        assert_eq!(server.requests().len(), 4, "id 1 was evicted");
    }

    #[tokio::test]
    async fn latest_versions_are_kept_for_their_time_to_live() {
        let server = serve(vec![answer(
            "200 OK",
            r#"{"subject":"t-value","version":2,"id":9,"schema":"\"int\""}"#,
        )]);
        let config = RegistryConfig::new(&server.url)
            .with_retry(RetryPolicy::none())
            .with_latest_ttl(Duration::from_millis(100));
        let client = RegistryClient::new(config).unwrap();
        for _ in 0..3 {
            let latest = client.cached_latest("t-value").await.unwrap();
            assert_eq!((latest.version, latest.id), (2, 9));
        }
        assert_eq!(
            server.requests(),
            vec!["GET /subjects/t-value/versions/latest HTTP/1.1"]
        );
        tokio::time::sleep(Duration::from_millis(120)).await;
        client.cached_latest("t-value").await.unwrap();
        assert_eq!(server.requests().len(), 2, "expired, asked again");
    }

    #[tokio::test]
    async fn a_schema_avrokit_cannot_read_is_a_typed_error() {
        let server = serve(vec![answer("200 OK", r#"{"schema":"{\"type\":\"nonsense\"}"}"#)]);
        let err = client(&server.url, 2).cached_schema(4).await.unwrap_err();
        assert!(matches!(err.kind(), RegistryErrorKind::InvalidResponse { .. }), "{err}");
        assert!(
            err.to_string().contains("schema 4 is not a schema avrokit can read"),
            "{err}"
        );
    }
}
