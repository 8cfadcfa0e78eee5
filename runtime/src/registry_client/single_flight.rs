//! A bounded map whose misses are fetched once per key, however many callers miss at the
//! same time, for async callers.
//!
//! The first caller that misses makes the request; the others await its answer on a
//! `watch` channel instead of asking the registry themselves. Values are stored, errors
//! are only handed to the callers that waited (the next call asks again). If the fetching
//! future is dropped (its caller was cancelled, or it panicked) the waiters are woken and
//! one of them fetches in its place, so nobody waits for an answer that will never come.
//!
//! Entries may expire (latest versions): an expired entry is fetched again, and if that
//! fails with a retriable error (the registry is down) the expired value is served for
//! another period rather than failing callers that were working a moment ago.

use super::error::RegistryError;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// What a fetch hands to the callers waiting for it: nothing yet, then its result.
type Slot<V> = Option<Result<V, RegistryError>>;

/// A bounded, single-flight map from `K` to `V`.
pub(super) struct SingleFlight<K, V> {
    state: Mutex<State<K, V>>,
    capacity: usize,
    /// How long a value is used; `None`: forever (immutable answers).
    ttl: Option<Duration>,
}

struct State<K, V> {
    done: HashMap<K, Entry<V>>,
    /// Keys of `done`, oldest first, for eviction.
    order: VecDeque<K>,
    in_flight: HashMap<K, watch::Receiver<Slot<V>>>,
}

struct Entry<V> {
    value: V,
    /// When the value stops being used; `None`: never.
    expires: Option<Instant>,
}

/// What a caller does after looking at the map.
enum Step<V> {
    /// The value is there.
    Hit(V),
    /// Another caller is fetching it.
    Wait(watch::Receiver<Slot<V>>),
    /// This caller fetches it, with the expired value (if any) to fall back on.
    Fetch(watch::Sender<Slot<V>>, Option<V>),
}

/// Locks, ignoring poisoning: every critical section leaves the maps consistent (a panic
/// can only come from the fetch, which runs unlocked).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<K: Hash + Eq + Clone, V: Clone> SingleFlight<K, V> {
    /// A map of at most `capacity` entries (at least 1), each used for `ttl` (`None`:
    /// forever).
    pub(super) fn new(capacity: usize, ttl: Option<Duration>) -> Self {
        Self {
            state: Mutex::new(State {
                done: HashMap::new(),
                order: VecDeque::new(),
                in_flight: HashMap::new(),
            }),
            capacity: capacity.max(1),
            ttl,
        }
    }

    /// The value of `key` when it is stored and current, without fetching: the
    /// synchronous hot path.
    pub(super) fn get(&self, key: &K) -> Option<V> {
        let state = lock(&self.state);
        let entry = state.done.get(key)?;
        entry.is_current(Instant::now()).then(|| entry.value.clone())
    }

    /// The value of `key`, or `fetch`'s answer: fetched by the first caller that misses,
    /// awaited by the others; stored only when it is a value.
    pub(super) async fn get_or_fetch<F, Fut>(&self, key: K, fetch: F) -> Result<V, RegistryError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, RegistryError>>,
    {
        let (sender, stale) = loop {
            match self.step(&key) {
                Step::Hit(value) => return Ok(value),
                Step::Fetch(sender, stale) => break (sender, stale),
                Step::Wait(mut receiver) => {
                    // An error here means the fetcher went away without an answer:
                    // look again (and fetch in its place).
                    if let Ok(slot) = receiver.wait_for(Option::is_some).await
                        && let Some(result) = slot.clone()
                    {
                        return result;
                    }
                }
            }
        };
        let mut landing = Landing {
            map: self,
            key: Some(key),
            sender,
        };
        let result = match (fetch().await, stale) {
            (Err(err), Some(stale)) if err.is_retriable() => Ok(stale),
            (result, _) => result,
        };
        landing.land(&result);
        result
    }

    /// Looks `key` up and, on a miss nobody is fetching, registers this caller as the
    /// fetcher.
    fn step(&self, key: &K) -> Step<V> {
        let mut state = lock(&self.state);
        let stale = match state.done.get(key) {
            Some(entry) if entry.is_current(Instant::now()) => return Step::Hit(entry.value.clone()),
            Some(entry) => Some(entry.value.clone()),
            None => None,
        };
        if let Some(receiver) = state.in_flight.get(key) {
            return Step::Wait(receiver.clone());
        }
        let (sender, receiver) = watch::channel(None);
        state.in_flight.insert(key.clone(), receiver);
        Step::Fetch(sender, stale)
    }

    /// Stores `value` under `key`, making room by forgetting the oldest entry.
    fn store(&self, state: &mut State<K, V>, key: K, value: V) {
        let entry = Entry {
            value,
            expires: self.ttl.map(|ttl| Instant::now() + ttl),
        };
        if let Some(current) = state.done.get_mut(&key) {
            *current = entry;
            return;
        }
        if state.done.len() >= self.capacity
            && let Some(oldest) = state.order.pop_front()
        {
            state.done.remove(&oldest);
        }
        state.order.push_back(key.clone());
        state.done.insert(key, entry);
    }
}

impl<V> Entry<V> {
    fn is_current(&self, now: Instant) -> bool {
        self.expires.is_none_or(|expires| now < expires)
    }
}

/// Completes a flight once: stores a value, releases the key, wakes the waiters. Dropped
/// without landing (the fetch was cancelled or panicked), it only releases the key; the
/// sender's drop wakes the waiters, who look again.
struct Landing<'a, K: Hash + Eq + Clone, V: Clone> {
    map: &'a SingleFlight<K, V>,
    key: Option<K>,
    sender: watch::Sender<Slot<V>>,
}

impl<K: Hash + Eq + Clone, V: Clone> Landing<'_, K, V> {
    fn land(&mut self, result: &Result<V, RegistryError>) {
        let Some(key) = self.key.take() else { return };
        {
            let mut state = lock(&self.map.state);
            state.in_flight.remove(&key);
            if let Ok(value) = result {
                self.map.store(&mut state, key, value.clone());
            }
        }
        self.sender.send_replace(Some(result.clone()));
    }
}

impl<K: Hash + Eq + Clone, V: Clone> Drop for Landing<'_, K, V> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            lock(&self.map.state).in_flight.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::error::RegistryErrorKind;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn down() -> RegistryError {
        RegistryError::new(
            "GET /x",
            RegistryErrorKind::Unreachable {
                attempts: 1,
                cause: "refused".into(),
            },
        )
    }

    /// `count` concurrent callers of `key`, each fetching `answer` slowly; their results
    /// and the number of fetches made.
    async fn race(
        map: &Arc<SingleFlight<u32, u32>>,
        count: usize,
        answer: Result<u32, RegistryError>,
    ) -> (Vec<Result<u32, RegistryError>>, usize) {
        let fetches = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..count {
            let (map, fetches, answer) = (Arc::clone(map), Arc::clone(&fetches), answer.clone());
            tasks.spawn(async move {
                map.get_or_fetch(1, || async {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    answer
                })
                .await
            });
        }
        let results = tasks.join_all().await;
        (results, fetches.load(Ordering::SeqCst))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_fetch_once_and_errors_are_shared_but_not_stored() {
        let map = Arc::new(SingleFlight::new(4, None));
        let (results, fetches) = race(&map, 16, Err(down())).await;
        assert_eq!(fetches, 1);
        assert!(
            results
                .iter()
                .all(|r| r.as_ref().is_err_and(RegistryError::is_retriable))
        );
        assert_eq!(map.get(&1), None, "an error is not an answer");
        let (results, fetches) = race(&map, 16, Ok(7)).await;
        assert_eq!(fetches, 1);
        assert!(results.iter().all(|r| r == &Ok(7)));
        assert_eq!(map.get(&1), Some(7));
    }

    #[tokio::test]
    async fn a_cancelled_fetch_hands_over_to_a_waiter() {
        let map = Arc::new(SingleFlight::<u32, u32>::new(4, None));
        let leader = {
            let map = Arc::clone(&map);
            tokio::spawn(async move { map.get_or_fetch(1, std::future::pending).await })
        };
        tokio::task::yield_now().await;
        let follower = {
            let map = Arc::clone(&map);
            tokio::spawn(async move { map.get_or_fetch(1, || async { Ok(5) }).await })
        };
        tokio::task::yield_now().await;
        leader.abort();
        let answer = tokio::time::timeout(Duration::from_secs(5), follower).await;
        assert_eq!(answer.expect("the waiter is woken").expect("no panic"), Ok(5));
    }

    #[tokio::test]
    async fn a_full_map_forgets_its_oldest_entry() {
        let map = SingleFlight::new(2, None);
        for key in [1, 2, 3] {
            map.get_or_fetch(key, || async move { Ok(key * 10) }).await.unwrap();
        }
        assert_eq!((map.get(&1), map.get(&2), map.get(&3)), (None, Some(20), Some(30)));
    }

    #[tokio::test]
    async fn expired_entries_are_fetched_again_and_outlive_an_outage() {
        let map = SingleFlight::new(4, Some(Duration::from_millis(50)));
        assert_eq!(map.get_or_fetch(1, || async { Ok(1) }).await, Ok(1));
        assert_eq!(map.get_or_fetch(1, || async { Ok(2) }).await, Ok(1), "still current");
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(map.get(&1), None, "expired");
        assert_eq!(map.get_or_fetch(1, || async { Ok(2) }).await, Ok(2), "fetched again");
        tokio::time::sleep(Duration::from_millis(60)).await;
        // The registry is down: the expired value keeps serving, for another period.
        assert_eq!(map.get_or_fetch(1, || async { Err(down()) }).await, Ok(2));
        assert_eq!(map.get(&1), Some(2));
        // An answer about the request itself is not an outage: it is reported.
        tokio::time::sleep(Duration::from_millis(60)).await;
        let refused = RegistryError::new("GET /x", RegistryErrorKind::SubjectNotFound { message: "gone".into() });
        assert_eq!(
            map.get_or_fetch(1, || async { Err(refused.clone()) }).await,
            Err(refused)
        );
    }

    #[test]
    fn a_panicking_fetch_releases_its_key() {
        let map: SingleFlight<u32, u32> = SingleFlight::new(4, None);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(map.get_or_fetch(1, || async { panic!("boom") }))
        }));
        assert!(outcome.is_err());
        assert_eq!(
            runtime.block_on(map.get_or_fetch(1, || async { Ok(9) })),
            Ok(9),
            "the key is free again"
        );
    }
}
