//! The cache layer, above the REST layer: (subject, schema) → id, id → schema, and
//! subject → latest version.
//!
//! The first two answers are immutable in the registry (an id never changes meaning; a
//! schema registered under a subject keeps its id), so those entries never expire. The
//! latest version changes when someone registers a new one, so it is kept for a time to
//! live (60 s by default). Each map is bounded and, when full, forgets its oldest entry.
//! The caches live behind the [`RegistryClient`](super::RegistryClient)'s `Arc`, so every
//! clone shares them.
//!
//! Concurrent callers that miss on the same key share one request
//! ([`SingleFlight`]): at start-up, a thousand tasks serializing the same type make one
//! registration, not a thousand. Errors are handed to the callers that waited for that
//! request, and never stored: the next call asks again (the registry may be back).

use super::error::{RegistryError, RegistryErrorKind};
use super::rest::{Normalize, RestClient, SchemaReference, SubjectVersion, VersionSelector};
use super::single_flight::SingleFlight;
use crate::Schema;
use std::sync::Arc;
use std::time::Duration;

/// The caches one client and its clones share, each filled through the REST layer.
pub(super) struct Caches {
    /// (subject, schema text, normalize) → id.
    ids: SingleFlight<(String, String, Normalize), u32>,
    /// id → parsed schema.
    schemas: SingleFlight<u32, Arc<Schema>>,
    /// (subject, version) → that version: the schemas others reference.
    versions: SingleFlight<(String, u32), Arc<SubjectVersion>>,
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
            versions: SingleFlight::new(capacity, None),
            latest: SingleFlight::new(capacity, Some(latest_ttl)),
            latest_ttl,
        }
    }

    /// The id of `schema` under `subject`, registered through `rest` on the first call
    /// only.
    pub(super) async fn register(
        &self,
        rest: &RestClient,
        subject: &str,
        schema: &str,
        normalize: Normalize,
    ) -> Result<u32, RegistryError> {
        let key = (subject.to_owned(), schema.to_owned(), normalize);
        self.ids
            .get_or_fetch(key, || rest.register(subject, schema, normalize))
            .await
    }

    /// The id of `schema` under `subject`, looked up through `rest` on the first call
    /// only; the schema must already be registered. Shares its entries with
    /// [`register`](Self::register): the same (subject, schema) has the same id.
    pub(super) async fn lookup(
        &self,
        rest: &RestClient,
        subject: &str,
        schema: &str,
        normalize: Normalize,
    ) -> Result<u32, RegistryError> {
        let key = (subject.to_owned(), schema.to_owned(), normalize);
        self.ids
            .get_or_fetch(key, || async { Ok(rest.lookup(subject, schema, normalize).await?.id) })
            .await
    }

    /// The schema of `id`, fetched through `rest` and parsed on the first call only.
    pub(super) async fn schema(&self, rest: &RestClient, id: u32) -> Result<Arc<Schema>, RegistryError> {
        self.schemas.get_or_fetch(id, || self.fetch_schema(rest, id)).await
    }

    /// The schema of `id`, fetched and parsed, its references resolved.
    async fn fetch_schema(&self, rest: &RestClient, id: u32) -> Result<Arc<Schema>, RegistryError> {
        let registered = rest.schema_with_references(id).await?;
        let referenced = self.referenced(rest, &registered.references).await?;
        let texts: Vec<&str> = referenced.iter().map(|v| v.schema.as_str()).collect();
        let schema = Schema::parse_with_references(&registered.schema, &texts).map_err(|err| {
            RegistryError::new(
                format!("GET /schemas/ids/{id}"),
                RegistryErrorKind::InvalidResponse {
                    what: format!("schema {id} is not a schema avrokit can read: {err}"),
                },
            )
        })?;
        Ok(Arc::new(schema))
    }

    /// Every version `references` names, and those their own references name (each
    /// once, however many schemas share it), fetched through the version cache: a
    /// version never changes, so a type shared by many schemas is asked for once.
    async fn referenced(
        &self,
        rest: &RestClient,
        references: &[SchemaReference],
    ) -> Result<Vec<Arc<SubjectVersion>>, RegistryError> {
        let mut pending: Vec<SchemaReference> = references.iter().rev().cloned().collect();
        let mut found: Vec<Arc<SubjectVersion>> = Vec::new();
        while let Some(reference) = pending.pop() {
            if found
                .iter()
                .any(|v| v.subject == reference.subject && v.version == reference.version)
            {
                continue;
            }
            let key = (reference.subject.clone(), reference.version);
            let version = self
                .versions
                .get_or_fetch(key, || async {
                    let selector = VersionSelector::Number(reference.version);
                    Ok(Arc::new(rest.version(&reference.subject, selector).await?))
                })
                .await?;
            pending.extend(version.references.iter().rev().cloned());
            found.push(version);
        }
        Ok(found)
    }

    /// The schema of `id` when the cache already holds it.
    pub(super) fn known_schema(&self, id: u32) -> Option<Arc<Schema>> {
        self.schemas.get(&id)
    }

    /// The latest version of `subject`, fetched through `rest` once per time to live;
    /// an expired answer is used for another period when the registry cannot be reached
    /// to refresh it.
    pub(super) async fn latest(&self, rest: &RestClient, subject: &str) -> Result<Arc<SubjectVersion>, RegistryError> {
        self.latest
            .get_or_fetch(subject.to_owned(), || async {
                Ok(Arc::new(rest.latest(subject).await?))
            })
            .await
    }

    /// How long a latest-version answer is used.
    pub(super) fn latest_ttl(&self) -> Duration {
        self.latest_ttl
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::config::{RegistryConfig, RetryPolicy};
    use crate::registry_client::test_server::{Canned, answer, serve};

    const SCHEMA: &str =
        r#"{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"}"#;

    /// Caches of `capacity` entries and latest versions kept for `ttl`, over a REST
    /// client of `url`: shared by the tasks of a test as a client's clones share them.
    #[derive(Clone)]
    struct Cached(Arc<(RestClient, Caches)>);

    impl std::ops::Deref for Cached {
        type Target = Caches;
        fn deref(&self) -> &Caches {
            &self.0.1
        }
    }

    impl Cached {
        fn rest(&self) -> &RestClient {
            &self.0.0
        }
    }

    fn cached(url: &str, capacity: usize, ttl: Duration) -> Cached {
        let rest = RestClient::new(RegistryConfig::new(url).with_retry(RetryPolicy::none())).unwrap();
        Cached(Arc::new((rest, Caches::new(capacity, ttl))))
    }

    fn client(url: &str, capacity: usize) -> Cached {
        cached(url, capacity, Duration::from_secs(60))
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
            tasks.spawn(async move { client.schema(client.rest(), 5).await.unwrap() });
        }
        let schemas = tasks.join_all().await;
        assert_eq!(server.requests(), vec!["GET /schemas/ids/5 HTTP/1.1"]);
        assert!(schemas.iter().all(|s| Arc::ptr_eq(s, &schemas[0])));
        // A clone hits the same cache, with or without awaiting.
        client.clone().schema(client.rest(), 5).await.unwrap();
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
            tasks.spawn(async move { client.register(client.rest(), "t-value", "{}", Normalize::AsSent).await });
        }
        assert!(tasks.join_all().await.iter().all(|id| id == &Ok(3)));
        assert_eq!(server.requests().len(), 1);
        client
            .register(client.rest(), "u-value", "{}", Normalize::AsSent)
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
            tasks.spawn(async move { client.schema(client.rest(), 1).await });
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
        client.schema(client.rest(), 1).await.unwrap();
        assert_eq!(server.requests().len(), 2);
    }

    #[tokio::test]
    async fn a_full_cache_forgets_its_oldest_entry() {
        let server = serve(vec![answer("200 OK", SCHEMA)]);
        let client = client(&server.url, 2);
        for id in [1, 2, 3] {
            client.schema(client.rest(), id).await.unwrap();
        }
        client.schema(client.rest(), 3).await.unwrap();
        client.schema(client.rest(), 2).await.unwrap();
        assert_eq!(server.requests().len(), 3);
        client.schema(client.rest(), 1).await.unwrap();
        assert_eq!(server.requests().len(), 4, "id 1 was evicted");
    }

    #[tokio::test]
    async fn latest_versions_are_kept_for_their_time_to_live() {
        let server = serve(vec![answer(
            "200 OK",
            r#"{"subject":"t-value","version":2,"id":9,"schema":"\"int\""}"#,
        )]);
        let client = cached(&server.url, 10, Duration::from_millis(100));
        for _ in 0..3 {
            let latest = client.latest(client.rest(), "t-value").await.unwrap();
            assert_eq!((latest.version, latest.id), (2, 9));
        }
        assert_eq!(
            server.requests(),
            vec!["GET /subjects/t-value/versions/latest HTTP/1.1"]
        );
        tokio::time::sleep(Duration::from_millis(120)).await;
        client.latest(client.rest(), "t-value").await.unwrap();
        assert_eq!(server.requests().len(), 2, "expired, asked again");
    }

    #[tokio::test]
    async fn references_are_fetched_once_and_inlined() {
        let money = r#"{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"shared\",\"fields\":[{\"name\":\"cents\",\"type\":\"long\"}]}"#;
        let order = r#"{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"total\",\"type\":\"shared.Money\"},{\"name\":\"tip\",\"type\":\"shared.Money\"}]}"#;
        let refs = r#"[{"name":"shared.Money","subject":"shared.Money","version":1}]"#;
        let server = serve(vec![
            answer("200 OK", format!(r#"{{"schema":"{order}","references":{refs}}}"#)),
            answer(
                "200 OK",
                format!(r#"{{"subject":"shared.Money","version":1,"id":3,"schema":"{money}"}}"#),
            ),
            answer("200 OK", format!(r#"{{"schema":"{order}","references":{refs}}}"#)),
        ]);
        let client = client(&server.url, 10);
        let schema = client.schema(client.rest(), 9).await.unwrap();
        assert_eq!(
            schema.canonical_form(),
            r#"{"name":"shop.Order","type":"record","fields":[{"name":"total","type":{"name":"shared.Money","type":"record","fields":[{"name":"cents","type":"long"}]}},{"name":"tip","type":"shared.Money"}]}"#
        );
        // Another schema using the same version asks only for itself.
        client.schema(client.rest(), 10).await.unwrap();
        assert_eq!(
            server.requests(),
            vec![
                "GET /schemas/ids/9 HTTP/1.1",
                "GET /subjects/shared.Money/versions/1 HTTP/1.1",
                "GET /schemas/ids/10 HTTP/1.1"
            ]
        );
    }

    #[tokio::test]
    async fn a_missing_reference_is_named() {
        let server = serve(vec![
            answer(
                "200 OK",
                r#"{"schema":"{\"type\":\"record\",\"name\":\"O\",\"fields\":[{\"name\":\"m\",\"type\":\"M\"}]}","references":[{"name":"M","subject":"m-subject","version":4}]}"#,
            ),
            answer(
                "404 Not Found",
                r#"{"error_code":40402,"message":"Version 4 not found."}"#,
            ),
        ]);
        let client = client(&server.url, 10);
        let err = client.schema(client.rest(), 9).await.unwrap_err();
        assert!(err.to_string().contains("GET /subjects/m-subject/versions/4"), "{err}");
    }

    #[tokio::test]
    async fn a_schema_avrokit_cannot_read_is_a_typed_error() {
        let server = serve(vec![answer("200 OK", r#"{"schema":"{\"type\":\"nonsense\"}"}"#)]);
        let client = client(&server.url, 2);
        let err = client.schema(client.rest(), 4).await.unwrap_err();
        assert!(matches!(err.kind(), RegistryErrorKind::InvalidResponse { .. }), "{err}");
        assert!(
            err.to_string().contains("schema 4 is not a schema avrokit can read"),
            "{err}"
        );
    }
}
