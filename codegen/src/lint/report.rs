//! Output of `avrokit lint` in the gate's three [`Format`]s: text
//! (`FILE:LINE:COL: RULE: message at POINTER (severity)` and a summary), one JSON object,
//! or GitHub annotations (the gate's own, escaped alike).

use super::Finding;
use crate::diagnostic::{Severity, Strictness};
use crate::gate::{Format, annotation, located};
use crate::ir::SchemaSet;
use serde_json::{Value, json};

/// Whether a run with these findings passes: no errors, and no warnings either when
/// [`Strictness::Strict`] (`--deny-warnings`).
pub fn passes(findings: &[Finding], strictness: Strictness) -> bool {
    findings
        .iter()
        .all(|f| f.severity == Severity::Warning && !strictness.is_strict())
}

/// One finding as a text line: `FILE:LINE:COL: RULE: message at POINTER (severity)`.
pub fn text_line(finding: &Finding) -> String {
    format!(
        "{}: {}: {} at {} ({})",
        located(&finding.position),
        finding.rule,
        finding.message,
        finding.pointer,
        finding.severity.as_str()
    )
}

/// The last line: what was checked and what was found.
pub fn summary(findings: &[Finding], set: &SchemaSet, strictness: Strictness) -> String {
    let (errors, warnings) = counts(findings);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let checked = format!(
        "{} in {}",
        plural(set.types.len(), "type"),
        plural(set.files.len(), "file")
    );
    let verdict = if passes(findings, strictness) {
        "passed"
    } else {
        "FAILED"
    };
    let deny = if strictness.is_strict() && warnings > 0 {
        " (--deny-warnings: warnings fail)"
    } else {
        ""
    };
    format!(
        "lint {verdict}: {checked}: {}, {}{deny}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// The JSON report: `passed`, the counts, and every finding with its rule, severity,
/// file, line, column, JSON pointer, element and message.
pub fn to_json(findings: &[Finding], set: &SchemaSet, strictness: Strictness) -> Value {
    let (errors, warnings) = counts(findings);
    json!({
        "passed": passes(findings, strictness),
        "deny_warnings": strictness.is_strict(),
        "files": set.files.len(),
        "types": set.types.len(),
        "errors": errors,
        "warnings": warnings,
        "findings": findings.iter().map(|f| json!({
            "rule": f.rule.id(),
            "severity": f.severity.as_str(),
            "file": f.position.file.display().to_string(),
            "line": f.position.line,
            "column": f.position.column,
            "pointer": f.pointer,
            "element": f.element,
            "message": f.message,
        })).collect::<Vec<_>>(),
    })
}

/// Prints `findings` in `format` to stdout; returns whether the run passes.
pub fn print(findings: &[Finding], set: &SchemaSet, format: Format, strictness: Strictness) -> bool {
    match format {
        Format::Text => {
            for finding in findings {
                println!("{}", text_line(finding));
            }
            println!("{}", summary(findings, set, strictness));
        }
        Format::Github => {
            for finding in findings {
                let level = match finding.severity {
                    Severity::Error => "error",
                    Severity::Warning if strictness.is_strict() => "error",
                    Severity::Warning => "warning",
                };
                let message = format!("{} at {}", finding.message, finding.pointer);
                annotation(level, &finding.position, finding.rule.id(), &message);
            }
            println!("{}", summary(findings, set, strictness));
        }
        Format::Json => {
            // One document on one line, as every `avrokit` command's `--format json`.
            println!("{}", to_json(findings, set, strictness));
        }
    }
    passes(findings, strictness)
}

fn counts(findings: &[Finding]) -> (usize, usize) {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    (errors, findings.len() - errors)
}
