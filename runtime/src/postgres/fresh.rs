//! Writing a batch as new rows first: most sinks of event streams only ever see new
//! keys, and a binary `COPY` straight into the table costs PostgreSQL well under half of
//! the same rows through `INSERT … ON CONFLICT DO UPDATE` (COPY inserts tuples in bulk;
//! the upsert inserts each speculatively). When a key was already there (a unique
//! violation) the batch's transaction is rolled back and the sink writes the same batch
//! again as upserts, and stops trying new rows for a while, so a stream of updates pays
//! for a failed attempt only now and then.

/// SQLSTATE `unique_violation`.
pub(super) const UNIQUE_VIOLATION: &str = "23505";

/// The most batches upserted straight away after plain inserts kept meeting old keys.
const MAX_SKIP: u32 = 64;

/// Whether the next batch tries a plain insert first: always while they succeed; after a
/// batch met an old key, not for the next 1, 2, 4, … up to [`MAX_SKIP`] batches.
#[derive(Debug, Default)]
pub(super) struct FreshKeys {
    /// Batches still to upsert straight away.
    skip: u32,
    /// How many were skipped after the last conflict (0: the last attempt succeeded).
    backoff: u32,
}

impl FreshKeys {
    /// Whether this batch tries a plain insert first (counts the batch).
    pub(super) fn try_plain(&mut self) -> bool {
        match self.skip {
            0 => true,
            _ => {
                self.skip -= 1;
                false
            }
        }
    }

    /// The plain insert wrote every row.
    pub(super) fn inserted(&mut self) {
        self.backoff = 0;
    }

    /// The plain insert met a key already in the table.
    pub(super) fn conflicted(&mut self) {
        self.backoff = (self.backoff * 2).clamp(1, MAX_SKIP);
        self.skip = self.backoff;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The batches, of `outcomes` (true: its keys are new), that try a plain insert.
    fn attempts(outcomes: &[bool]) -> Vec<usize> {
        let mut fresh = FreshKeys::default();
        let mut tried = Vec::new();
        for (batch, &new_keys) in outcomes.iter().enumerate() {
            if fresh.try_plain() {
                tried.push(batch);
                match new_keys {
                    true => fresh.inserted(),
                    false => fresh.conflicted(),
                }
            }
        }
        tried
    }

    #[test]
    fn new_keys_always_try_plain_inserts() {
        assert_eq!(attempts(&[true; 5]), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn old_keys_back_off_doubling_up_to_the_cap() {
        // Conflicts at 0 (skip 1), 2 (skip 2), 5 (skip 4), 10 (skip 8), 19, 36, 69, 134 …
        let tried = attempts(&[false; 300]);
        assert_eq!(tried, [0, 2, 5, 10, 19, 36, 69, 134, 199, 264]);
    }

    #[test]
    fn a_success_resets_the_backoff() {
        // 0 conflicts (skip 1), 2 succeeds, 3 conflicts: skip 1 again, not 2, so 5 tries.
        assert_eq!(attempts(&[false, true, true, false, true, true]), [0, 2, 3, 5]);
    }
}
