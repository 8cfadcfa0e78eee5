//! Per-process memory of what was derived from schema files, valid only while those files
//! are unchanged: a long-lived proc-macro server (rust-analyzer) expands derives across
//! many edits of the `.avsc` files they read, so nothing may be remembered by path alone.

use std::collections::{BTreeMap, HashMap};
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// One version of a file as its metadata tells it, without reading it: length and
/// modification time. Only an edit that keeps the length within one tick of the file
/// system's clock goes unseen (nanoseconds on the usual ones, 2 s on FAT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    /// The stamp of the file `metadata` describes.
    pub(crate) fn of(metadata: &Metadata) -> Self {
        Self {
            len: metadata.len(),
            // Platforms without modification times leave the length alone to tell.
            modified: metadata.modified().ok(),
        }
    }
}

/// The files a value was built from, each with the stamp it had before it was read: the
/// keys are also the whole set, so a file added or removed makes the sources differ.
pub(crate) type Sources = BTreeMap<PathBuf, Stamp>;

/// Values by key (a directory), each kept with the [`Sources`] it was built from and
/// handed out only while the files are still those.
pub(crate) struct Cache<V> {
    entries: Mutex<HashMap<PathBuf, (Arc<Sources>, V)>>,
    loads: AtomicUsize,
}

impl<V> Default for Cache<V> {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
            loads: AtomicUsize::new(0),
        }
    }
}

impl<V: Clone> Cache<V> {
    /// The value for `key` if it was built from exactly `current` (what the files are
    /// now); otherwise `load(&current)`, kept for the next call when it succeeds. Returns
    /// the value with the sources it was built from.
    pub(crate) fn get_or_load<E>(
        &self,
        key: &Path,
        current: Sources,
        load: impl FnOnce(&Sources) -> Result<V, E>,
    ) -> Result<(V, Arc<Sources>), E> {
        // Held across the load: derives expanded on several threads over one directory
        // then read and parse it once, not once per thread.
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((sources, value)) = entries.get(key)
            && **sources == current
        {
            return Ok((value.clone(), sources.clone()));
        }
        self.loads.fetch_add(1, Ordering::Relaxed);
        // A failed load leaves no entry: the stale value must not outlive its files, and
        // the next call retries (the user is presumably fixing the file).
        entries.remove(key);
        let value = load(&current)?;
        let sources = Arc::new(current);
        entries.insert(key.to_path_buf(), (sources.clone(), value.clone()));
        Ok((value, sources))
    }

    /// How many times a value was (re)built rather than reused.
    #[cfg(test)]
    pub(crate) fn loads(&self) -> usize {
        self.loads.load(Ordering::Relaxed)
    }
}

/// The files each crate's expansions have already made Cargo track, each with the stamp
/// it had then (`None`: a file that was never stamped).
#[derive(Default)]
pub(crate) struct Tracked {
    seen: Mutex<HashMap<(String, PathBuf), Option<Stamp>>>,
}

impl Tracked {
    /// Those of `files` that `krate` has not tracked at the given stamp, recorded as
    /// tracked now.
    pub(crate) fn untracked(
        &self,
        krate: &str,
        files: impl IntoIterator<Item = (PathBuf, Option<Stamp>)>,
    ) -> Vec<PathBuf> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        files
            .into_iter()
            .filter_map(|(file, stamp)| {
                let previous = seen.insert((krate.to_owned(), file.clone()), stamp);
                (previous != Some(stamp)).then_some(file)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(len: u64, secs: u64) -> Stamp {
        Stamp {
            len,
            modified: Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs)),
        }
    }

    fn sources(files: &[(&str, Stamp)]) -> Sources {
        files.iter().map(|(p, s)| (PathBuf::from(p), *s)).collect()
    }

    #[test]
    fn reuses_a_value_only_while_its_sources_are_unchanged() {
        let cache = Cache::<u32>::default();
        let key = Path::new("/schemas");
        let one = sources(&[("/schemas/a.avsc", stamp(10, 1))]);
        let get = |current: Sources, value: u32| cache.get_or_load(key, current, |_| Ok::<_, ()>(value)).unwrap().0;
        assert_eq!(get(one.clone(), 1), 1);
        assert_eq!(get(one.clone(), 2), 1, "unchanged sources reuse the value");
        assert_eq!(cache.loads(), 1);
        assert_eq!(
            get(sources(&[("/schemas/a.avsc", stamp(11, 1))]), 3),
            3,
            "length changed"
        );
        assert_eq!(
            get(sources(&[("/schemas/a.avsc", stamp(11, 2))]), 4),
            4,
            "mtime changed"
        );
        let added = sources(&[("/schemas/a.avsc", stamp(11, 2)), ("/schemas/b.avsc", stamp(1, 1))]);
        assert_eq!(get(added, 5), 5, "file added");
        assert_eq!(get(sources(&[("/schemas/b.avsc", stamp(1, 1))]), 6), 6, "file removed");
        assert_eq!(cache.loads(), 5);
    }

    #[test]
    fn a_failed_load_drops_the_stale_value() {
        let cache = Cache::<u32>::default();
        let key = Path::new("/schemas");
        let old = sources(&[("/schemas/a.avsc", stamp(10, 1))]);
        cache.get_or_load(key, old.clone(), |_| Ok::<_, ()>(1)).unwrap();
        let new = sources(&[("/schemas/a.avsc", stamp(12, 1))]);
        assert!(cache.get_or_load(key, new.clone(), |_| Err(())).is_err());
        // Back to the old stamps (say, the edit undone): loaded again, not the dropped value.
        assert_eq!(cache.get_or_load(key, old, |_| Ok::<_, ()>(2)).unwrap().0, 2);
        assert_eq!(cache.loads(), 3);
    }

    #[test]
    fn tracks_a_file_once_per_crate_and_again_once_it_changed() {
        let tracked = Tracked::default();
        let file = PathBuf::from("/schemas/a.avsc");
        let at = |s: Stamp| vec![(file.clone(), Some(s))];
        assert_eq!(tracked.untracked("crate", at(stamp(10, 1))), vec![file.clone()]);
        assert!(tracked.untracked("crate", at(stamp(10, 1))).is_empty());
        assert_eq!(tracked.untracked("other", at(stamp(10, 1))), vec![file.clone()]);
        assert_eq!(tracked.untracked("crate", at(stamp(10, 2))), vec![file.clone()]);
        assert!(tracked.untracked("crate", at(stamp(10, 2))).is_empty());
    }
}
