//! The facade, the top layer: [`RegistryClient`], the REST layer and the caches behind one
//! cheap-to-clone handle.

use super::cache::Caches;
use super::config::RegistryConfig;
use super::error::RegistryError;
use super::rest::{CompatibilityCheck, Deletion, Normalize, RestClient, SubjectVersion, VersionSelector};
use crate::Schema;
use avrokit_schema::Compatibility;
use std::sync::Arc;
use std::time::Duration;

/// An async client of a registry's Confluent API, over `reqwest` on tokio. Cheap to
/// clone: clones share the connection pool and the caches.
///
/// The answers that never change, or change rarely, come from caches shared by every
/// clone: [`register`](Self::register), [`lookup`](Self::lookup) and
/// [`schema_by_id`](Self::schema_by_id) ask the registry once per key,
/// [`latest`](Self::latest) once per time to live. The other calls have nothing to
/// cache and always ask. [`rest`](Self::rest) is the uncached layer underneath, one
/// request per call, for when the registry's own current answer is wanted.
///
/// Its calls need a tokio runtime with I/O and time enabled; code without one uses
/// [`BlockingRegistryClient`](super::BlockingRegistryClient), which runs the same calls
/// on a runtime of its own.
#[derive(Clone)]
pub struct RegistryClient {
    inner: Arc<Inner>,
}

/// What clones share.
struct Inner {
    rest: RestClient,
    caches: Caches,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("rest", &self.inner.rest)
            .field("latest_ttl", &self.inner.caches.latest_ttl())
            .finish_non_exhaustive()
    }
}

impl RegistryClient {
    /// A client for `config`; fails only on an unusable CA certificate or credentials
    /// that cannot be sent in a header. Needs no runtime.
    pub fn new(config: RegistryConfig) -> Result<Self, RegistryError> {
        let caches = Caches::new(config.cache_capacity, config.latest_ttl);
        Ok(Self {
            inner: Arc::new(Inner {
                rest: RestClient::new(config)?,
                caches,
            }),
        })
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        self.inner.rest.url()
    }

    /// The uncached REST calls underneath: each one a request, whatever the caches hold.
    pub fn rest(&self) -> &RestClient {
        &self.inner.rest
    }

    /// The id of `schema` (Avro JSON) under `subject`, registering it on the first call
    /// only (`POST /subjects/{s}/versions`; registering the same schema again gives the
    /// same id, so the answer is cached for good).
    pub async fn register(&self, subject: &str, schema: &str, normalize: Normalize) -> Result<u32, RegistryError> {
        self.inner
            .caches
            .register(&self.inner.rest, subject, schema, normalize)
            .await
    }

    /// The id of `schema` under `subject`, which must already be registered (for
    /// producers whose schemas CI registers): looked up on the first call only
    /// (`POST /subjects/{s}`). [`rest().lookup`](RestClient::lookup) gives the whole
    /// version.
    pub async fn lookup(&self, subject: &str, schema: &str, normalize: Normalize) -> Result<u32, RegistryError> {
        self.inner
            .caches
            .lookup(&self.inner.rest, subject, schema, normalize)
            .await
    }

    /// The schema with registry id `id`, parsed: the writer schema a frame's id names,
    /// fetched on the first call only (`GET /schemas/ids/{id}`; an id never changes
    /// meaning). [`rest().schema_by_id`](RestClient::schema_by_id) gives the registry's
    /// text.
    pub async fn schema_by_id(&self, id: u32) -> Result<Arc<Schema>, RegistryError> {
        self.inner.caches.schema(&self.inner.rest, id).await
    }

    /// The schema of `id` when the cache already holds it: no request, no `await` (a
    /// deserializer's hot path).
    pub fn known_schema(&self, id: u32) -> Option<Arc<Schema>> {
        self.inner.caches.known_schema(id)
    }

    /// The latest version of `subject`, cached for the configured time to live
    /// ([`RegistryConfig::latest_ttl`]). When the registry cannot be reached to refresh
    /// an expired answer, the expired answer is used for another period: a producer keeps
    /// writing through an outage with the version it was writing.
    /// [`rest().latest`](RestClient::latest) always asks.
    pub async fn latest(&self, subject: &str) -> Result<Arc<SubjectVersion>, RegistryError> {
        self.inner.caches.latest(&self.inner.rest, subject).await
    }

    /// How long a latest-version answer is used.
    pub fn latest_ttl(&self) -> Duration {
        self.inner.caches.latest_ttl()
    }

    /// [`RestClient::version`]: one version of a subject.
    pub async fn version(&self, subject: &str, version: VersionSelector) -> Result<SubjectVersion, RegistryError> {
        self.inner.rest.version(subject, version).await
    }

    /// [`RestClient::subjects`]: every subject.
    pub async fn subjects(&self) -> Result<Vec<String>, RegistryError> {
        self.inner.rest.subjects().await
    }

    /// [`RestClient::versions`]: a subject's version numbers.
    pub async fn versions(&self, subject: &str) -> Result<Vec<u32>, RegistryError> {
        self.inner.rest.versions(subject).await
    }

    /// [`RestClient::check_compatibility`]: whether `schema` could be registered under
    /// `subject`.
    pub async fn check_compatibility(
        &self,
        subject: &str,
        version: Option<VersionSelector>,
        schema: &str,
    ) -> Result<CompatibilityCheck, RegistryError> {
        self.inner.rest.check_compatibility(subject, version, schema).await
    }

    /// [`RestClient::config`]: the compatibility level, global or of a subject.
    pub async fn config(&self, subject: Option<&str>) -> Result<Compatibility, RegistryError> {
        self.inner.rest.config(subject).await
    }

    /// [`RestClient::set_config`]: sets the compatibility level, global or of a subject.
    pub async fn set_config(
        &self,
        subject: Option<&str>,
        level: Compatibility,
    ) -> Result<Compatibility, RegistryError> {
        self.inner.rest.set_config(subject, level).await
    }

    /// [`RestClient::delete_subject`]: deletes a subject. Cached answers about it are
    /// kept (ids stay valid for frames already written; a latest version expires with
    /// its time to live).
    pub async fn delete_subject(&self, subject: &str, deletion: Deletion) -> Result<Vec<u32>, RegistryError> {
        self.inner.rest.delete_subject(subject, deletion).await
    }

    /// [`RestClient::delete_version`]: deletes one version of a subject.
    pub async fn delete_version(
        &self,
        subject: &str,
        version: VersionSelector,
        deletion: Deletion,
    ) -> Result<u32, RegistryError> {
        self.inner.rest.delete_version(subject, version, deletion).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::config::{Auth, RetryPolicy};
    use crate::registry_client::test_server::{answer, serve};

    #[test]
    fn secrets_never_appear_in_debug() {
        let basic = Auth::Basic {
            user: "key".into(),
            password: "s3cret-pw".into(),
        };
        let bearer = Auth::Bearer("t0ken-value".into());
        for auth in [basic, bearer] {
            let config = RegistryConfig::new("http://127.0.0.1:1").with_auth(auth.clone());
            let client = RegistryClient::new(config.clone()).unwrap();
            for shown in [format!("{auth:?}"), format!("{config:?}"), format!("{client:?}")] {
                assert!(
                    !shown.contains("s3cret-pw") && !shown.contains("t0ken-value"),
                    "{shown}"
                );
            }
        }
    }

    #[tokio::test]
    async fn plain_names_are_cached_and_rest_always_asks() {
        let server = serve(vec![
            answer("200 OK", r#"{"id":7}"#),
            answer("200 OK", r#"{"id":7}"#),
            answer("200 OK", r#"{"schema":"\"int\""}"#),
        ]);
        let config = RegistryConfig::new(&server.url).with_retry(RetryPolicy::none());
        let client = RegistryClient::new(config).unwrap();
        for _ in 0..3 {
            assert_eq!(client.register("t-value", "\"int\"", Normalize::AsSent).await, Ok(7));
        }
        assert_eq!(server.requests().len(), 1, "cached");
        assert_eq!(
            client.rest().register("t-value", "\"int\"", Normalize::AsSent).await,
            Ok(7)
        );
        assert_eq!(server.requests().len(), 2, "uncached");
        let schema = client.schema_by_id(7).await.unwrap();
        assert_eq!(schema.canonical_form(), "\"int\"");
        assert!(client.clone().known_schema(7).is_some_and(|s| Arc::ptr_eq(&s, &schema)));
        assert_eq!(client.rest().schema_by_id(7).await.unwrap(), "\"int\"");
        assert_eq!(server.requests().len(), 4);
    }
}
