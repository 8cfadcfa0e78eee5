//! The client's caches: (subject, schema) → id and id → schema.
//!
//! Both answers are immutable in the registry (an id never changes meaning; a schema
//! registered under a subject keeps its id), so entries never expire; each map is bounded
//! and, when full, forgets its oldest entry. The caches live behind the client's `Arc`, so
//! every clone shares them.
//!
//! Concurrent callers that miss on the same key share one request (a per-key in-flight
//! guard): at start-up, a thousand threads serializing the same type make one
//! registration, not a thousand. Errors are handed to the callers that waited for that
//! request, and never stored: the next call asks again (the registry may be back).

use super::client::RegistryClient;
use super::error::{RegistryError, RegistryErrorKind};
use crate::Schema;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// The entries each map holds by default.
pub const DEFAULT_CACHE_CAPACITY: usize = 1000;

/// The caches one client and its clones share.
pub(super) struct Caches {
    /// (subject, schema text, normalize) → id.
    ids: SingleFlight<(String, String, bool), u32>,
    /// id → parsed schema.
    schemas: SingleFlight<u32, Arc<Schema>>,
}

impl Caches {
    /// Caches of at most `capacity` entries each (at least 1).
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            ids: SingleFlight::new(capacity),
            schemas: SingleFlight::new(capacity),
        }
    }
}

impl RegistryClient {
    /// [`register`](Self::register), cached: the id of `schema` under `subject`,
    /// registering it on the first call only.
    pub fn cached_register(&self, subject: &str, schema: &str, normalize: bool) -> Result<u32, RegistryError> {
        let key = (subject.to_owned(), schema.to_owned(), normalize);
        self.inner
            .caches
            .ids
            .get_or_fetch(key, || self.register(subject, schema, normalize))
    }

    /// [`lookup`](Self::lookup), cached: the id of `schema` under `subject`, which must
    /// already be registered (for producers whose schemas CI registers).
    pub fn cached_lookup(&self, subject: &str, schema: &str, normalize: bool) -> Result<u32, RegistryError> {
        let key = (subject.to_owned(), schema.to_owned(), normalize);
        self.inner
            .caches
            .ids
            .get_or_fetch(key, || self.lookup(subject, schema, normalize).map(|found| found.id))
    }

    /// [`schema_by_id`](Self::schema_by_id), cached and parsed: the writer schema a
    /// frame's id names.
    pub fn cached_schema(&self, id: u32) -> Result<Arc<Schema>, RegistryError> {
        self.inner.caches.schemas.get_or_fetch(id, || {
            let text = self.schema_by_id(id)?;
            let schema = Schema::parse(&text).map_err(|err| {
                RegistryError::new(
                    format!("GET /schemas/ids/{id}"),
                    RegistryErrorKind::InvalidResponse {
                        what: format!("schema {id} is not a schema avrokit can read: {err}"),
                    },
                )
            })?;
            Ok(Arc::new(schema))
        })
    }
}

/// A bounded map whose misses are fetched once per key, however many callers miss.
struct SingleFlight<K, V> {
    state: Mutex<State<K, V>>,
    capacity: usize,
}

struct State<K, V> {
    done: HashMap<K, V>,
    /// Keys of `done`, oldest first, for eviction.
    order: VecDeque<K>,
    in_flight: HashMap<K, Arc<Flight<V>>>,
}

/// One fetch under way; waiters sleep on `ready` until `result` is set.
struct Flight<V> {
    result: Mutex<Option<Result<V, RegistryError>>>,
    ready: Condvar,
}

/// Locks, ignoring poisoning: every critical section leaves the maps consistent (a panic
/// can only come from the fetch, which runs unlocked).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<K: Hash + Eq + Clone, V: Clone> SingleFlight<K, V> {
    fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State {
                done: HashMap::new(),
                order: VecDeque::new(),
                in_flight: HashMap::new(),
            }),
            capacity: capacity.max(1),
        }
    }

    /// The cached value of `key`, or `fetch`'s answer: fetched by the first caller that
    /// misses, awaited by the others; stored only when it is a value.
    fn get_or_fetch(&self, key: K, fetch: impl FnOnce() -> Result<V, RegistryError>) -> Result<V, RegistryError> {
        let flight = {
            let mut state = lock(&self.state);
            if let Some(value) = state.done.get(&key) {
                return Ok(value.clone());
            }
            if let Some(flight) = state.in_flight.get(&key) {
                let flight = Arc::clone(flight);
                drop(state);
                return wait(&flight);
            }
            let flight = Arc::new(Flight {
                result: Mutex::new(None),
                ready: Condvar::new(),
            });
            state.in_flight.insert(key.clone(), Arc::clone(&flight));
            flight
        };
        // Should `fetch` panic, the guard still wakes the waiters (with an error) and
        // clears the in-flight entry, so nobody waits forever.
        let mut guard = Landing {
            map: self,
            key: Some(key),
            flight,
        };
        let result = fetch();
        guard.land(result.clone());
        result
    }
}

/// Waits for a flight another caller is making.
fn wait<V: Clone>(flight: &Flight<V>) -> Result<V, RegistryError> {
    let mut result = lock(&flight.result);
    loop {
        if let Some(result) = result.as_ref() {
            return result.clone();
        }
        result = flight.ready.wait(result).unwrap_or_else(PoisonError::into_inner);
    }
}

/// Completes a flight exactly once: stores a value, releases the key, wakes waiters.
struct Landing<'a, K: Hash + Eq + Clone, V: Clone> {
    map: &'a SingleFlight<K, V>,
    key: Option<K>,
    flight: Arc<Flight<V>>,
}

impl<K: Hash + Eq + Clone, V: Clone> Landing<'_, K, V> {
    fn land(&mut self, result: Result<V, RegistryError>) {
        let Some(key) = self.key.take() else { return };
        {
            let mut state = lock(&self.map.state);
            state.in_flight.remove(&key);
            if let Ok(value) = &result {
                if state.done.len() >= self.map.capacity
                    && let Some(oldest) = state.order.pop_front()
                {
                    state.done.remove(&oldest);
                }
                state.order.push_back(key.clone());
                state.done.insert(key, value.clone());
            }
        }
        *lock(&self.flight.result) = Some(result);
        self.flight.ready.notify_all();
    }
}

impl<K: Hash + Eq + Clone, V: Clone> Drop for Landing<'_, K, V> {
    fn drop(&mut self) {
        if self.key.is_some() {
            self.land(Err(RegistryError::new(
                "(cache)",
                RegistryErrorKind::InvalidResponse {
                    what: "the request for this entry was abandoned (the fetching thread panicked)".into(),
                },
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::test_server::{Canned, answer, serve};
    use crate::registry_client::{RegistryConfig, RetryPolicy};
    use std::time::Duration;

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

    #[test]
    fn concurrent_misses_make_one_request_and_clones_share_the_answer() {
        let server = serve(vec![slow("200 OK", SCHEMA)]);
        let client = client(&server.url, 10);
        let schemas: Vec<Arc<Schema>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let client = client.clone();
                    scope.spawn(move || client.cached_schema(5).unwrap())
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(server.requests(), vec!["GET /schemas/ids/5 HTTP/1.1"]);
        assert!(schemas.iter().all(|s| Arc::ptr_eq(s, &schemas[0])));
        // A clone hits the same cache.
        client.clone().cached_schema(5).unwrap();
        assert_eq!(server.requests().len(), 1);
    }

    #[test]
    fn registrations_are_cached_per_subject_and_schema() {
        let server = serve(vec![slow("200 OK", r#"{"id":3}"#)]);
        let client = client(&server.url, 10);
        std::thread::scope(|scope| {
            for _ in 0..6 {
                scope.spawn(|| assert_eq!(client.cached_register("t-value", "{}", false).unwrap(), 3));
            }
        });
        assert_eq!(server.requests().len(), 1);
        client.cached_register("u-value", "{}", false).unwrap();
        assert_eq!(server.requests().len(), 2, "another subject is another key");
    }

    #[test]
    fn errors_reach_the_waiters_but_are_not_cached() {
        let server = serve(vec![
            slow("500 Internal Server Error", r#"{"error_code":50001,"message":"store"}"#),
            answer("200 OK", SCHEMA),
        ]);
        let client = client(&server.url, 10);
        let results: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| client.cached_schema(1))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(server.requests().len(), 1);
        assert!(
            results
                .iter()
                .all(|r| r.as_ref().is_err_and(RegistryError::is_retriable)),
            "{results:?}"
        );
        // The registry is back: the next call asks again.
        client.cached_schema(1).unwrap();
        assert_eq!(server.requests().len(), 2);
    }

    #[test]
    fn a_full_cache_forgets_its_oldest_entry() {
        let server = serve(vec![answer("200 OK", SCHEMA)]);
        let client = client(&server.url, 2);
        for id in [1, 2, 3] {
            client.cached_schema(id).unwrap();
        }
        client.cached_schema(3).unwrap();
        client.cached_schema(2).unwrap();
        assert_eq!(server.requests().len(), 3);
        client.cached_schema(1).unwrap();
        assert_eq!(server.requests().len(), 4, "id 1 was evicted");
    }

    #[test]
    fn a_schema_avrokit_cannot_read_is_a_typed_error() {
        let server = serve(vec![answer("200 OK", r#"{"schema":"{\"type\":\"nonsense\"}"}"#)]);
        let err = client(&server.url, 2).cached_schema(4).unwrap_err();
        assert!(matches!(err.kind(), RegistryErrorKind::InvalidResponse { .. }), "{err}");
        assert!(
            err.to_string().contains("schema 4 is not a schema avrokit can read"),
            "{err}"
        );
    }

    #[test]
    fn a_panicking_fetch_releases_its_waiters() {
        let map: SingleFlight<u32, u32> = SingleFlight::new(4);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = map.get_or_fetch(1, || panic!("boom"));
        }));
        assert!(outcome.is_err());
        assert_eq!(map.get_or_fetch(1, || Ok(9)), Ok(9), "the key is free again");
    }
}
