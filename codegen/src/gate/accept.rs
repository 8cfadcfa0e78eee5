//! The gate's accept file: findings of `avrokit compat` accepted on purpose, each by
//! subject, rule and JSON pointer, with the reason. An accepted finding is reported as
//! accepted and does not fail; an entry that matches nothing any more is reported as
//! stale, so the file shrinks back as the history moves on.
//!
//! ```toml
//! [[accept]]
//! subject = "telescope.commands-value"
//! rule = "READER_FIELD_MISSING_DEFAULT_VALUE"
//! pointer = "/fields/7"
//! reason = "every reader of telescope.commands is deployed with v3 first"
//! ```
//!
//! `pointer` is the JSON pointer the report prints after `at`: into the new schema.

use super::format::Checked;
use crate::catalog::toml_error::{self, TomlDocument};
use crate::compat::{IncompatibilityKind, Warning};
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::source::{SourceFile, Span};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The accept file's name in the schema directory, read when it exists.
pub const DEFAULT_FILE_NAME: &str = "compat-accept.toml";

const DOCUMENT: TomlDocument = TomlDocument {
    what: "accept file",
    readme_section: "Accepting a break on purpose",
};

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Acceptance {
    /// The subject (`<topic>-value`, `<topic>-key`).
    pub subject: String,
    /// The rule: an incompatibility kind (`TYPE_MISMATCH`, ...) or `LOGICAL_TYPE_CHANGE`.
    pub rule: String,
    /// The JSON pointer into the new schema (`/fields/3/type`).
    pub pointer: String,
    /// Why the finding is accepted.
    pub reason: String,
    /// The entry's 1-based line in its file (0 for an entry not read from a file).
    pub line: usize,
}

impl Acceptance {
    /// Whether this entry accepts a finding of `rule` at `pointer` in `subject`.
    pub fn matches(&self, subject: &str, rule: &str, pointer: &str) -> bool {
        self.subject == subject && self.rule == rule && self.pointer == pointer
    }
}

/// The accepted findings, and the file they come from (or go to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptFile {
    path: PathBuf,
    entries: Vec<Acceptance>,
}

/// What [`AcceptFile::baseline`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BaselineChange {
    /// Entries kept with their reasons: they still match a finding.
    pub kept: usize,
    /// Entries added for findings nothing accepted yet.
    pub added: usize,
    /// Entries dropped because they match no finding.
    pub removed: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    accept: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    subject: Spanned<String>,
    rule: Spanned<String>,
    pointer: Spanned<String>,
    reason: Spanned<String>,
}

impl AcceptFile {
    /// No accepted findings, to be written to `path`.
    pub fn empty(path: impl Into<PathBuf>) -> AcceptFile {
        AcceptFile {
            path: path.into(),
            entries: Vec::new(),
        }
    }

    /// Reads and checks the file at `path`; every problem is located, with what to write.
    pub fn load(path: &Path) -> Result<AcceptFile, Diagnostics> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| Diagnostic::file(path, format!("cannot read the accept file: {err}")))?;
        AcceptFile::parse(&SourceFile::new(path, text))
    }

    /// Parses and checks `file`: every entry names a subject, a known rule, a JSON pointer
    /// and a reason, and no entry repeats another.
    pub fn parse(file: &SourceFile) -> Result<AcceptFile, Diagnostics> {
        let raw: RawFile =
            toml::from_str(file.text()).map_err(|err| toml_error::diagnostic_for(file, &err, &DOCUMENT))?;
        let mut diagnostics = Diagnostics::default();
        let mut entries: Vec<Acceptance> = Vec::new();
        let at = |spanned: std::ops::Range<usize>| Span::new(spanned.start, spanned.end);
        for entry in raw.accept {
            let span = entry.span();
            let line = file.line_column(span.start).line;
            let entry = entry.into_inner();
            for value in [&entry.subject, &entry.rule, &entry.pointer, &entry.reason] {
                if value.get_ref().trim().is_empty() {
                    diagnostics.push(
                        Diagnostic::at(file, at(value.span()), "empty value in an accept entry")
                            .with_hint("every entry needs its subject, rule, pointer and a reason"),
                    );
                }
            }
            let rule = entry.rule.get_ref();
            if !rule_names().any(|known| known == rule) {
                let hint = did_you_mean(rule, rule_names(), || {
                    format!("the rules are {}", rule_names().collect::<Vec<_>>().join(", "))
                });
                diagnostics.push(
                    Diagnostic::at(file, at(entry.rule.span()), format!("unknown rule `{rule}`")).with_hint(hint),
                );
            }
            if !entry.pointer.get_ref().starts_with('/') {
                diagnostics.push(
                    Diagnostic::at(file, at(entry.pointer.span()), "a JSON pointer starts with `/`")
                        .with_hint("copy the pointer the report prints after `at`, e.g. \"/fields/3/type\""),
                );
            }
            let acceptance = Acceptance {
                subject: entry.subject.into_inner(),
                rule: entry.rule.into_inner(),
                pointer: entry.pointer.into_inner(),
                reason: entry.reason.into_inner(),
                line,
            };
            if let Some(first) = entries
                .iter()
                .find(|e| e.matches(&acceptance.subject, &acceptance.rule, &acceptance.pointer))
            {
                diagnostics.push(
                    Diagnostic::at(file, at(span.clone()), "this entry repeats an earlier one")
                        .with_hint(format!("remove it: line {} accepts the same finding", first.line)),
                );
            }
            entries.push(acceptance);
        }
        diagnostics.into_result(AcceptFile {
            path: file.path().to_owned(),
            entries,
        })
    }

    /// Where the file is (or is to be written).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[Acceptance] {
        &self.entries
    }

    /// Whether a finding of `rule` at `pointer` in `subject` is accepted.
    pub fn accepts(&self, subject: &str, rule: &str, pointer: &str) -> bool {
        self.entries.iter().any(|e| e.matches(subject, rule, pointer))
    }

    /// The entries no accepted finding of `results` matched: stale.
    pub fn stale<'a>(&'a self, results: &[Checked]) -> Vec<&'a Acceptance> {
        self.entries
            .iter()
            .filter(|entry| !findings(results, true).any(|(s, r, p)| entry.matches(s, r, p)))
            .collect()
    }

    /// The file that accepts every finding of `results`: entries that still match keep
    /// their reasons, stale ones go, and each new finding gets `reason`. Without a
    /// `reason`, new findings are an error naming how many need one.
    pub fn baseline(&self, results: &[Checked], reason: Option<&str>) -> Result<(AcceptFile, BaselineChange), String> {
        let mut change = BaselineChange::default();
        let mut entries: Vec<Acceptance> = Vec::new();
        let mut missing_reason = 0;
        for (subject, rule, pointer) in findings(results, true).chain(findings(results, false)) {
            if entries.iter().any(|e| e.matches(subject, rule, pointer)) {
                continue;
            }
            let reason = match self.entries.iter().find(|e| e.matches(subject, rule, pointer)) {
                Some(kept) => {
                    change.kept += 1;
                    kept.reason.clone()
                }
                None => {
                    change.added += 1;
                    match reason {
                        Some(reason) => reason.to_owned(),
                        None => {
                            missing_reason += 1;
                            continue;
                        }
                    }
                }
            };
            entries.push(Acceptance {
                subject: subject.to_owned(),
                rule: rule.to_owned(),
                pointer: pointer.to_owned(),
                reason,
                line: 0,
            });
        }
        if missing_reason > 0 {
            return Err(format!(
                "{missing_reason} finding(s) are not accepted yet: say why with --reason TEXT (kept in the file \
                 beside each new entry)"
            ));
        }
        change.removed = self.entries.len() - change.kept;
        Ok((
            AcceptFile {
                path: self.path.clone(),
                entries,
            },
            change,
        ))
    }

    /// The file's text: a header and one `[[accept]]` table per entry.
    pub fn to_toml(&self) -> String {
        let mut text = String::from(
            "# Findings of `avrokit compat` accepted on purpose: an accepted finding is reported\n\
             # as accepted and does not fail the gate; an entry that matches nothing is stale.\n\
             # Written by `avrokit compat --write-baseline`; keep each reason true.\n",
        );
        // A JSON string is a TOML basic string: the same quotes and escapes (`\"`, `\\`,
        // `\n`, `\uXXXX`), and serde_json never writes JSON's one extra, `\/`.
        let quote = |s: &str| serde_json::Value::from(s).to_string();
        for entry in &self.entries {
            text.push_str(&format!(
                "\n[[accept]]\nsubject = {}\nrule = {}\npointer = {}\nreason = {}\n",
                quote(&entry.subject),
                quote(&entry.rule),
                quote(&entry.pointer),
                quote(&entry.reason)
            ));
        }
        text
    }
}

/// Every rule name an entry may give.
fn rule_names() -> impl Iterator<Item = &'static str> + Clone {
    IncompatibilityKind::ALL
        .iter()
        .map(|kind| kind.as_str())
        .chain([Warning::RULE])
}

/// The findings of `results` as (subject, rule, pointer): the accepted ones, or the
/// failing ones (messages, and warnings, which fail under `--strict`).
fn findings(results: &[Checked], accepted: bool) -> impl Iterator<Item = (&str, &str, &str)> {
    results.iter().flat_map(move |checked| {
        let verdict = &checked.verdict;
        let (messages, warnings) = if accepted {
            (&verdict.accepted, &verdict.accepted_warnings)
        } else {
            (&verdict.messages, &verdict.warnings)
        };
        let subject = checked.subject.as_str();
        messages
            .iter()
            .map(move |m| (subject, m.kind.as_str(), m.new_location()))
            .chain(warnings.iter().map(move |w| (subject, Warning::RULE, w.new_location())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat::{Compatibility, Incompatibility, Position, Verdict};

    fn parse(text: &str) -> Result<AcceptFile, String> {
        AcceptFile::parse(&SourceFile::new("accept.toml", text)).map_err(|d| d.to_string())
    }

    fn entry(subject: &str, rule: &str, pointer: &str, reason: &str) -> String {
        format!(
            "[[accept]]\nsubject = \"{subject}\"\nrule = \"{rule}\"\npointer = \"{pointer}\"\nreason = \"{reason}\"\n"
        )
    }

    fn checked(subject: &str, failing: &[&str], accepted: &[&str]) -> Checked {
        let finding = |pointer: &&str| Incompatibility {
            kind: IncompatibilityKind::TypeMismatch,
            location: (*pointer).to_owned(),
            writer_location: (*pointer).to_owned(),
            message: "m".into(),
            reader: Position::default(),
            writer: Position::default(),
            reader_is_new: true,
            causes: Vec::new(),
        };
        let mut verdict = Verdict::pass(Compatibility::Backward);
        verdict.messages = failing.iter().map(finding).collect();
        verdict.accepted = accepted.iter().map(finding).collect();
        verdict.compatible = failing.is_empty();
        Checked {
            subject: subject.into(),
            verdict,
            failed_json: None,
        }
    }

    #[test]
    fn entries_match_by_subject_rule_and_pointer() {
        let file = parse(&entry("s-value", "TYPE_MISMATCH", "/fields/1/type", "why")).unwrap();
        assert_eq!(file.entries()[0].line, 1);
        assert!(file.accepts("s-value", "TYPE_MISMATCH", "/fields/1/type"));
        assert!(!file.accepts("s-key", "TYPE_MISMATCH", "/fields/1/type"));
        assert!(!file.accepts("s-value", "NAME_MISMATCH", "/fields/1/type"));
        assert!(!file.accepts("s-value", "TYPE_MISMATCH", "/fields/2/type"));
        assert!(parse("").unwrap().entries().is_empty());
        assert!(parse(&entry("s", "LOGICAL_TYPE_CHANGE", "/fields/0/type", "ok")).is_ok());
    }

    #[test]
    fn problems_are_located() {
        let text = format!(
            "{}{}",
            entry("s", "TYPE_MISMATCH", "/f", "why"),
            entry("s", "TYPE_MISMATCH", "/f", "again")
        );
        let err = parse(&text).unwrap_err();
        assert!(
            err.contains("accept.toml:6:1: error: this entry repeats an earlier one"),
            "{err}"
        );
        assert!(err.contains("line 1 accepts the same finding"), "{err}");
        let err = parse(&entry("s", "TYPE", "/f", "why")).unwrap_err();
        assert!(err.contains("unknown rule `TYPE`"), "{err}");
        let err = parse("[[accept]]\nsubject = \"s\"\n").unwrap_err();
        assert!(err.contains("missing key `rule`"), "{err}");
    }

    #[test]
    fn a_baseline_keeps_reasons_adds_new_findings_and_drops_stale_entries() {
        let text = format!(
            "{}{}",
            entry("a-value", "TYPE_MISMATCH", "/kept", "old reason"),
            entry("a-value", "TYPE_MISMATCH", "/gone", "stale")
        );
        let file = parse(&text).unwrap();
        let results = [checked("a-value", &["/new"], &["/kept"])];
        assert_eq!(
            file.stale(&results)
                .iter()
                .map(|e| e.pointer.as_str())
                .collect::<Vec<_>>(),
            ["/gone"]
        );
        assert!(file.baseline(&results, None).unwrap_err().contains("1 finding(s)"));
        let (written, change) = file.baseline(&results, Some("new reason")).unwrap();
        assert_eq!(
            change,
            BaselineChange {
                kept: 1,
                added: 1,
                removed: 1
            }
        );
        let reread = parse(&written.to_toml()).unwrap();
        let summary: Vec<(&str, &str)> = reread
            .entries()
            .iter()
            .map(|e| (e.pointer.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(summary, [("/kept", "old reason"), ("/new", "new reason")]);
        assert!(reread.stale(&[checked("a-value", &[], &["/kept", "/new"])]).is_empty());
    }
}
