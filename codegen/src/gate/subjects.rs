//! What the offline gate checks: the subjects of the current schema directory, each with
//! its mode, and where to find its earlier versions in an older state.
//!
//! A catalog topic gives the registry's subjects (`<topic>-value`, and `<topic>-key` for
//! Avro keys) in the topic's mode; an old state's version of such a subject is whatever
//! that state's catalog put on the same topic, so a topic whose value type was renamed is
//! checked against the old type, as the registry would. A topic of several value types,
//! or one whose subjects are named by the RecordName or TopicRecordName strategy, gives a
//! subject per value type (the type's full name, or `<topic>-<full name>`), whose old
//! version is the same-named value type of the same topic. Every other named type (one no
//! topic reaches, even through a field) is its own subject, named by its full name or one
//! of its aliases, in the default mode BACKWARD. Types that topics reach are checked
//! through the topics only: their mode is the topic's, and their changes show up in the
//! topic's messages, located in their own files.

use super::snapshot::Snapshot;
use crate::catalog::{Compatibility, Topic};
use crate::ir::{NamedKind, Schema, SchemaSet, TypeId};
use avrokit_schema::subject::SubjectNameStrategy;
use std::collections::HashSet;

/// One subject of the current state.
pub struct Subject {
    /// `<topic>-value`, `<topic>-key`, or a type's full name.
    pub name: String,
    /// The mode it is checked in.
    pub mode: Compatibility,
    /// The current schema (in the current state's set).
    pub schema: Schema,
    /// How to find it in an older state.
    lineage: Lineage,
}

enum Lineage {
    TopicValue(String),
    /// The topic and the value type's full name.
    TopicValueType(String, String),
    TopicKey(String),
    /// The type's full name and aliases.
    Type(Vec<String>),
}

impl Subject {
    /// This subject's schema in an older state, if it had one.
    pub fn in_state<'a>(&self, state: &'a Snapshot) -> Option<&'a Schema> {
        let topic =
            |name: &str| -> Option<&'a Topic> { state.catalog.as_ref()?.topics.iter().find(|t| t.name == name) };
        match &self.lineage {
            Lineage::TopicValue(name) => topic(name).map(|t| &t.value),
            Lineage::TopicValueType(name, type_name) => topic(name)?
                .value_types
                .iter()
                .find(|v| matches!(v, Schema::Named(id) if state.set.get(*id).name.to_string() == *type_name)),
            Lineage::TopicKey(name) => topic(name).filter(|t| t.key_subject().is_some())?.key.as_ref(),
            Lineage::Type(names) => {
                let id = names.iter().find_map(|n| state.set.lookup(n))?;
                // A file's top-level type, or one of the types of a file whose root is a
                // list of them (an `.avdl` protocol or schema file, a top-level union).
                let branches = |root: &'a Schema| match root {
                    Schema::Union(branches) => branches.as_slice(),
                    _ => std::slice::from_ref(root),
                };
                state
                    .set
                    .roots
                    .iter()
                    .flat_map(branches)
                    .find(|schema| **schema == Schema::Named(id))
            }
        }
    }
}

/// Every subject of `state`, catalog subjects first (in topic order), then the types no
/// topic reaches (in file order).
pub fn subjects(state: &Snapshot) -> Vec<Subject> {
    let mut out = Vec::new();
    let mut reached = HashSet::new();
    for topic in state.catalog.iter().flat_map(|c| &c.topics) {
        let by_type = topic.value_types.len() > 1 || topic.subject_strategy != SubjectNameStrategy::TopicName;
        for (subject, schema) in topic.value_subjects_with_types() {
            mark_reached(&state.set, schema, &mut reached);
            if out.iter().any(|s: &Subject| s.name == subject) {
                // A RecordName subject shared by two topics is one subject.
                continue;
            }
            let lineage = match schema {
                Schema::Named(id) if by_type => {
                    Lineage::TopicValueType(topic.name.clone(), state.set.get(*id).name.to_string())
                }
                _ => Lineage::TopicValue(topic.name.clone()),
            };
            out.push(Subject {
                name: subject.to_owned(),
                mode: topic.compatibility,
                schema: schema.clone(),
                lineage,
            });
        }
        if let (Some(subject), Some(key)) = (topic.key_subject(), &topic.key) {
            mark_reached(&state.set, key, &mut reached);
            out.push(Subject {
                name: subject,
                mode: topic.compatibility,
                schema: key.clone(),
                lineage: Lineage::TopicKey(topic.name.clone()),
            });
        }
    }
    for (id, named) in state.set.iter() {
        if reached.contains(&id) {
            continue;
        }
        let mut names = vec![named.name.to_string()];
        names.extend(named.aliases.iter().map(ToString::to_string));
        out.push(Subject {
            name: named.name.to_string(),
            mode: Compatibility::Backward,
            schema: Schema::Named(id),
            lineage: Lineage::Type(names),
        });
    }
    out
}

/// Adds every named type `schema` reaches to `reached`.
pub fn mark_reached(set: &SchemaSet, schema: &Schema, reached: &mut HashSet<TypeId>) {
    match schema {
        Schema::Array(inner) | Schema::Map(inner) => mark_reached(set, inner, reached),
        Schema::Union(branches) => branches.iter().for_each(|b| mark_reached(set, b, reached)),
        Schema::Named(id) => {
            if reached.insert(*id)
                && let NamedKind::Record(record) = &set.get(*id).kind
            {
                for field in &record.fields {
                    mark_reached(set, &field.schema, reached);
                }
            }
        }
        _ => {}
    }
}
