//! The Kafka Connect backend: a connector JSON for every connector sink of the catalog
//! (writer `confluent-jdbc` or `debezium-jdbc`) in every environment, as
//! `<environment>/<connector>.json` holding `{"name", "config"}` (README, "Connector
//! JSON").
//!
//! Connection values are the catalog's `[connect]` placeholders, resolved by the worker's
//! config provider; nothing secret is written.

pub mod config;
pub mod converter;
mod naming;

use crate::catalog::{Catalog, Sink, Topic, connector_name_problem};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::GeneratedFile;
use naming::{connector_name, dead_letter_topic};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The directory of a catalog that declares no environments.
pub const DEFAULT_ENVIRONMENT: &str = "default";

/// One connector as `POST /connectors` takes it (and `PUT /connectors/{name}/config`
/// takes its `config`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorFile {
    /// The connector's name.
    pub name: String,
    /// Its configuration, keys sorted.
    pub config: BTreeMap<String, String>,
}

/// The environments files are written for: the catalog's, or [`DEFAULT_ENVIRONMENT`].
pub fn environments(catalog: &Catalog) -> Vec<String> {
    if catalog.environments.is_empty() {
        vec![DEFAULT_ENVIRONMENT.to_owned()]
    } else {
        catalog.environments.clone()
    }
}

/// Every connector file of `catalog`, or every reason one cannot be written, located at
/// the sink in the catalog.
pub fn generate(catalog: &Catalog) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let sinks: Vec<(&Topic, &Sink)> = catalog
        .topics
        .iter()
        .filter_map(|topic| topic.sink.as_ref().map(|sink| (topic, sink)))
        .filter(|(_, sink)| sink.writer.is_connector())
        .collect();
    let diagnostics = check(catalog, &sinks);
    let mut files = Vec::new();
    for environment in environments(catalog) {
        for (topic, sink) in &sinks {
            let file = ConnectorFile {
                name: connector_name(sink),
                config: config::build(&catalog.connect, topic, sink, &environment),
            };
            files.push(GeneratedFile::new(
                format!("{environment}/{}.json", file.name),
                render(&file),
            ));
        }
    }
    diagnostics.into_result(files)
}

/// Pretty JSON with a final newline; struct fields and the sorted map fix the key order.
fn render(file: &ConnectorFile) -> String {
    let mut text = serde_json::to_string_pretty(file).expect("a struct of strings always serializes");
    text.push('\n');
    text
}

/// Names that cannot work: a default connector name Connect's REST path cannot carry, two
/// sinks with one connector name, a dead-letter topic that is another catalog topic.
fn check(catalog: &Catalog, sinks: &[(&Topic, &Sink)]) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    let mut at = |sink: &Sink, message: String, hint: &str| {
        let diagnostic = match sink.span {
            Some(span) => Diagnostic::at(&catalog.file, span, message),
            None => Diagnostic::file(catalog.file.path(), message),
        };
        diagnostics.push(diagnostic.with_hint(hint));
    };
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    for (topic, sink) in sinks {
        let context = format!("topic `{}`, table `{}`", topic.name, sink.table);
        let name = connector_name(sink);
        if let Some(problem) = connector_name_problem(&name) {
            at(
                sink,
                format!("{context}: the connector name `{name}` is unusable: {problem}"),
                "set connector = \"<name>\" in the sink (ASCII letters, digits, `.`, `_`, `-`)",
            );
        }
        if let Some(first) = names.insert(name.clone(), &topic.name) {
            at(
                sink,
                format!("{context}: connector `{name}` is also the sink of topic `{first}`"),
                "one connector name per sink: set connector = \"<name>\" in one of them",
            );
        }
        let dead_letters = dead_letter_topic(topic, sink);
        if let Some(other) = catalog.topics.iter().find(|t| t.name == dead_letters)
            && other.value != topic.value
        {
            at(
                sink,
                format!("{context}: the dead-letter topic `{dead_letters}` is a catalog topic of another value type"),
                "the connector writes the failed records of this topic there as they came; set dead_letter_topic = \"<topic>\" in the sink",
            );
        }
    }
    diagnostics
}
