//! The client's configuration and its one HTTP call: authentication, timeout, retries.

use super::error::{RegistryError, RegistryErrorKind};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::Duration;

/// The Confluent API's content type, sent as `Accept` and (with a body) `Content-Type`.
const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// How to authenticate to the registry. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP basic (Confluent Cloud: API key and secret).
    Basic {
        /// The user (API key).
        user: String,
        /// The password (API secret).
        password: String,
    },
    /// A static bearer token.
    Bearer(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The user name is not secret and helps tell configurations apart; the password
        // and the token are.
        match self {
            Auth::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &"<redacted>")
                .finish(),
            Auth::Bearer(_) => f.debug_tuple("Bearer").field(&"<redacted>").finish(),
        }
    }
}

impl Auth {
    /// The `Authorization` header's value.
    fn header(&self) -> String {
        use base64::Engine;
        match self {
            Auth::Basic { user, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            ),
            Auth::Bearer(token) => format!("Bearer {token}"),
        }
    }
}

/// When to try a call again: after a transport error (no answer) or a 5xx, never after a
/// 4xx (the same request gets the same answer). Waits grow exponentially from `initial`
/// up to `max`, each with jitter, so clients that failed together do not retry together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: no retry).
    pub max_retries: u32,
    /// The wait before the first retry (before jitter).
    pub initial_backoff: Duration,
    /// The longest wait (before jitter).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries from 200 ms, at most 5 s apart: a registry restarting is back within
    /// that, and a producer does not block for long on one that is gone.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries: one attempt per call.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (0-based): `initial * 2^retry`, capped at
    /// `max`, then a uniformly random point in its upper half ("equal jitter": never
    /// shorter than half the exponential step, never longer than it).
    pub fn backoff(&self, retry: u32) -> Duration {
        let step = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(31)))
            .min(self.max_backoff);
        let half = step / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if nanos == 0 { 0 } else { random_u64() % (nanos + 1) };
        half + Duration::from_nanos(jitter)
    }
}

/// A random number for jitter. `RandomState` is seeded randomly per instance by std, so
/// hashing nothing gives a fresh value without a `rand` dependency; jitter needs spread,
/// not cryptographic quality.
fn random_u64() -> u64 {
    std::collections::hash_map::RandomState::new().build_hasher().finish()
}

/// Where the registry is and how to talk to it.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    /// The Confluent API's base URL (Apicurio: `http://host:8080/apis/ccompat/v7`).
    pub url: String,
    /// Credentials, if the registry needs them.
    pub auth: Option<Auth>,
    /// The longest one attempt may take, connecting included.
    pub timeout: Duration,
    /// When to try again.
    pub retry: RetryPolicy,
    /// Extra trusted CA certificates (PEM) for `https` URLs; `None` trusts the usual
    /// public roots (webpki).
    pub ca_pem: Option<Vec<u8>>,
    /// The most entries each cache holds (id → schema, schema → id).
    pub cache_capacity: usize,
}

impl RegistryConfig {
    /// The registry at `url`, no credentials, a 30 s timeout, the default retries and
    /// caches of 1000 entries.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            auth: None,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            ca_pem: None,
            cache_capacity: super::cache::DEFAULT_CACHE_CAPACITY,
        }
    }

    /// With credentials.
    pub fn with_auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// With a timeout per attempt.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// With a retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// With at most `capacity` entries per cache.
    pub fn with_cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }

    /// Trusting the CA certificates in `pem` (instead of the public roots).
    pub fn with_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem = Some(pem.into());
        self
    }
}

/// A blocking client of a registry's Confluent API. Cheap to clone: clones share the
/// connection pool and the caches.
#[derive(Clone)]
pub struct RegistryClient {
    pub(super) inner: Arc<Inner>,
}

/// What clones share.
pub(super) struct Inner {
    base: String,
    /// The precomputed `Authorization` value: the only place a secret lives.
    authorization: Option<String>,
    retry: RetryPolicy,
    agent: ureq::Agent,
    pub(super) caches: super::cache::Caches,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("url", &self.inner.base)
            .field("authenticated", &self.inner.authorization.is_some())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// An HTTP method the Confluent API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// The method's name, as in a request line.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

impl RegistryClient {
    /// A client for `config`; fails only on an unusable CA certificate.
    pub fn new(config: RegistryConfig) -> Result<Self, RegistryError> {
        let mut builder = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            // 4xx and 5xx answers carry the registry's error body: read it, do not drop it.
            .http_status_as_error(false);
        if let Some(pem) = &config.ca_pem {
            let certs = ureq::tls::parse_pem(pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(cert)) => Some(Ok(cert)),
                    Ok(_) => None,
                    Err(err) => Some(Err(err)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|err| config_error(format!("cannot read the CA certificate PEM: {err}")))?;
            if certs.is_empty() {
                return Err(config_error("the CA PEM holds no certificate".into()));
            }
            builder = builder.tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
                    .build(),
            );
        }
        Ok(Self {
            inner: Arc::new(Inner {
                base: config.url.trim_end_matches('/').to_owned(),
                authorization: config.auth.as_ref().map(Auth::header),
                retry: config.retry,
                agent: builder.build().into(),
                caches: super::cache::Caches::new(config.cache_capacity),
            }),
        })
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        &self.inner.base
    }

    /// One API call, retried by the policy; the body of a 2xx answer, or the typed error.
    /// `path` starts with `/` and carries its query string.
    pub(super) fn call(&self, method: Method, path: &str, body: Option<&str>) -> Result<String, RegistryError> {
        let request = format!("{} {path}", method.as_str());
        let url = format!("{}{path}", self.inner.base);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let kind = match self.attempt(method, &url, body) {
                Ok((200..=299, text)) => return Ok(text),
                Ok((status, text)) => RegistryErrorKind::from_response(status, &text, attempts),
                Err(err) => RegistryErrorKind::Unreachable {
                    attempts,
                    cause: err.to_string(),
                },
            };
            if !kind.is_retriable() || attempts > self.inner.retry.max_retries {
                return Err(RegistryError::new(request, kind));
            }
            std::thread::sleep(self.inner.retry.backoff(attempts - 1));
        }
    }

    /// One HTTP exchange: the status and body, or the transport error.
    fn attempt(&self, method: Method, url: &str, body: Option<&str>) -> Result<(u16, String), ureq::Error> {
        let agent = &self.inner.agent;
        let auth = self.inner.authorization.as_deref();
        let mut response = match method {
            Method::Get | Method::Delete => {
                let mut request = match method {
                    Method::Get => agent.get(url),
                    _ => agent.delete(url),
                }
                .header("Accept", CONTENT_TYPE);
                if let Some(auth) = auth {
                    request = request.header("Authorization", auth);
                }
                request.call()?
            }
            Method::Post | Method::Put => {
                let mut request = match method {
                    Method::Post => agent.post(url),
                    _ => agent.put(url),
                }
                .header("Accept", CONTENT_TYPE)
                .header("Content-Type", CONTENT_TYPE);
                if let Some(auth) = auth {
                    request = request.header("Authorization", auth);
                }
                request.send(body.unwrap_or(""))?
            }
        };
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string()?;
        Ok((status, text))
    }
}

fn config_error(what: String) -> RegistryError {
    RegistryError::new("(client setup)", RegistryErrorKind::Config { what })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::test_server::{answer, serve};

    #[test]
    fn backoff_grows_exponentially_with_jitter_up_to_the_cap() {
        let policy = RetryPolicy {
            max_retries: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
        };
        for (retry, step_ms) in [
            (0, 100),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1000),
            (30, 1000),
            (u32::MAX, 1000),
        ] {
            let step = Duration::from_millis(step_ms);
            let waits: Vec<Duration> = (0..50).map(|_| policy.backoff(retry)).collect();
            assert!(waits.iter().all(|w| *w >= step / 2 && *w <= step), "{retry}: {waits:?}");
            // Jitter: 50 draws from a range of step/2 nanoseconds are not all equal.
            assert!(waits.iter().any(|w| *w != waits[0]), "{retry}: no jitter");
        }
    }

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

    /// A client of `url` with short waits, so retry tests take milliseconds.
    fn client(url: &str, max_retries: u32) -> RegistryClient {
        let retry = RetryPolicy {
            max_retries,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
        };
        RegistryClient::new(RegistryConfig::new(url).with_retry(retry)).unwrap()
    }

    #[test]
    fn server_errors_are_retried_until_an_answer() {
        let server = serve(vec![
            answer(
                "503 Service Unavailable",
                r#"{"error_code":50003,"message":"forwarding"}"#,
            ),
            answer("500 Internal Server Error", "<html>oops</html>"),
            answer("200 OK", "[1,2]"),
        ]);
        assert_eq!(client(&server.url, 3).versions("t-value").unwrap(), vec![1, 2]);
        assert_eq!(server.requests().len(), 3);
    }

    #[test]
    fn server_errors_past_the_budget_report_the_attempts() {
        let server = serve(vec![answer(
            "500 Internal Server Error",
            r#"{"error_code":50001,"message":"store"}"#,
        )]);
        let err = client(&server.url, 2).subjects().unwrap_err();
        assert_eq!(server.requests().len(), 3);
        assert_eq!(
            err.to_string(),
            "schema registry GET /subjects: HTTP 500, server error (50001) after 3 attempt(s): store"
        );
    }

    #[test]
    fn client_errors_are_never_retried() {
        for (status, body) in [
            (
                "404 Not Found",
                r#"{"error_code":40403,"message":"Schema 9 not found"}"#,
            ),
            ("409 Conflict", r#"{"error_code":409,"message":"incompatible"}"#),
            ("422 Unprocessable Entity", r#"{"error_code":42201,"message":"bad"}"#),
            ("401 Unauthorized", r#"{"error_code":401,"message":"who"}"#),
        ] {
            let server = serve(vec![answer(status, body)]);
            let err = client(&server.url, 5).schema_by_id(9).unwrap_err();
            assert!(!err.is_retriable(), "{err}");
            assert_eq!(server.requests(), vec!["GET /schemas/ids/9 HTTP/1.1"], "{status}");
        }
    }

    #[test]
    fn connection_errors_are_retried_then_reported() {
        // A port nobody listens on: bound, then closed.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let err = client(&format!("http://{closed}"), 2).subjects().unwrap_err();
        assert!(
            matches!(err.kind(), RegistryErrorKind::Unreachable { attempts: 3, .. }),
            "{err}"
        );
        assert!(
            err.to_string()
                .starts_with("schema registry GET /subjects: cannot reach the registry after 3 attempt(s)"),
            "{err}"
        );
    }

    #[test]
    fn requests_carry_the_api_content_type_and_credentials() {
        let server = serve(vec![answer("200 OK", r#"{"id":7}"#)]);
        let config = RegistryConfig::new(&server.url).with_auth(Auth::Bearer("tok".into()));
        let id = RegistryClient::new(config)
            .unwrap()
            .register("a/b", "{}", true)
            .unwrap();
        assert_eq!(id, 7);
        assert_eq!(
            server.requests(),
            vec!["POST /subjects/a%2Fb/versions?normalize=true HTTP/1.1"]
        );
        let headers = server.headers()[0].to_ascii_lowercase();
        for expected in [
            "accept: application/vnd.schemaregistry.v1+json",
            "content-type: application/vnd.schemaregistry.v1+json",
            "authorization: bearer tok",
        ] {
            assert!(headers.contains(expected), "{expected} not in {headers}");
        }
    }

    #[test]
    fn an_unusable_ca_is_a_configuration_error() {
        let err = RegistryClient::new(RegistryConfig::new("https://r").with_ca_pem("not a pem")).unwrap_err();
        assert!(matches!(err.kind(), RegistryErrorKind::Config { .. }), "{err}");
    }
}
