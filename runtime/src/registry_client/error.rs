//! Registry answers that are not successes, as typed errors that keep the registry's
//! own message.
//!
//! The HTTP status decides first and the registry's `error_code` second: servers
//! disagree on codes (an incompatible schema is `error_code` 409 on Apicurio and older
//! Confluent servers, 40901 on current Confluent) but agree on statuses.

use thiserror::Error;

/// A failed registry call: which request, and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("schema registry {request}: {kind}")]
#[non_exhaustive]
pub struct RegistryError {
    /// The request, as `METHOD /path` (credentials are never part of it).
    pub request: String,
    /// What went wrong.
    pub kind: RegistryErrorKind,
}

impl RegistryError {
    /// An error of `request`.
    pub fn new(request: impl Into<String>, kind: RegistryErrorKind) -> Self {
        Self {
            request: request.into(),
            kind,
        }
    }

    /// The error of setting a client up (an unusable CA certificate, credentials a header
    /// cannot carry, a runtime that cannot start).
    pub(super) fn setup(what: String) -> Self {
        Self::new("(client setup)", RegistryErrorKind::Config { what })
    }

    /// The request, as `METHOD /path`.
    pub fn request(&self) -> &str {
        &self.request
    }

    /// What went wrong.
    pub fn kind(&self) -> &RegistryErrorKind {
        &self.kind
    }

    /// Whether trying again later may succeed (the registry was unreachable or failed on
    /// its side); answers about the request itself (4xx) never change on a retry.
    pub fn is_retriable(&self) -> bool {
        self.kind.is_retriable()
    }
}

/// Why a registry call failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RegistryErrorKind {
    /// No HTTP answer (connection refused, DNS, TLS, timeout), after every attempt.
    #[error("cannot reach the registry after {attempts} attempt(s): {cause}")]
    Unreachable {
        /// Attempts made.
        attempts: u32,
        /// The last transport error.
        cause: String,
    },
    /// 404 / 40401: the subject does not exist.
    #[error("subject not found (40401): {message}")]
    SubjectNotFound {
        /// The registry's message.
        message: String,
    },
    /// 404 / 40402: the subject has no such version.
    #[error("version not found (40402): {message}")]
    VersionNotFound {
        /// The registry's message.
        message: String,
    },
    /// 404 / 40403: no schema with that id, or the schema is not registered under the
    /// subject (lookup).
    #[error("schema not found (40403): {message}")]
    SchemaNotFound {
        /// The registry's message.
        message: String,
    },
    /// Another 404 (an unknown path: is the URL the Confluent API's?).
    #[error("not found ({error_code}): {message}")]
    NotFound {
        /// The registry's code (0 when the body had none).
        error_code: i64,
        /// The registry's message.
        message: String,
    },
    /// HTTP 409: the schema is incompatible with the subject's earlier versions (error
    /// code 409 on Apicurio and older Confluent servers, 40901 on current ones).
    #[error("incompatible schema ({error_code}): {message}")]
    Incompatible {
        /// The registry's code.
        error_code: i64,
        /// The registry's message, with its compatibility details.
        message: String,
    },
    /// 422 / 42201: the registry cannot parse the schema.
    #[error("invalid schema (42201): {message}")]
    InvalidSchema {
        /// The registry's message.
        message: String,
    },
    /// 422 / 42202: not a valid version (a number from 1, or `latest`).
    #[error("invalid version (42202): {message}")]
    InvalidVersion {
        /// The registry's message.
        message: String,
    },
    /// 422 / 42203: not a compatibility level the registry knows (Apicurio also uses
    /// this code for rule violations).
    #[error("invalid compatibility level (42203): {message}")]
    InvalidCompatibilityLevel {
        /// The registry's message.
        message: String,
    },
    /// Another 422 (42204 invalid mode, 42205 operation not permitted, ...).
    #[error("unprocessable request ({error_code}): {message}")]
    Unprocessable {
        /// The registry's code.
        error_code: i64,
        /// The registry's message.
        message: String,
    },
    /// HTTP 401 or 403: missing or refused credentials.
    #[error("HTTP {status}, not authorized: {message} (configure basic or bearer authentication)")]
    Unauthorized {
        /// 401 or 403.
        status: u16,
        /// The registry's message.
        message: String,
    },
    /// HTTP 5xx (50001 store error, 50002 timeout, 50003 forwarding, ...), after every
    /// attempt.
    #[error("HTTP {status}, server error ({error_code}) after {attempts} attempt(s): {message}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The registry's code (0 when the body had none).
        error_code: i64,
        /// The registry's message.
        message: String,
        /// Attempts made.
        attempts: u32,
    },
    /// Any other non-success status.
    #[error("HTTP {status} ({error_code}): {message}")]
    Http {
        /// The HTTP status.
        status: u16,
        /// The registry's code (0 when the body had none).
        error_code: i64,
        /// The registry's message.
        message: String,
    },
    /// A success whose body is not what the Confluent API answers.
    #[error("unexpected answer: {what}")]
    InvalidResponse {
        /// What was wrong with it.
        what: String,
    },
    /// The client could not be configured (an unreadable CA certificate, ...).
    #[error("invalid client configuration: {what}")]
    Config {
        /// What is wrong.
        what: String,
    },
}

impl RegistryErrorKind {
    /// Whether trying again may succeed: only transport failures and 5xx.
    pub fn is_retriable(&self) -> bool {
        matches!(self, Self::Unreachable { .. } | Self::Server { .. })
    }

    /// The error of an HTTP answer with a non-success `status` and `body`; `attempts` is
    /// recorded on server errors, the only ones that are retried.
    pub fn from_response(status: u16, body: &str, attempts: u32) -> Self {
        let (error_code, message) = parse_error_body(body);
        match (status, error_code) {
            (409, _) => Self::Incompatible { error_code, message },
            (404, 40401) => Self::SubjectNotFound { message },
            (404, 40402) => Self::VersionNotFound { message },
            (404, 40403) => Self::SchemaNotFound { message },
            (404, _) => Self::NotFound { error_code, message },
            (422, 42201) => Self::InvalidSchema { message },
            (422, 42202) => Self::InvalidVersion { message },
            (422, 42203) => Self::InvalidCompatibilityLevel { message },
            (422, _) => Self::Unprocessable { error_code, message },
            (401 | 403, _) => Self::Unauthorized { status, message },
            (500..=599, _) => Self::Server {
                status,
                error_code,
                message,
                attempts,
            },
            _ => Self::Http {
                status,
                error_code,
                message,
            },
        }
    }
}

/// How much of a body that is not the registry's JSON error an error keeps (a proxy's
/// HTML page can be long).
const MAX_RAW_BODY: usize = 300;

/// The `error_code` and `message` of a Confluent error body, leniently: a body that is
/// not that JSON (a proxy's page, an empty body) becomes code 0 and the body's start.
fn parse_error_body(body: &str) -> (i64, String) {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(body) {
        let code = map.get("error_code").and_then(serde_json::Value::as_i64);
        let message = map.get("message").and_then(serde_json::Value::as_str);
        if code.is_some() || message.is_some() {
            return (code.unwrap_or(0), message.unwrap_or("").to_owned());
        }
    }
    let body = body.trim();
    if body.is_empty() {
        return (0, "(empty body)".to_owned());
    }
    let mut cut = body.len().min(MAX_RAW_BODY);
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    let ellipsis = if cut < body.len() { "..." } else { "" };
    (0, format!("{}{ellipsis}", &body[..cut]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegistryErrorKind as K;

    fn kind(status: u16, body: &str) -> RegistryErrorKind {
        RegistryErrorKind::from_response(status, body, 1)
    }

    #[test]
    fn status_decides_and_the_message_is_kept() {
        let body = |code: i64, msg: &str| format!(r#"{{"error_code":{code},"message":"{msg}"}}"#);
        assert_eq!(
            kind(404, &body(40401, "Subject 's' not found.")),
            K::SubjectNotFound {
                message: "Subject 's' not found.".into()
            }
        );
        assert!(matches!(
            kind(404, &body(40402, "Version 9 not found.")),
            K::VersionNotFound { .. }
        ));
        assert!(matches!(
            kind(404, &body(40403, "Schema 7 not found")),
            K::SchemaNotFound { .. }
        ));
        assert!(matches!(
            kind(404, &body(404, "HTTP 404 Not Found")),
            K::NotFound { error_code: 404, .. }
        ));
        // Current Confluent (40901), Apicurio and older Confluent (409): the status decides.
        for code in [40901, 409] {
            assert_eq!(
                kind(409, &body(code, "Schema being registered is incompatible")),
                K::Incompatible {
                    error_code: code,
                    message: "Schema being registered is incompatible".into()
                }
            );
        }
        assert!(matches!(
            kind(422, &body(42201, "Invalid schema")),
            K::InvalidSchema { .. }
        ));
        assert!(matches!(
            kind(422, &body(42202, "bad version")),
            K::InvalidVersion { .. }
        ));
        assert!(matches!(
            kind(422, &body(42203, "bad level")),
            K::InvalidCompatibilityLevel { .. }
        ));
        assert!(matches!(
            kind(422, &body(42205, "read-only")),
            K::Unprocessable { error_code: 42205, .. }
        ));
        assert!(matches!(
            kind(401, &body(401, "no")),
            K::Unauthorized { status: 401, .. }
        ));
        assert!(matches!(kind(403, "forbidden"), K::Unauthorized { status: 403, .. }));
        assert!(matches!(
            kind(500, &body(50001, "store down")),
            K::Server {
                status: 500,
                error_code: 50001,
                ..
            }
        ));
        assert!(matches!(kind(400, &body(400, "bad")), K::Http { status: 400, .. }));
    }

    #[test]
    fn only_transport_and_server_errors_are_retriable() {
        assert!(kind(503, "").is_retriable());
        assert!(
            K::Unreachable {
                attempts: 1,
                cause: "refused".into()
            }
            .is_retriable()
        );
        for status in [400, 401, 404, 408, 409, 422, 429] {
            assert!(!kind(status, "{}").is_retriable(), "{status}");
        }
    }

    #[test]
    fn bodies_that_are_not_registry_json_are_kept_short() {
        assert_eq!(
            kind(502, "<html>Bad Gateway</html>").to_string(),
            "HTTP 502, server error (0) after 1 attempt(s): <html>Bad Gateway</html>"
        );
        assert!(kind(500, "").to_string().ends_with("(empty body)"));
        let long = "é".repeat(400);
        let K::Http { message, .. } = kind(418, &long) else {
            panic!("not Http")
        };
        assert!(
            message.ends_with("...") && message.len() <= MAX_RAW_BODY + 3,
            "{}",
            message.len()
        );
    }

    #[test]
    fn errors_name_the_request() {
        let err = RegistryError::new(
            "GET /schemas/ids/9",
            kind(404, r#"{"error_code":40403,"message":"Schema 9 not found"}"#),
        );
        assert_eq!(
            err.to_string(),
            "schema registry GET /schemas/ids/9: schema not found (40403): Schema 9 not found"
        );
    }
}
