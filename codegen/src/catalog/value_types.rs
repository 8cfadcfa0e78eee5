//! A topic's value types: one, or several event types (`value = ["a.Created",
//! "a.Deleted"]`), each a named record registered under its own subject, which the
//! `subject_strategy` names (RecordName: the type's full name; TopicRecordName:
//! `<topic>-<full name>`).

use super::raw::{RawSettings, RawValue};
use crate::ir::{NamedKind, Schema, SchemaSet};
use avrokit_schema::subject::{RecordPart, SubjectNameStrategy};
use std::ops::Range;

/// A problem with a topic's value types, located in the catalog.
pub(super) struct Problem {
    /// Where.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
}

/// What is wrong with `topic`'s value types (`types`, resolved from its `value`) under
/// `strategy`.
pub(super) fn problems(
    set: &SchemaSet,
    context: &str,
    topic: &RawSettings,
    types: &[Schema],
    strategy: SubjectNameStrategy,
) -> Vec<Problem> {
    let Some(raw) = &topic.value else {
        return Vec::new();
    };
    let span = raw.span();
    let strategy_span = topic.subject_strategy.as_ref().map_or(span.clone(), |s| s.span());
    let mut problems = Vec::new();
    let mut problem = |span: Range<usize>, message: String, hint: &str| {
        problems.push(Problem {
            span,
            message,
            hint: hint.to_owned(),
        })
    };
    let names = raw.get_ref().names();
    if let RawValue::Several(_) = raw.get_ref() {
        if names.is_empty() {
            problem(
                span.clone(),
                format!("{context}: `value = []` names no type"),
                "name the topic's value type, or a list of its event types",
            );
        }
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                problem(
                    span.clone(),
                    format!("{context}: value type `{name}` is listed twice"),
                    "list each event type once",
                );
            }
        }
        for (name, schema) in names.iter().zip(types) {
            let is_record = matches!(schema, Schema::Named(id) if matches!(set.get(*id).kind, NamedKind::Record(_)));
            if !is_record && *schema != Schema::Null {
                problem(
                    span.clone(),
                    format!("{context}: value type `{name}` is not a record"),
                    "each of several value types must be a named record: its full name picks its subject and, when reading, its variant",
                );
            }
        }
        if names.len() > 1 && strategy == SubjectNameStrategy::TopicName {
            problem(
                strategy_span.clone(),
                format!(
                    "{context} has several value types, which the topic_name strategy would register under one subject, `<topic>-value`"
                ),
                "set subject_strategy = \"record_name\" (one subject per type, shared by every topic) or \"topic_record_name\" (`<topic>-<full name>`)",
            );
        }
        if names.len() > 1
            && let Some(sink) = &topic.sink
        {
            problem(
                sink.table.span(),
                format!("{context} has several value types, and a sink writes the fields of one"),
                "sink one topic per type, or remove the sink",
            );
        }
    }
    if strategy != SubjectNameStrategy::TopicName
        && let [schema, ..] = types
        && !matches!(schema, Schema::Named(_) | Schema::Null)
    {
        problem(
            strategy_span,
            format!(
                "{context}: the {} strategy names subjects by the value type's full name, and `{}` has none",
                strategy.as_str(),
                names.first().copied().unwrap_or_default()
            ),
            "use a named record as the value, or subject_strategy = \"topic_name\"",
        );
    }
    problems
}

/// Each value type's subject under `strategy` (`<topic>-value` where the strategy cannot
/// name one, which [`problems`] reports).
pub(super) fn subjects(set: &SchemaSet, topic: &str, types: &[Schema], strategy: SubjectNameStrategy) -> Vec<String> {
    types
        .iter()
        .map(|schema| {
            let name = match schema {
                Schema::Named(id) => Some(set.get(*id).name.to_string()),
                _ => None,
            };
            strategy
                .subject(topic, RecordPart::Value, name.as_deref())
                .unwrap_or_else(|| format!("{topic}-value"))
        })
        .collect()
}
