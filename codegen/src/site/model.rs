//! What the pages share: the types, topics and tables in page order, where each type is
//! used, each type's subject mode, and the pages' paths.

use super::history::History;
use crate::catalog::{Catalog, Compatibility, Sink, Topic};
use crate::ir::{NamedKind, Schema, SchemaSet, TypeId};
use avrokit_schema::sql::table::{self, Table};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Everything a page may need, computed once.
pub(super) struct Model<'a> {
    pub set: &'a SchemaSet,
    pub catalog: Option<&'a Catalog>,
    pub history: &'a History,
    /// Every named type, by full name.
    pub types: Vec<TypeId>,
    /// Every topic, by name.
    pub topics: Vec<&'a Topic>,
    /// Every sink table, by table name.
    pub tables: Vec<TableEntry<'a>>,
    /// Where each type is used.
    pub uses: BTreeMap<TypeId, Uses>,
    /// The mode each type's changes are judged under, and the topic it comes from.
    pub modes: BTreeMap<TypeId, SubjectMode>,
    /// Simple names that more than one type has (shown with their namespace).
    ambiguous: HashSet<String>,
}

/// A sink table and what feeds it.
pub(super) struct TableEntry<'a> {
    pub topic: &'a Topic,
    pub sink: &'a Sink,
    /// The table model, or why it cannot be built.
    pub table: Result<Table, String>,
}

/// Where a type is used.
#[derive(Default)]
pub(super) struct Uses {
    /// Topics whose key or value it is: (topic, `key` or `value`).
    pub topics: Vec<(String, &'static str)>,
    /// Topics that reach it through other types (not directly).
    pub reached_by: Vec<String>,
    /// Fields of other types (or of itself) that use it: (type, field name).
    pub fields: Vec<(TypeId, String)>,
}

/// The compatibility mode of a type's subject.
#[derive(Debug, Clone)]
pub(crate) struct SubjectMode {
    /// The mode.
    pub mode: Compatibility,
    /// The topic whose mode it is (`None`: no topic reaches the type; the registry's
    /// default BACKWARD applies, as in the gate).
    pub topic: Option<String>,
}

impl<'a> Model<'a> {
    pub fn new(set: &'a SchemaSet, catalog: Option<&'a Catalog>, history: &'a History) -> Model<'a> {
        let mut types: Vec<TypeId> = set.iter().map(|(id, _)| id).collect();
        types.sort_by_key(|id| set.get(*id).name.to_string());
        let mut topics: Vec<&Topic> = catalog.iter().flat_map(|c| &c.topics).collect();
        topics.sort_by(|a, b| a.name.cmp(&b.name));
        let mut tables: Vec<TableEntry<'a>> = topics
            .iter()
            .filter_map(|topic| {
                let sink = topic.sink.as_ref()?;
                let built = table::for_value(set, &topic.value, &topic.name, sink, catalog.map(|c| &c.file))
                    .map_err(|diagnostics| diagnostics.to_string());
                Some(TableEntry {
                    topic,
                    sink,
                    table: built,
                })
            })
            .collect();
        tables.sort_by(|a, b| a.sink.table.cmp(&b.sink.table));

        let mut uses: BTreeMap<TypeId, Uses> = types.iter().map(|id| (*id, Uses::default())).collect();
        for (id, named) in set.iter() {
            if let NamedKind::Record(record) = &named.kind {
                for field in &record.fields {
                    let mut used = BTreeSet::new();
                    direct_names(&field.schema, &mut used);
                    for target in used {
                        if let Some(entry) = uses.get_mut(&target) {
                            entry.fields.push((id, field.name.clone()));
                        }
                    }
                }
            }
        }
        for topic in &topics {
            let mut direct = BTreeSet::new();
            let values = topic.value_types.iter().map(|schema| ("value", schema));
            for (role, schema) in topic.key.iter().map(|schema| ("key", schema)).chain(values) {
                let mut named = BTreeSet::new();
                direct_names(schema, &mut named);
                for id in named {
                    direct.insert(id);
                    if let Some(entry) = uses.get_mut(&id) {
                        entry.topics.push((topic.name.clone(), role));
                    }
                }
            }
            for id in reached(set, topic) {
                if !direct.contains(&id)
                    && let Some(entry) = uses.get_mut(&id)
                {
                    entry.reached_by.push(topic.name.clone());
                }
            }
        }
        for entry in uses.values_mut() {
            entry
                .fields
                .sort_by(|a, b| (set.get(a.0).name.to_string(), &a.1).cmp(&(set.get(b.0).name.to_string(), &b.1)));
        }
        let mut seen = HashSet::new();
        let ambiguous = set
            .types
            .iter()
            .filter(|t| !seen.insert(t.name.name.clone()))
            .map(|t| t.name.name.clone())
            .collect();
        Model {
            set,
            catalog,
            history,
            types,
            topics,
            tables,
            uses,
            modes: subject_modes(set, catalog),
            ambiguous,
        }
    }

    /// The page of a type, from the site's root.
    pub fn type_path(&self, id: TypeId) -> String {
        format!("type/{}.html", slug(&self.set.get(id).name.to_string()))
    }

    /// How a type is named in links: its simple name, or its full name when another type
    /// has the same simple name.
    pub fn short_name(&self, id: TypeId) -> String {
        let name = &self.set.get(id).name;
        if self.ambiguous.contains(&name.name) {
            name.to_string()
        } else {
            name.name.clone()
        }
    }

    /// The environments of the catalog.
    pub fn environments(&self) -> &[String] {
        self.catalog.map(|c| c.environments.as_slice()).unwrap_or_default()
    }

    /// The sink table of a topic, if any.
    pub fn table_of(&self, topic: &str) -> Option<&TableEntry<'a>> {
        self.tables.iter().find(|t| t.topic.name == topic)
    }
}

/// The page of a topic, from the site's root.
pub(super) fn topic_path(name: &str) -> String {
    format!("topic/{}.html", slug(name))
}

/// The page of a sink table, from the site's root.
pub(super) fn table_path(name: &str) -> String {
    format!("table/{}.html", slug(name))
}

/// A name as a file name: ASCII letters, digits, `.`, `_` and `-` as they are, anything
/// else as `~` and its code point in hex (Avro and topic names need no escaping).
pub(super) fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else {
            out.push_str(&format!("~{:x}", c as u32));
        }
    }
    if out.starts_with('.') {
        out.insert(0, '~');
    }
    out
}

/// The named types `schema` names directly (not those inside them).
pub(super) fn direct_names(schema: &Schema, out: &mut BTreeSet<TypeId>) {
    match schema {
        Schema::Array(inner) | Schema::Map(inner) => direct_names(inner, out),
        Schema::Union(branches) => branches.iter().for_each(|b| direct_names(b, out)),
        Schema::Named(id) => {
            out.insert(*id);
        }
        _ => {}
    }
}

/// Every named type a topic's key and value reach, through fields, in any depth.
pub(super) fn reached(set: &SchemaSet, topic: &Topic) -> BTreeSet<TypeId> {
    let mut pending = BTreeSet::new();
    if let Some(key) = &topic.key {
        direct_names(key, &mut pending);
    }
    for value in &topic.value_types {
        direct_names(value, &mut pending);
    }
    let mut seen = BTreeSet::new();
    while let Some(id) = pending.pop_first() {
        if !seen.insert(id) {
            continue;
        }
        if let NamedKind::Record(record) = &set.get(id).kind {
            for field in &record.fields {
                let mut next = BTreeSet::new();
                direct_names(&field.schema, &mut next);
                pending.extend(next.into_iter().filter(|n| !seen.contains(n)));
            }
        }
    }
    seen
}

/// How strict a mode is, to choose among the topics that reach a type.
fn strictness(mode: Compatibility) -> u8 {
    match mode {
        Compatibility::None => 0,
        Compatibility::Backward | Compatibility::Forward => 1,
        Compatibility::BackwardTransitive | Compatibility::ForwardTransitive => 2,
        Compatibility::Full => 3,
        Compatibility::FullTransitive => 4,
    }
}

/// The mode each type's changes are judged under: the strictest mode among the topics
/// that reach it (the first such topic by name on a tie), else BACKWARD, the registry's
/// default, as the gate checks a type no topic reaches.
pub(crate) fn subject_modes(set: &SchemaSet, catalog: Option<&Catalog>) -> BTreeMap<TypeId, SubjectMode> {
    let mut modes: BTreeMap<TypeId, SubjectMode> = set
        .iter()
        .map(|(id, _)| {
            (
                id,
                SubjectMode {
                    mode: Compatibility::Backward,
                    topic: None,
                },
            )
        })
        .collect();
    let mut topics: Vec<&Topic> = catalog.iter().flat_map(|c| &c.topics).collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    for topic in topics {
        for id in reached(set, topic) {
            let Some(current) = modes.get_mut(&id) else { continue };
            let stricter = current.topic.is_none() || strictness(topic.compatibility) > strictness(current.mode);
            if stricter {
                *current = SubjectMode {
                    mode: topic.compatibility,
                    topic: Some(topic.name.clone()),
                };
            }
        }
    }
    modes
}
