//! The transport, the lowest layer: one HTTP exchange with the registry, authenticated,
//! timed out and retried. It knows the Confluent API's content type and error bodies,
//! but no endpoint.

use super::config::{RegistryConfig, RetryPolicy};
use super::error::{RegistryError, RegistryErrorKind};
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;

/// The Confluent API's content type, sent as `Accept` and (with a body) `Content-Type`.
const API_CONTENT_TYPE: HeaderValue = HeaderValue::from_static("application/vnd.schemaregistry.v1+json");

/// The HTTP client of one registry: its base URL, credentials and retry policy.
pub(super) struct Transport {
    base: String,
    /// The precomputed `Authorization` value, marked sensitive: the only place a secret
    /// lives.
    authorization: Option<HeaderValue>,
    retry: RetryPolicy,
    http: reqwest::Client,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("url", &self.base)
            .field("authenticated", &self.authorization.is_some())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// The transport `config` describes; fails only on an unusable CA certificate or
    /// credentials that cannot be sent in a header. Needs no runtime.
    pub(super) fn new(config: &RegistryConfig) -> Result<Self, RegistryError> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // The URL is the registry's own; a redirect elsewhere would carry the
            // credentials to another host.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &config.ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|err| {
                RegistryError::setup(format!("cannot read the CA certificate PEM: {}", describe(&err)))
            })?;
            if certs.is_empty() {
                return Err(RegistryError::setup("the CA PEM holds no certificate".into()));
            }
            builder = certs
                .into_iter()
                .fold(builder.tls_built_in_root_certs(false), |b, cert| {
                    b.add_root_certificate(cert)
                });
        }
        let http = builder
            .build()
            .map_err(|err| RegistryError::setup(format!("cannot build the HTTP client: {}", describe(&err))))?;
        let authorization = config
            .auth
            .as_ref()
            .map(|auth| {
                let mut value = HeaderValue::from_str(&auth.header()).map_err(|_| {
                    RegistryError::setup("the credentials hold characters a header cannot carry".into())
                })?;
                value.set_sensitive(true);
                Ok(value)
            })
            .transpose()?;
        Ok(Self {
            base: config.url.trim_end_matches('/').to_owned(),
            authorization,
            retry: config.retry,
            http,
        })
    }

    /// The base URL.
    pub(super) fn url(&self) -> &str {
        &self.base
    }

    /// One API call, retried by the policy; the body of a 2xx answer, or the typed error.
    /// `path` starts with `/` and carries its query string.
    pub(super) async fn call(&self, method: Method, path: &str, body: Option<String>) -> Result<String, RegistryError> {
        let url = format!("{}{path}", self.base);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let kind = match self.attempt(method.clone(), &url, body.clone()).await {
                Ok((200..=299, text)) => return Ok(text),
                Ok((status, text)) => RegistryErrorKind::from_response(status, &text, attempts),
                Err(err) => RegistryErrorKind::Unreachable {
                    attempts,
                    cause: plaintext_hint(&self.base, describe(&err.without_url())),
                },
            };
            if !kind.is_retriable() || attempts > self.retry.max_retries {
                return Err(RegistryError::new(format!("{method} {path}"), kind));
            }
            tokio::time::sleep(self.retry.backoff(attempts - 1)).await;
        }
    }

    /// A call whose 2xx body is JSON of type `T`.
    pub(super) async fn call_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, RegistryError> {
        let text = self.call(method.clone(), path, body).await?;
        serde_json::from_str(&text).map_err(|err| {
            RegistryError::new(
                format!("{method} {path}"),
                RegistryErrorKind::InvalidResponse {
                    what: format!("{err} in {}", text.chars().take(200).collect::<String>()),
                },
            )
        })
    }

    /// One HTTP exchange: the status and body, or the transport error.
    async fn attempt(&self, method: Method, url: &str, body: Option<String>) -> Result<(u16, String), reqwest::Error> {
        let mut request = self.http.request(method, url).header(ACCEPT, API_CONTENT_TYPE);
        if let Some(auth) = &self.authorization {
            request = request.header(AUTHORIZATION, auth.clone());
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, API_CONTENT_TYPE).body(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        // 4xx and 5xx answers carry the registry's error body: read it, do not drop it.
        let text = response.text().await?;
        Ok((status, text))
    }
}

/// `cause`, with a hint when an `http://` URL met a server that closed the connection
/// without answering: what a TLS-only endpoint does to a plaintext request.
fn plaintext_hint(base: &str, cause: String) -> String {
    if base.starts_with("http://") && cause.contains("connection closed before message completed") {
        format!("{cause} (an HTTPS-only endpoint? the URL says http://)")
    } else {
        cause
    }
}

/// An error and its causes, `outer: inner: root`: reqwest's own message ("error sending
/// request") says nothing of why (refused, timed out, certificate).
fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::config::Auth;
    use crate::registry_client::test_server::{answer, serve};
    use std::time::Duration;

    /// A transport to `url` with short waits, so retry tests take milliseconds.
    fn transport(url: &str, max_retries: u32) -> Transport {
        let retry = RetryPolicy::default()
            .with_max_retries(max_retries)
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(4));
        Transport::new(&RegistryConfig::new(url).with_retry(retry)).unwrap()
    }

    #[test]
    fn secrets_never_appear_in_debug() {
        let config = RegistryConfig::new("http://127.0.0.1:1").with_auth(Auth::Bearer("t0ken-value".into()));
        let shown = format!("{:?}", Transport::new(&config).unwrap());
        assert!(
            !shown.contains("t0ken-value") && shown.contains("authenticated: true"),
            "{shown}"
        );
    }

    #[tokio::test]
    async fn server_errors_are_retried_until_an_answer() {
        let server = serve(vec![
            answer(
                "503 Service Unavailable",
                r#"{"error_code":50003,"message":"forwarding"}"#,
            ),
            answer("500 Internal Server Error", "<html>oops</html>"),
            answer("200 OK", "[1,2]"),
        ]);
        let versions: Vec<u32> = transport(&server.url, 3)
            .call_json(Method::GET, "/subjects/t-value/versions", None)
            .await
            .unwrap();
        assert_eq!(versions, vec![1, 2]);
        assert_eq!(server.requests().len(), 3);
    }

    #[tokio::test]
    async fn server_errors_past_the_budget_report_the_attempts() {
        let server = serve(vec![answer(
            "500 Internal Server Error",
            r#"{"error_code":50001,"message":"store"}"#,
        )]);
        let err = transport(&server.url, 2)
            .call(Method::GET, "/subjects", None)
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 3);
        assert_eq!(
            err.to_string(),
            "schema registry GET /subjects: HTTP 500, server error (50001) after 3 attempt(s): store"
        );
    }

    #[tokio::test]
    async fn client_errors_are_never_retried() {
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
            let err = transport(&server.url, 5)
                .call(Method::GET, "/schemas/ids/9", None)
                .await
                .unwrap_err();
            assert!(!err.is_retriable(), "{err}");
            assert_eq!(server.requests(), vec!["GET /schemas/ids/9 HTTP/1.1"], "{status}");
        }
    }

    #[tokio::test]
    async fn connection_errors_are_retried_then_reported() {
        // A port nobody listens on: bound, then closed.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let err = transport(&format!("http://{closed}"), 2)
            .call(Method::GET, "/subjects", None)
            .await
            .unwrap_err();
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

    #[tokio::test]
    async fn requests_carry_the_api_content_type_and_credentials() {
        let server = serve(vec![answer("200 OK", r#"{"id":7}"#)]);
        let config = RegistryConfig::new(&server.url).with_auth(Auth::Bearer("tok".into()));
        Transport::new(&config)
            .unwrap()
            .call(Method::POST, "/subjects/s/versions", Some("{}".into()))
            .await
            .unwrap();
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
        let err = Transport::new(&RegistryConfig::new("https://r").with_ca_pem("not a pem")).unwrap_err();
        assert!(matches!(err.kind(), RegistryErrorKind::Config { .. }), "{err}");
    }
}
