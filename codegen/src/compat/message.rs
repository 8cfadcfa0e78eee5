//! The Schema Registry's verbose wording (Confluent's `avro/Difference.java`), so that
//! people who know the registry's answers recognise ours.

use super::{Compatibility, Incompatibility, IncompatibilityKind, Verdict};

/// `{errorType:'…', description:'…', additionalInfo:'…'}` for one incompatibility. The
/// registry words descriptions from the reader's side and calls the two schemas `new` and
/// `old`: BACKWARD reads the old data with the new schema, FORWARD the other way round.
pub(super) fn registry_wording(incompatibility: &Incompatibility) -> String {
    let (reader, writer) = if incompatibility.reader_is_new {
        ("new", "old")
    } else {
        ("old", "new")
    };
    let path = &incompatibility.location;
    let description = match incompatibility.kind {
        IncompatibilityKind::ReaderFieldMissingDefaultValue => format!(
            "The field '{}' at path '{path}' in the {reader} schema has no default value and is missing in the {writer} schema",
            incompatibility.message
        ),
        IncompatibilityKind::TypeMismatch => {
            format!(
                "The type (path '{path}') of a field in the {reader} schema does not match with the {writer} schema"
            )
        }
        IncompatibilityKind::NameMismatch => format!("The name of the schema has changed (path '{path}')"),
        IncompatibilityKind::MissingEnumSymbols => format!(
            "The {reader} schema is missing enum symbols '{}' at path '{path}' in the {writer} schema",
            incompatibility.message
        ),
        IncompatibilityKind::MissingUnionBranch => format!(
            "The {reader} schema is missing a type inside a union field at path '{path}' in the {writer} schema"
        ),
        IncompatibilityKind::FixedSizeMismatch => format!(
            "The size of FIXED type field at path '{path}' in the {reader} schema does not match with the {writer} schema"
        ),
    };
    format!(
        "{{errorType:'{}', description:'{description}', additionalInfo:'{}'}}",
        incompatibility.kind.as_str(),
        incompatibility.message
    )
}

/// Schemas longer than this are shown truncated in `{oldSchema: …}`, as the registry does.
const OLD_SCHEMA_LIMIT: usize = 10 * 1024;

/// The registry's `messages` list for a verdict.
pub(super) fn registry_messages(verdict: &Verdict, old_schema_json: Option<&str>) -> Vec<String> {
    if verdict.compatible {
        return Vec::new();
    }
    let mut out: Vec<String> = verdict.messages.iter().map(registry_wording).collect();
    if let Some(version) = verdict.failed_version {
        out.push(format!("{{oldSchemaVersion: {version}}}"));
    }
    if let Some(json) = old_schema_json {
        if json.len() > OLD_SCHEMA_LIMIT {
            let mut end = OLD_SCHEMA_LIMIT;
            while !json.is_char_boundary(end) {
                end -= 1;
            }
            out.push(format!("{{oldSchema: <truncated> '{}'}}", &json[..end]));
        } else {
            out.push(format!("{{oldSchema: '{json}'}}"));
        }
    }
    let mode = match verdict.mode {
        Compatibility::None => return out,
        mode => mode.as_str(),
    };
    out.push(format!("{{validateFields: 'false', compatibility: '{mode}'}}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat::Position;

    fn incompatibility(
        kind: IncompatibilityKind,
        location: &str,
        message: &str,
        reader_is_new: bool,
    ) -> Incompatibility {
        Incompatibility {
            kind,
            location: location.into(),
            writer_location: location.into(),
            message: message.into(),
            reader: Position::default(),
            writer: Position::default(),
            reader_is_new,
            causes: Vec::new(),
        }
    }

    #[test]
    fn wording_matches_the_registry() {
        let missing = incompatibility(
            IncompatibilityKind::ReaderFieldMissingDefaultValue,
            "/fields/10/type/fields/5",
            "salary",
            true,
        );
        assert_eq!(
            registry_wording(&missing),
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'salary' at path '/fields/10/type/fields/5' in the new schema has no default value and is missing in the old schema', additionalInfo:'salary'}"
        );
        let mismatch = incompatibility(
            IncompatibilityKind::TypeMismatch,
            "/fields/0/type",
            "reader type: INT not compatible with writer type: STRING",
            false,
        );
        assert_eq!(
            registry_wording(&mismatch),
            "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the old schema does not match with the new schema', additionalInfo:'reader type: INT not compatible with writer type: STRING'}"
        );
    }

    #[test]
    fn verdict_list_has_version_schema_and_trailer() {
        let verdict = Verdict {
            compatible: false,
            mode: Compatibility::BackwardTransitive,
            messages: vec![incompatibility(
                IncompatibilityKind::MissingEnumSymbols,
                "/symbols",
                "[C]",
                true,
            )],
            warnings: Vec::new(),
            failed_version: Some(2),
            accepted: Vec::new(),
            accepted_warnings: Vec::new(),
        };
        assert_eq!(
            registry_messages(&verdict, Some("\"int\"")),
            [
                "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[C]' at path '/symbols' in the old schema', additionalInfo:'[C]'}",
                "{oldSchemaVersion: 2}",
                "{oldSchema: '\"int\"'}",
                "{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}",
            ]
        );
    }
}
