//! Output of every `compat` form: text (`FILE:LINE:COL: RULE: message`, one line per
//! problem, then a summary), one JSON object, or GitHub workflow annotations.
//! Every form of the gate prints through here, so they all read alike.

use super::accept::{AcceptFile, Acceptance};
use crate::Strictness;
use crate::compat::{Incompatibility, Position, Verdict, Warning};
use serde_json::{Value, json};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `FILE:LINE:COL: RULE: message` lines and a summary, in the spirit of `buf breaking`.
    Text,
    /// One JSON object: `compatible`, `mode`, `messages`, `warnings`, `subjects`.
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…::…`) and the summary.
    Github,
}

/// One subject (or file) checked, with what the registry would say.
pub struct Checked {
    /// The subject's name, or the new file's path for `compat check`.
    pub subject: String,
    /// The engine's verdict.
    pub verdict: Verdict,
    /// The self-contained JSON of the failing version, for the registry's `{oldSchema: …}`.
    pub failed_json: Option<String>,
}

/// The rule name warnings are printed under.
pub const WARNING_RULE: &str = Warning::RULE;

/// A failure that is no incompatibility between two versions: `SCHEMA_REMOVED` (a schema
/// file is gone while a topic or another schema still uses its type), located at the use.
pub struct Problem {
    /// Where to annotate.
    pub position: Position,
    /// The rule name.
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The rule name stale accept-file entries are printed under.
pub const STALE_RULE: &str = "STALE_ACCEPTANCE";

/// Prints `results` in `format`; returns whether every subject passes (with
/// [`Strictness::Strict`], warnings fail too).
pub fn print(results: &[Checked], format: Format, strictness: Strictness) -> bool {
    print_with_problems(results, &[], None, format, strictness)
}

/// Prints `results` in `format` with `problems` (which always fail) listed before the
/// subjects' messages, and with what `accept` accepted (each with its reason) and its
/// stale entries; returns whether everything passes (with [`Strictness::Strict`],
/// warnings and stale entries fail too).
pub fn print_with_problems(
    results: &[Checked],
    problems: &[Problem],
    accept: Option<&AcceptFile>,
    format: Format,
    strictness: Strictness,
) -> bool {
    let stale = accept.map(|a| a.stale(results)).unwrap_or_default();
    let reason = |subject: &str, rule: &str, pointer: &str| {
        accept
            .and_then(|a| a.entries().iter().find(|e| e.matches(subject, rule, pointer)))
            .map_or_else(String::new, |e| e.reason.clone())
    };
    let passed = problems.is_empty()
        && results.iter().all(|c| c.verdict.passes(strictness))
        && (stale.is_empty() || !strictness.is_strict());
    // The gate reads from the repository root: the path from there, when it is inside.
    let stale_path = accept
        .map(|a| {
            let path = a.path();
            let root = std::env::current_dir().unwrap_or_default();
            path.strip_prefix(&root).unwrap_or(path).display().to_string()
        })
        .unwrap_or_default();
    let stale_message = |entry: &Acceptance| {
        format!(
            "{} {} at {} matches no finding any more: remove the entry (`--write-baseline` rewrites the file)",
            entry.subject, entry.rule, entry.pointer
        )
    };
    let notes = format!("{}{}", accepted_note(results, stale.len()), problems_note(problems));
    match format {
        Format::Text => {
            for problem in problems {
                println!("{}: {}: {}", located(&problem.position), problem.rule, problem.message);
            }
            for checked in results {
                text(checked);
                for line in accepted_lines(checked, &reason) {
                    println!("{line}");
                }
            }
            for entry in &stale {
                println!("{stale_path}:{}: {STALE_RULE}: {}", entry.line, stale_message(entry));
            }
            println!("{}{notes}", summary(results, strictness));
        }
        Format::Github => {
            for problem in problems {
                annotation("error", &problem.position, problem.rule, &problem.message);
            }
            for checked in results {
                github(checked, strictness);
                for line in accepted_lines(checked, &reason) {
                    println!("::notice::{}", line.replace('%', "%25").replace('\n', "%0A"));
                }
            }
            let level = if strictness.is_strict() { "error" } else { "warning" };
            for entry in &stale {
                let position = Position {
                    file: stale_path.clone().into(),
                    line: entry.line,
                    column: 1,
                };
                annotation(level, &position, STALE_RULE, &stale_message(entry));
            }
            println!("{}{notes}", summary(results, strictness));
        }
        Format::Json => {
            let mut value = to_json(results, strictness);
            value["compatible"] = Value::from(passed);
            value["accepted"] = results
                .iter()
                .flat_map(|c| {
                    let accepted = c.verdict.accepted.iter().map(|i| {
                        let mut value = incompatibility_json(i, &c.subject);
                        value["reason"] = Value::from(reason(&c.subject, i.kind.as_str(), i.new_location()));
                        value
                    });
                    let warnings = c.verdict.accepted_warnings.iter().map(|w| {
                        let mut value = warning_json(w, &c.subject);
                        value["reason"] = Value::from(reason(&c.subject, WARNING_RULE, w.new_location()));
                        value
                    });
                    accepted.chain(warnings).collect::<Vec<_>>()
                })
                .collect();
            value["stale"] = stale
                .iter()
                .map(|e| {
                    json!({
                        "file": stale_path,
                        "line": e.line,
                        "subject": e.subject,
                        "type": e.rule,
                        "location": e.pointer,
                        "reason": e.reason,
                    })
                })
                .collect();
            value["problems"] = problems
                .iter()
                .map(|p| {
                    json!({
                        "type": p.rule,
                        "file": p.position.file.display().to_string(),
                        "line": p.position.line,
                        "column": p.position.column,
                        "message": p.message,
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&value).expect("JSON values serialise");
            println!("{text}");
        }
    }
    passed
}

/// The text lines of a subject's accepted findings, each with its reason.
fn accepted_lines(checked: &Checked, reason: &dyn Fn(&str, &str, &str) -> String) -> Vec<String> {
    let subject = &checked.subject;
    let incompatibilities = checked.verdict.accepted.iter().map(|i| {
        format!(
            "{}: {}: {} at {} ({}), ACCEPTED: {}",
            located(i.new_position()),
            i.kind.as_str(),
            i.message,
            i.new_location(),
            direction(i.reader_is_new),
            reason(subject, i.kind.as_str(), i.new_location())
        )
    });
    let warnings = checked.verdict.accepted_warnings.iter().map(|w| {
        format!(
            "{}: {WARNING_RULE}: {} at {} ({}), ACCEPTED: {}",
            located(w.new_position()),
            w.message,
            w.new_location(),
            direction(w.reader_is_new),
            reason(subject, WARNING_RULE, w.new_location())
        )
    });
    incompatibilities.chain(warnings).collect()
}

fn accepted_note(results: &[Checked], stale: usize) -> String {
    let accepted: usize = results
        .iter()
        .map(|c| c.verdict.accepted.len() + c.verdict.accepted_warnings.len())
        .sum();
    let mut note = String::new();
    if accepted > 0 {
        note.push_str(&format!(", {accepted} accepted"));
    }
    match stale {
        0 => {}
        1 => note.push_str(", 1 stale accept entry"),
        n => note.push_str(&format!(", {n} stale accept entries")),
    }
    note
}

fn problems_note(problems: &[Problem]) -> String {
    match problems.len() {
        0 => String::new(),
        1 => ", and 1 removed schema still in use".into(),
        n => format!(", and {n} uses of removed schemas"),
    }
}

/// Which schema reads which, in words: messages name "reader" and "writer".
fn direction(reader_is_new: bool) -> &'static str {
    if reader_is_new {
        "new schema reading old data"
    } else {
        "old schema reading new data"
    }
}

/// `FILE:LINE:COL` (just `FILE` without a line); `avrokit lint` prints through it too.
pub(crate) fn located(position: &Position) -> String {
    if position.line == 0 {
        format!("{}", position.file.display())
    } else {
        format!("{}:{}:{}", position.file.display(), position.line, position.column)
    }
}

fn version_note(verdict: &Verdict) -> String {
    match verdict.failed_version {
        Some(version) if verdict.mode.as_str().ends_with("TRANSITIVE") => format!(", against version {version}"),
        _ => String::new(),
    }
}

fn text(checked: &Checked) {
    for line in text_lines(checked) {
        println!("{line}");
    }
}

/// The text lines of one subject. Each names the new schema's file, line and column and
/// the JSON pointer into that same schema (the reader's in BACKWARD, the writer's in
/// FORWARD), so the two always point into one file.
fn text_lines(checked: &Checked) -> Vec<String> {
    let note = version_note(&checked.verdict);
    let mut lines = Vec::new();
    for incompatibility in &checked.verdict.messages {
        text_incompatibility(incompatibility, &note, "", &mut lines);
    }
    for warning in &checked.verdict.warnings {
        lines.push(format!(
            "{}: {WARNING_RULE}: {} at {} ({})",
            located(warning.new_position()),
            warning.message,
            warning.new_location(),
            direction(warning.reader_is_new)
        ));
    }
    lines
}

fn text_incompatibility(incompatibility: &Incompatibility, note: &str, indent: &str, lines: &mut Vec<String>) {
    lines.push(format!(
        "{indent}{}: {}: {} at {} ({}{note})",
        located(incompatibility.new_position()),
        incompatibility.kind.as_str(),
        incompatibility.message,
        incompatibility.new_location(),
        direction(incompatibility.reader_is_new)
    ));
    for cause in &incompatibility.causes {
        text_incompatibility(cause, "", &format!("{indent}  because "), lines);
    }
}

fn github(checked: &Checked, strictness: Strictness) {
    let note = version_note(&checked.verdict);
    for incompatibility in &checked.verdict.messages {
        let position = incompatibility.new_position();
        let mut message = format!(
            "{} at {} ({}{note})",
            incompatibility.message,
            incompatibility.new_location(),
            direction(incompatibility.reader_is_new)
        );
        for cause in &incompatibility.causes {
            message.push_str(&format!(
                "\nbecause {}: {} at {}",
                cause.kind.as_str(),
                cause.message,
                cause.new_location()
            ));
        }
        annotation("error", position, incompatibility.kind.as_str(), &message);
    }
    let level = if strictness.is_strict() { "error" } else { "warning" };
    for warning in &checked.verdict.warnings {
        let message = format!(
            "{} at {} ({})",
            warning.message,
            warning.new_location(),
            direction(warning.reader_is_new)
        );
        annotation(level, warning.new_position(), WARNING_RULE, &message);
    }
}

/// One workflow command; GitHub wants `%`, CR and LF escaped in the message, and `,` and
/// `:` too in property values.
pub(crate) fn annotation(level: &str, position: &Position, title: &str, message: &str) {
    let escape_data = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let escape_property = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let mut properties = format!("file={}", escape_property(&position.file.display().to_string()));
    if position.line > 0 {
        properties.push_str(&format!(",line={},col={}", position.line, position.column));
    }
    println!(
        "::{level} {properties},title={}::{}",
        escape_property(title),
        escape_data(message)
    );
}

fn summary(results: &[Checked], strictness: Strictness) -> String {
    let failed: Vec<&Checked> = results.iter().filter(|c| !c.verdict.passes(strictness)).collect();
    let problems: usize = results.iter().map(|c| c.verdict.messages.len()).sum();
    let warnings: usize = results.iter().map(|c| c.verdict.warnings.len()).sum();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if results.len() == 1 {
        let checked = &results[0];
        let verdict = if failed.is_empty() {
            "compatible"
        } else {
            "NOT compatible"
        };
        return format!(
            "compat: {} is {verdict} ({}): {}, {}",
            checked.subject,
            checked.verdict.mode.as_str(),
            plural(problems, "incompatibility"),
            plural(warnings, "warning")
        )
        .replace("incompatibilitys", "incompatibilities");
    }
    let failing: Vec<&str> = failed.iter().map(|c| c.subject.as_str()).collect();
    format!(
        "compat: {} checked, {} failing{}: {}, {}",
        plural(results.len(), "subject"),
        failed.len(),
        if failing.is_empty() {
            String::new()
        } else {
            format!(" ({})", failing.join(", "))
        },
        plural(problems, "incompatibility"),
        plural(warnings, "warning")
    )
    .replace("incompatibilitys", "incompatibilities")
}

fn position_json(position: &Position) -> Value {
    json!({"file": position.file.display().to_string(), "line": position.line, "column": position.column})
}

fn incompatibility_json(incompatibility: &Incompatibility, subject: &str) -> Value {
    let position = incompatibility.new_position();
    json!({
        "subject": subject,
        "type": incompatibility.kind.as_str(),
        "location": incompatibility.location,
        "writer_location": incompatibility.writer_location,
        "file": position.file.display().to_string(),
        "line": position.line,
        "column": position.column,
        "message": incompatibility.message,
        "registry": incompatibility.registry_wording(),
        "reader_is_new": incompatibility.reader_is_new,
        "reader": position_json(&incompatibility.reader),
        "writer": position_json(&incompatibility.writer),
        "causes": incompatibility.causes.iter().map(|c| incompatibility_json(c, subject)).collect::<Vec<_>>(),
    })
}

fn warning_json(warning: &Warning, subject: &str) -> Value {
    let position = warning.new_position();
    json!({
        "subject": subject,
        "type": WARNING_RULE,
        "location": warning.location,
        "writer_location": warning.writer_location,
        "file": position.file.display().to_string(),
        "line": position.line,
        "column": position.column,
        "message": warning.message,
        "reader_is_new": warning.reader_is_new,
    })
}

/// The JSON object: the overall verdict and every message at the top level (each naming
/// its subject), and the per-subject verdicts with the registry's message lists.
fn to_json(results: &[Checked], strictness: Strictness) -> Value {
    let modes: Vec<&str> = results.iter().map(|c| c.verdict.mode.as_str()).collect();
    let mode = match modes.as_slice() {
        [first, rest @ ..] if rest.iter().all(|m| m == first) => Value::from(*first),
        [] => Value::Null,
        _ => Value::from("MIXED"),
    };
    let subjects: Vec<Value> = results
        .iter()
        .map(|c| {
            json!({
                "subject": c.subject,
                "compatible": c.verdict.compatible,
                "passes": c.verdict.passes(strictness),
                "mode": c.verdict.mode.as_str(),
                "failed_version": c.verdict.failed_version,
                "registry_messages": c.verdict.registry_messages(c.failed_json.as_deref()),
            })
        })
        .collect();
    json!({
        "compatible": results.iter().all(|c| c.verdict.passes(strictness)),
        "strict": strictness.is_strict(),
        "mode": mode,
        "messages": results.iter().flat_map(|c| c.verdict.messages.iter().map(|i| incompatibility_json(i, &c.subject))).collect::<Vec<_>>(),
        "warnings": results.iter().flat_map(|c| c.verdict.warnings.iter().map(|w| warning_json(w, &c.subject))).collect::<Vec<_>>(),
        "subjects": subjects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat::{self, Compatibility, Version};
    use crate::source::SourceFile;
    use crate::{LoadOptions, load_files};

    fn load(path: &str, text: &str) -> crate::ir::SchemaSet {
        load_files(vec![SourceFile::new(path, text)], &LoadOptions::default()).unwrap()
    }

    /// The new schema puts a field before the changed one, so its field indexes differ
    /// from the old schema's: the pointer shows which file it is relative to.
    fn checked(mode: Compatibility) -> Checked {
        let old = load(
            "old/r.avsc",
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[\n{\"name\":\"a\",\"type\":\"int\"}]}",
        );
        let new = load(
            "new/r.avsc",
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[\n{\"name\":\"x\",\"type\":\"int\",\"default\":0},\n{\"name\":\"a\",\"type\":\"string\"}]}",
        );
        let previous = [Version {
            number: 1,
            set: &old,
            schema: &old.roots[0],
        }];
        Checked {
            subject: "r".into(),
            verdict: compat::check((&new, &new.roots[0]), &previous, mode),
            failed_json: None,
        }
    }

    #[test]
    fn forward_text_points_into_the_new_file_with_its_own_pointer() {
        let checked = checked(Compatibility::Forward);
        let [incompatibility] = checked.verdict.messages.as_slice() else {
            panic!("{:?}", checked.verdict.messages)
        };
        // Java's location is the reader's (the old schema's); the writer's is the new one's.
        assert_eq!(incompatibility.location, "/fields/0/type");
        assert_eq!(incompatibility.writer_location, "/fields/1/type");
        assert_eq!(
            text_lines(&checked),
            [
                "new/r.avsc:3:1: TYPE_MISMATCH: reader type: INT not compatible with writer type: STRING at /fields/1/type (old schema reading new data)"
            ]
        );
    }

    #[test]
    fn backward_text_points_into_the_new_file_with_the_reader_pointer() {
        let checked = checked(Compatibility::Backward);
        assert_eq!(
            text_lines(&checked),
            [
                "new/r.avsc:3:1: TYPE_MISMATCH: reader type: STRING not compatible with writer type: INT at /fields/1/type (new schema reading old data)"
            ]
        );
    }

    #[test]
    fn a_reader_field_the_writer_lacks_points_at_the_writer_record() {
        // FORWARD, old reader with `b` (no default) the new writer dropped.
        let old = load(
            "old/r.avsc",
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#,
        );
        let new = load(
            "new/r.avsc",
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#,
        );
        let report = compat::can_read((&old, &old.roots[0]), (&new, &new.roots[0]));
        let [missing] = report.incompatibilities.as_slice() else {
            panic!("{:?}", report.incompatibilities)
        };
        assert_eq!(missing.location, "/fields/1");
        assert_eq!(missing.writer_location, "/");
    }
}
