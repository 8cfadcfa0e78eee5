//! Where the registry is and how to talk to it: URL, credentials, TLS roots, timeout,
//! retry policy, cache sizes.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How long a latest-version answer is kept by default (Confluent's Java client and
/// rayokota's Rust client agree on 60 s).
pub const DEFAULT_LATEST_TTL: Duration = Duration::from_secs(60);

/// The entries each cache holds by default.
pub const DEFAULT_CACHE_CAPACITY: usize = 1000;

/// How to authenticate to the registry. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    pub(super) fn header(&self) -> String {
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
///
/// Built from [`RetryPolicy::default`] or [`RetryPolicy::none`] and the `with_*` methods:
///
/// ```
/// # use avrokit::registry_client::RetryPolicy;
/// use std::time::Duration;
/// let quick = RetryPolicy::default()
///     .with_max_retries(2)
///     .with_initial_backoff(Duration::from_millis(10))
///     .with_max_backoff(Duration::from_millis(100));
/// assert_eq!(quick.max_retries, 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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

    /// With `max_retries` retries after the first attempt (0: no retry).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// With `initial_backoff` as the wait before the first retry (before jitter).
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// With `max_backoff` as the longest wait (before jitter).
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
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

/// Where the registry is and how to talk to it: [`RegistryConfig::new`] and the `with_*`
/// methods.
///
/// ```
/// # use avrokit::registry_client::{Auth, RegistryConfig, RetryPolicy};
/// use std::time::Duration;
/// let config = RegistryConfig::new("https://registry.example.com")
///     .with_auth(Auth::Bearer("token".into()))
///     .with_timeout(Duration::from_secs(5))
///     .with_retry(RetryPolicy::none());
/// assert_eq!(config.retry.max_retries, 0);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    /// The most entries each cache holds (id → schema, schema → id, subject → latest).
    pub cache_capacity: usize,
    /// How long a latest-version answer is used before the registry is asked again.
    pub latest_ttl: Duration,
}

impl RegistryConfig {
    /// The registry at `url`, no credentials, a 30 s timeout, the default retries,
    /// caches of 1000 entries and latest versions kept for 60 s (as Confluent's clients).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            auth: None,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            ca_pem: None,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
            latest_ttl: DEFAULT_LATEST_TTL,
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

    /// Keeping latest-version answers for `ttl` (zero: ask every time).
    pub fn with_latest_ttl(mut self, ttl: Duration) -> Self {
        self.latest_ttl = ttl;
        self
    }

    /// Trusting the CA certificates in `pem` (instead of the public roots).
    pub fn with_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem = Some(pem.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
