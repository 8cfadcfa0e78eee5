//! The seven compatibility modes with the Schema Registry's semantics: which schema reads
//! which, against which earlier versions, and which failure is reported.

use super::{Accepts, Compatibility, Report, Verdict, Version, Warning, can_read};
use crate::ir::{Schema, SchemaSet};

/// Checks `new` against a subject's earlier versions (`previous`, oldest first) under
/// `mode`. See the [module documentation](super) for the semantics.
pub fn check(new: (&SchemaSet, &Schema), previous: &[Version<'_>], mode: Compatibility) -> Verdict {
    check_accepting(new, previous, mode, &|_, _| false)
}

/// [`check`], with the findings `accepts` lets pass moved to [`Verdict::accepted`] (and
/// [`Verdict::accepted_warnings`]): a version whose every incompatibility is accepted
/// does not fail, so a transitive walk goes on to the older versions.
pub fn check_accepting(
    new: (&SchemaSet, &Schema),
    previous: &[Version<'_>],
    mode: Compatibility,
    accepts: Accepts<'_>,
) -> Verdict {
    let mut verdict = Verdict::pass(mode);
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
        verdict.messages = messages;
        verdict.accept(accepts);
        if !verdict.messages.is_empty() {
            verdict.compatible = false;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::{LoadOptions, load_files};

    fn load(fields: &str) -> SchemaSet {
        let text = format!(r#"{{"type":"record","name":"R","fields":[{fields}]}}"#);
        load_files(vec![SourceFile::new("r.avsc", text)], &LoadOptions::default()).unwrap()
    }

    #[test]
    fn an_accepted_break_does_not_stop_a_transitive_walk() {
        let v1 = load(r#"{"name":"a","type":"string"}"#);
        let v2 = load(r#"{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}"#);
        let new = load(r#"{"name":"a","type":"int"},{"name":"b","type":"int","default":0}"#);
        let previous = [
            Version {
                number: 1,
                set: &v1,
                schema: &v1.roots[0],
            },
            Version {
                number: 2,
                set: &v2,
                schema: &v2.roots[0],
            },
        ];
        let new = (&new, &new.roots[0]);
        let plain = check(new, &previous, Compatibility::BackwardTransitive);
        assert_eq!(plain.failed_version, Some(2));
        assert_eq!(plain.messages[0].location, "/fields/1/type");

        let accepts = |rule: &str, pointer: &str| rule == "TYPE_MISMATCH" && pointer == "/fields/1/type";
        let verdict = check_accepting(new, &previous, Compatibility::BackwardTransitive, &accepts);
        assert!(!verdict.compatible);
        assert_eq!(verdict.failed_version, Some(1));
        assert_eq!(verdict.messages.len(), 1);
        assert_eq!(verdict.messages[0].location, "/fields/0/type");
        assert_eq!(verdict.accepted.len(), 1);
        assert_eq!(verdict.accepted[0].location, "/fields/1/type");

        let everything = |_: &str, _: &str| true;
        let verdict = check_accepting(new, &previous, Compatibility::BackwardTransitive, &everything);
        assert!(verdict.compatible && verdict.messages.is_empty() && verdict.failed_version.is_none());
        assert_eq!(verdict.accepted.len(), 2);
    }
}
