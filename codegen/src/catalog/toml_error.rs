//! Errors the TOML reader reports (syntax, unknown keys, wrong value types) as located
//! diagnostics that say what to write.
//!
//! The reader's messages come from serde's fixed wording ("unknown field `x`, expected one
//! of ..."); the common ones are recognised here and rephrased in the catalog's terms, with
//! a suggestion. Anything else keeps the reader's message, so no error is ever lost.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::did_you_mean;
use crate::source::{SourceFile, Span};

/// What a TOML file is, for the messages about it: the catalog, or the gate's accept file.
pub(crate) struct TomlDocument {
    /// What the file is, in a message: `catalog`.
    pub what: &'static str,
    /// The README section that describes its format.
    pub readme_section: &'static str,
}

/// The topic catalog.
pub(crate) const CATALOG: TomlDocument = TomlDocument {
    what: "catalog",
    readme_section: "Topic catalog",
};

/// The diagnostic for an error of reading `file` as a catalog.
pub(super) fn diagnostic(file: &SourceFile, err: &toml::de::Error) -> Diagnostic {
    diagnostic_for(file, err, &CATALOG)
}

/// The diagnostic for an error of reading `file` as the TOML `document`.
pub(crate) fn diagnostic_for(file: &SourceFile, err: &toml::de::Error, document: &TomlDocument) -> Diagnostic {
    let span = err.span().map_or(Span::new(0, 0), |r| Span::new(r.start, r.end));
    let message = err.message().trim_end().replace('\n', "; ");
    let (message, hint) = unknown_key(&message)
        .or_else(|| wrong_type(&message))
        .or_else(|| missing_key(&message))
        .or_else(|| unquoted(&message, file.text().get(span.start..span.end)?, document.what))
        .unwrap_or_else(|| {
            (
                format!("invalid {}: {message}", document.what),
                format!(
                    "the {} is TOML; see its format in README.md (\"{}\")",
                    document.what, document.readme_section
                ),
            )
        });
    Diagnostic::at(file, span, message).with_hint(hint)
}

/// `unknown field `x`, expected one of `a`, `b``: the key, and the closest allowed key.
fn unknown_key(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, expected) = rest.split_once('`')?;
    let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = did_you_mean(key, allowed.iter().copied(), || {
        if allowed.is_empty() {
            "remove it: no keys are allowed here".to_owned()
        } else {
            format!("the keys allowed here are: {}", allowed.join(", "))
        }
    });
    Some((format!("unknown key `{key}`"), hint))
}

/// `invalid type: string "3", expected u32`: what was found, and how to write what is
/// expected.
fn wrong_type(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("invalid type: ")?;
    let (found, expected) = rest.split_once(", expected ")?;
    let (expected, hint) = match expected {
        "u16" | "u32" | "u64" | "i64" => (
            "a whole number",
            if found.starts_with("string") {
                "write the number without quotes, e.g. partitions = 3"
            } else {
                "write a whole number, e.g. partitions = 3"
            },
        ),
        "a string" => ("a string", "quote the value, e.g. retention = \"7d\""),
        "a sequence" => ("an array", "write a list in brackets, e.g. primary_key = [\"id\"]"),
        other if other.starts_with("struct") || other.starts_with("a map") => (
            "a table",
            "write a table, e.g. [topics.\"name\"] or { key = value }; see README.md (\"Topic catalog\")",
        ),
        _ => return None,
    };
    Some((format!("expected {expected}, found {found}"), hint.to_owned()))
}

/// `string values must be quoted`: the value, quoted.
fn unquoted(message: &str, value: &str, what: &str) -> Option<(String, String)> {
    message.starts_with("string values must be quoted").then(|| {
        (
            format!("invalid {what}: the string `{value}` is not quoted"),
            format!("write \"{value}\""),
        )
    })
}

/// `missing field `table``: the key to add.
fn missing_key(message: &str) -> Option<(String, String)> {
    let key = message.strip_prefix("missing field `")?.strip_suffix('`')?;
    Some((
        format!("missing key `{key}`"),
        format!("add {key} = ...; see README.md (\"Topic catalog\")"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rephrases_serde_messages() {
        let (message, hint) =
            unknown_key("unknown field `retension`, expected one of `doc`, `retention`, `retention_bytes`").unwrap();
        assert_eq!(message, "unknown key `retension`");
        assert_eq!(hint, "did you mean `retention`?");
        let (message, hint) = wrong_type("invalid type: string \"3\", expected u32").unwrap();
        assert_eq!(message, "expected a whole number, found string \"3\"");
        assert!(hint.contains("without quotes"));
        assert_eq!(missing_key("missing field `table`").unwrap().0, "missing key `table`");
        assert_eq!(unknown_key("expected `=`"), None);
        let (_, hint) = unquoted(
            "string values must be quoted, expected literal string",
            "a.B",
            "catalog",
        )
        .unwrap();
        assert_eq!(hint, "write \"a.B\"");
    }
}
