//! The seven compatibility modes with the Schema Registry's semantics: which schema reads
//! which, against which earlier versions, and which failure is reported.

use super::{Compatibility, Report, Verdict, Version, Warning, can_read};
use crate::ir::{Schema, SchemaSet};

/// Checks `new` against a subject's earlier versions (`previous`, oldest first) under
/// `mode`. See the [module documentation](super) for the semantics.
pub fn check(new: (&SchemaSet, &Schema), previous: &[Version<'_>], mode: Compatibility) -> Verdict {
    let mut verdict = Verdict {
        compatible: true,
        mode,
        messages: Vec::new(),
        warnings: Vec::new(),
        failed_version: None,
    };
    let (backward, forward, transitive) = match mode {
        Compatibility::None => return verdict,
        Compatibility::Backward => (true, false, false),
        Compatibility::BackwardTransitive => (true, false, true),
        Compatibility::Forward => (false, true, false),
        Compatibility::ForwardTransitive => (false, true, true),
        Compatibility::Full => (true, true, false),
        Compatibility::FullTransitive => (true, true, true),
    };
    // The registry walks the versions newest first and stops at the first that fails.
    let against = previous.iter().rev().take(if transitive { previous.len() } else { 1 });
    for old in against {
        let old_pair = (old.set, old.schema);
        let mut messages = Vec::new();
        // FULL lists the forward half (old reads new) first, as the registry does.
        if forward {
            let report = can_read(old_pair, new);
            absorb(&mut verdict.warnings, &mut messages, report, false);
        }
        if backward {
            let report = can_read(new, old_pair);
            absorb(&mut verdict.warnings, &mut messages, report, true);
        }
        if !messages.is_empty() {
            verdict.compatible = false;
            verdict.messages = messages;
            verdict.failed_version = Some(old.number);
            break;
        }
    }
    verdict
}

/// Moves a report's findings into the verdict, marking which side is the new schema and
/// keeping one warning per element of the new schema (FULL sees each change twice).
fn absorb(
    warnings: &mut Vec<Warning>,
    messages: &mut Vec<super::Incompatibility>,
    report: Report,
    reader_is_new: bool,
) {
    for mut incompatibility in report.incompatibilities {
        mark(&mut incompatibility, reader_is_new);
        messages.push(incompatibility);
    }
    for mut warning in report.warnings {
        warning.reader_is_new = reader_is_new;
        let new_position = warning.new_position().clone();
        // One element changes one way: FULL's second direction says the same in reverse.
        if !warnings.iter().any(|w| *w.new_position() == new_position) {
            warnings.push(warning);
        }
    }
}

fn mark(incompatibility: &mut super::Incompatibility, reader_is_new: bool) {
    incompatibility.reader_is_new = reader_is_new;
    for cause in &mut incompatibility.causes {
        mark(cause, reader_is_new);
    }
}
