//! The catalog's checker: every rule a catalog must follow, applied to the [`raw`](super::raw)
//! tables, with each problem located at the offending value and a hint. It resolves
//! `[defaults]` and per-environment overrides into [`TopicSettings`], the key and value
//! names into the [`SchemaSet`]'s types, and the sinks against the value's fields.

use super::connect;
use super::names::{connector_name_problem, topic_name_problem};
use super::raw::{self, RawCatalog, RawSettings};
use super::tombstones;
use super::units::{parse_bytes, parse_duration_ms};
use super::value_types;
use super::{Catalog, CleanupPolicy, Compression, Topic, TopicSettings};
use crate::diagnostic::did_you_mean;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{NamedKind, Schema, SchemaSet};
use crate::source::{SourceFile, Span};
use avrokit_schema::sql::{Index, Sink, SinkWriter};
use avrokit_schema::subject::SubjectNameStrategy;
use avrokit_schema::{Compatibility, KeyFormat};
use std::collections::BTreeMap;

/// Checks the catalog `raw`, as parsed from `file`, against `schemas`: the catalog, or
/// every problem found, located in `file`.
pub(super) fn catalog(file: &SourceFile, raw: &RawCatalog, schemas: &SchemaSet) -> Result<Catalog, Diagnostics> {
    let mut checker = Checker {
        file,
        schemas,
        diagnostics: Diagnostics::default(),
        default_strategy: SubjectNameStrategy::TopicName,
    };
    let environments: Vec<String> = raw.environments.iter().map(|e| e.get_ref().clone()).collect();
    for (key, span) in raw.defaults.topic_only_keys() {
        if !matches!(key, "compatibility" | "key_format" | "subject_strategy") {
            checker.error(
                span,
                format!("`{key}` cannot be set in [defaults]"),
                Some("set it on each topic".into()),
            );
        }
    }
    let defaults = checker.settings(&raw.defaults, &TopicSettings::default(), "defaults");
    let default_compatibility = checker.compatibility(raw.defaults.compatibility.as_ref(), Compatibility::Backward);
    let default_key_format = checker.key_format(raw.defaults.key_format.as_ref(), KeyFormat::Avro);
    checker.default_strategy =
        checker.subject_strategy(raw.defaults.subject_strategy.as_ref(), SubjectNameStrategy::TopicName);
    let mut topics = Vec::with_capacity(raw.topics.len());
    for (name, topic) in &raw.topics {
        topics.push(checker.topic(
            name,
            topic,
            &defaults,
            default_compatibility,
            default_key_format,
            &environments,
        ));
    }
    checker.check_topic_collisions(raw);
    checker.check_sink_tables(raw);
    let (connect, problems) = connect::settings(raw.connect.as_ref());
    for problem in problems {
        checker.error(problem.span, problem.message, Some(problem.hint));
    }
    let catalog = Catalog {
        file: file.clone(),
        environments,
        topics,
        connect,
    };
    checker.diagnostics.into_result(catalog)
}

/// Checks one catalog, collecting every problem.
struct Checker<'a> {
    file: &'a SourceFile,
    schemas: &'a SchemaSet,
    diagnostics: Diagnostics,
    /// `[defaults]`'s subject strategy, for topics without their own.
    default_strategy: SubjectNameStrategy,
}

impl Checker<'_> {
    fn error(&mut self, span: std::ops::Range<usize>, message: impl Into<String>, hint: Option<String>) {
        let mut diagnostic = Diagnostic::at(self.file, Span::new(span.start, span.end), message);
        if let Some(hint) = hint {
            diagnostic = diagnostic.with_hint(hint);
        }
        self.diagnostics.push(diagnostic);
    }

    fn settings(&mut self, raw: &RawSettings, base: &TopicSettings, context: &str) -> TopicSettings {
        let mut settings = base.clone();
        if let Some(p) = &raw.partitions {
            if *p.get_ref() == 0 {
                self.error(
                    p.span(),
                    format!("{context}: `partitions` must be at least 1"),
                    Some("a topic needs one partition or more".into()),
                );
            }
            settings.partitions = *p.get_ref();
        }
        if let Some(rf) = &raw.replication_factor {
            if *rf.get_ref() == 0 {
                self.error(
                    rf.span(),
                    format!("{context}: `replication_factor` must be at least 1"),
                    Some("1 keeps one copy of each partition (dev); 3 is usual in production".into()),
                );
            }
            settings.replication_factor = *rf.get_ref();
        }
        if let Some(isr) = &raw.min_insync_replicas {
            settings.min_insync_replicas = *isr.get_ref();
        }
        if let Some(retention) = &raw.retention {
            match parse_duration_ms(retention.get_ref()) {
                Ok(ms) => settings.retention_ms = ms,
                Err(err) => self.error(
                    retention.span(),
                    format!("{context}: `retention`: {}", err.message),
                    Some(err.hint),
                ),
            }
        }
        if let Some(bytes) = &raw.retention_bytes {
            match parse_bytes(bytes.get_ref()) {
                Ok(n) => settings.retention_bytes = n,
                Err(err) => self.error(
                    bytes.span(),
                    format!("{context}: `retention_bytes`: {}", err.message),
                    Some(err.hint),
                ),
            }
        }
        if let Some(policy) = &raw.cleanup_policy {
            settings.cleanup_policy = match policy.get_ref().as_str() {
                "delete" => CleanupPolicy::Delete,
                "compact" => CleanupPolicy::Compact,
                "compact,delete" | "delete,compact" => CleanupPolicy::CompactDelete,
                other => {
                    self.error(
                        policy.span(),
                        format!("{context}: unknown cleanup policy `{other}`"),
                        Some("use \"delete\", \"compact\" or \"compact,delete\"".into()),
                    );
                    settings.cleanup_policy
                }
            };
        }
        if let Some(compression) = &raw.compression {
            settings.compression = match compression.get_ref().as_str() {
                "producer" => Compression::Producer,
                "none" | "uncompressed" => Compression::None,
                "gzip" => Compression::Gzip,
                "snappy" => Compression::Snappy,
                "lz4" => Compression::Lz4,
                "zstd" => Compression::Zstd,
                other => {
                    self.error(
                        compression.span(),
                        format!("{context}: unknown compression `{other}`"),
                        Some("use one of producer, none, gzip, snappy, lz4, zstd".into()),
                    );
                    settings.compression
                }
            };
        }
        settings
    }

    /// One of a closed set of words (`choices`, spelled as the catalog writes them), or an
    /// error at the word naming `what` it should have been, with the closest choice.
    fn keyword<T: Copy>(&mut self, raw: &toml::Spanned<String>, what: &str, choices: &[(&str, T)]) -> Option<T> {
        match keyword(raw.get_ref(), choices) {
            Ok(value) => Some(value),
            Err(hint) => {
                self.error(raw.span(), format!("unknown {what} `{}`", raw.get_ref()), Some(hint));
                None
            }
        }
    }

    fn compatibility(&mut self, raw: Option<&toml::Spanned<String>>, default: Compatibility) -> Compatibility {
        let choices = Compatibility::ALL.map(|mode| (mode.as_str(), mode));
        raw.and_then(|raw| self.keyword(raw, "compatibility mode", &choices))
            .unwrap_or(default)
    }

    fn key_format(&mut self, raw: Option<&toml::Spanned<String>>, default: KeyFormat) -> KeyFormat {
        let choices = [("avro", KeyFormat::Avro), ("raw", KeyFormat::Raw)];
        raw.and_then(|raw| self.keyword(raw, "key format", &choices))
            .unwrap_or(default)
    }

    fn subject_strategy(
        &mut self,
        raw: Option<&toml::Spanned<String>>,
        default: SubjectNameStrategy,
    ) -> SubjectNameStrategy {
        raw.and_then(|raw| self.keyword(raw, "subject strategy", &SubjectNameStrategy::WORDS))
            .unwrap_or(default)
    }

    fn avro_type(&mut self, raw: &toml::Spanned<String>) -> Schema {
        self.avro_type_at(raw.get_ref(), raw.span())
    }

    /// The type `name` (a primitive or a full name), or an error at `span`.
    fn avro_type_at(&mut self, name: &str, span: std::ops::Range<usize>) -> Schema {
        let primitive = match name {
            "null" => Some(Schema::Null),
            "boolean" => Some(Schema::Boolean),
            "int" => Some(Schema::Int),
            "long" => Some(Schema::Long),
            "float" => Some(Schema::Float),
            "double" => Some(Schema::Double),
            "bytes" => Some(Schema::Bytes),
            "string" => Some(Schema::String),
            _ => None,
        };
        if let Some(schema) = primitive {
            return schema;
        }
        if let Some(id) = self.schemas.lookup(name) {
            return Schema::Named(id);
        }
        let names: Vec<String> = self.schemas.types.iter().map(|t| t.name.to_string()).collect();
        let hint = did_you_mean(name, names.iter().map(String::as_str), || {
            "write a primitive type or the full name of a type defined in the schema directory".into()
        });
        self.error(span, format!("unknown type `{name}`"), Some(hint));
        Schema::Null
    }

    fn topic(
        &mut self,
        name: &toml::Spanned<String>,
        raw: &toml::Spanned<RawSettings>,
        defaults: &TopicSettings,
        default_compatibility: Compatibility,
        default_key_format: KeyFormat,
        environments: &[String],
    ) -> Topic {
        let topic = raw.get_ref();
        if let Some((problem, hint)) = topic_name_problem(name.get_ref()) {
            self.error(
                name.span(),
                format!("invalid topic name `{}`: {problem}", name.get_ref()),
                Some(hint),
            );
        }
        let context = format!("topic `{}`", name.get_ref());
        let settings = self.settings(topic, defaults, &context);
        let key = topic.key.as_ref().map(|k| self.avro_type(k));
        let key_format = self.key_format(topic.key_format.as_ref(), default_key_format);
        if let (Some(key_schema), KeyFormat::Raw, Some(raw_key)) = (&key, key_format, &topic.key)
            && !matches!(key_schema, Schema::String | Schema::Bytes | Schema::Null)
        {
            self.error(
                raw_key.span(),
                format!(
                    "{context}: a raw key must be `string` or `bytes`, not `{}`",
                    raw_key.get_ref()
                ),
                Some("set key_format = \"avro\" to write structured keys through the registry".into()),
            );
        }
        let mut value_types: Vec<Schema> = match &topic.value {
            Some(value) => (value.get_ref().names().iter())
                .map(|n| self.avro_type_at(n, value.span()))
                .collect(),
            None => {
                self.error(
                    name.span(),
                    format!("{context} has no `value` type"),
                    Some("add value = \"<full name of the value's Avro type>\"".into()),
                );
                Vec::new()
            }
        };
        let subject_strategy = self.subject_strategy(topic.subject_strategy.as_ref(), self.default_strategy);
        for problem in value_types::problems(self.schemas, &context, topic, &value_types, subject_strategy) {
            self.error(problem.span, problem.message, Some(problem.hint));
        }
        if value_types.is_empty() {
            value_types.push(Schema::Null);
        }
        let value = value_types[0].clone();
        let value_subjects = value_types::subjects(self.schemas, name.get_ref(), &value_types, subject_strategy);
        let mut per_env = BTreeMap::new();
        for (env, overrides) in &topic.env {
            if !environments.contains(env.get_ref()) {
                let hint = did_you_mean(env.get_ref(), environments.iter().map(String::as_str), || {
                    if environments.is_empty() {
                        "declare it in `environments = [...]` at the top of the catalog".to_owned()
                    } else {
                        format!(
                            "the declared environments are {}; use one of them or add it to `environments`",
                            environments.join(", ")
                        )
                    }
                });
                self.error(
                    env.span(),
                    format!("{context}: unknown environment `{}`", env.get_ref()),
                    Some(hint),
                );
            }
            let env_context = format!("{context} in `{}`", env.get_ref());
            for (key, span) in overrides.get_ref().topic_only_keys() {
                self.error(
                    span,
                    format!("{env_context}: `{key}` cannot differ per environment"),
                    Some(
                        "only Kafka settings (partitions, replication_factor, retention, ...) can be overridden".into(),
                    ),
                );
            }
            let overrides = overrides.get_ref();
            let resolved = self.settings(overrides, &settings, &env_context);
            // Blame what the override changed; failing that, the topic's own setting.
            let culprit = isr_culprit(overrides)
                .or_else(|| isr_culprit(topic))
                .unwrap_or(name.span());
            self.check_isr(&resolved, culprit, &env_context);
            per_env.insert(env.get_ref().clone(), resolved);
        }
        let culprit = isr_culprit(topic).unwrap_or(name.span());
        self.check_isr(&settings, culprit, &context);
        let compatibility = self.compatibility(topic.compatibility.as_ref(), default_compatibility);
        let sink = topic.sink.as_ref().map(|s| self.sink(s, &value, &context));
        // Without a key there is nothing to format, whatever the defaults say.
        let key_format = if key.is_some() { key_format } else { KeyFormat::None };
        let flag = topic.tombstones.as_ref().map(|f| *f.get_ref());
        let tombstones = tombstones::enabled(flag, &settings, &per_env);
        if let (true, Some(sink), Some(raw_sink)) = (tombstones, &sink, &topic.sink)
            && let Some((problem, hint)) = tombstones::key_problem(self.schemas, key.as_ref(), key_format, &value, sink)
        {
            let why = match flag {
                Some(_) => "has tombstones",
                None => "is compacted, so it has tombstones",
            };
            self.error(
                raw_sink.table.span(),
                format!("{context} {why}, and its sink cannot delete the row a tombstone names: {problem}"),
                Some(hint),
            );
        }
        Topic {
            name: name.get_ref().clone(),
            doc: topic.doc.clone(),
            key,
            key_format,
            value,
            value_types,
            subject_strategy,
            value_subjects,
            settings,
            environments: per_env,
            compatibility,
            sink,
            tombstones,
            span: Span::new(raw.span().start, raw.span().end),
        }
    }

    fn check_isr(&mut self, settings: &TopicSettings, culprit: std::ops::Range<usize>, context: &str) {
        let (isr, rf) = (settings.min_insync_replicas, settings.replication_factor);
        if isr > rf || isr == 0 {
            let hint = if isr == 0 {
                "set min_insync_replicas to 1 or more".to_owned()
            } else {
                format!(
                    "lower min_insync_replicas to at most {rf} or raise replication_factor to at least {isr}: with acks=all, producers would be refused every write"
                )
            };
            self.error(
                culprit,
                format!("{context}: min_insync_replicas {isr} must be between 1 and the replication factor {rf}"),
                Some(hint),
            );
        }
    }

    fn sink(&mut self, raw: &raw::RawSink, value: &Schema, context: &str) -> Sink {
        let record_fields: Vec<(String, Schema)> = match value {
            Schema::Named(id) => match &self.schemas.get(*id).kind {
                NamedKind::Record(record) => record
                    .fields
                    .iter()
                    .map(|f| (f.name.clone(), f.schema.clone()))
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let fields: Vec<String> = record_fields.iter().map(|(name, _)| name.clone()).collect();
        let field_schemas: BTreeMap<String, Schema> = record_fields.into_iter().collect();
        let writer = self.sink_writer(raw.writer.as_ref());
        if fields.is_empty() {
            self.error(
                raw.table.span(),
                format!(
                    "{context}: a sink needs a record value type, not `{}`",
                    self.schemas.describe(value)
                ),
                Some(
                    "a sink writes the value's fields as columns; give the topic a record value or remove the sink"
                        .into(),
                ),
            );
        }
        let check_column = |checker: &mut Self, column: &toml::Spanned<String>, what: &str| {
            if !fields.is_empty() && !fields.contains(column.get_ref()) {
                let hint = did_you_mean(column.get_ref(), fields.iter().map(String::as_str), || {
                    format!("the value's fields are: {}", fields.join(", "))
                });
                checker.error(
                    column.span(),
                    format!("{context}: {what} `{}` is not a field of the value", column.get_ref()),
                    Some(hint),
                );
            }
        };
        for column in &raw.primary_key {
            check_column(self, column, "primary key column");
            // A NULL cannot be part of a primary key: PostgreSQL refuses the table's
            // first row with an optional key field left empty.
            if let Some(schema) = field_schemas.get(column.get_ref())
                && is_nullable(schema)
            {
                self.error(
                    column.span(),
                    format!(
                        "{context}: primary key column `{}` is optional (`{}`)",
                        column.get_ref(),
                        self.schemas.describe(schema)
                    ),
                    Some(
                        "a primary key column cannot hold NULL; make the field required or choose other key fields"
                            .into(),
                    ),
                );
            }
        }
        for index in &raw.indexes {
            for column in &index.columns {
                check_column(self, column, "index column");
            }
        }
        self.check_connector_sink(raw, writer, context);
        Sink {
            table: raw.table.get_ref().clone(),
            writer,
            span: Some(Span::new(raw.table.span().start, raw.table.span().end)),
            primary_key: raw.primary_key.iter().map(|c| c.get_ref().clone()).collect(),
            indexes: raw
                .indexes
                .iter()
                .map(|i| Index {
                    name: i.name.get_ref().clone(),
                    columns: i.columns.iter().map(|c| c.get_ref().clone()).collect(),
                })
                .collect(),
            connector: raw.connector.as_ref().map(|c| c.get_ref().clone()),
            dead_letter_topic: raw.dead_letter_topic.as_ref().map(|t| t.get_ref().clone()),
        }
    }

    /// What a connector sink needs beyond its table: the connector JSON says `upsert`, which
    /// the Confluent connector refuses only at run time without key fields, and the names
    /// the catalog gives its connector and dead-letter topic must be usable.
    fn check_connector_sink(&mut self, raw: &raw::RawSink, writer: SinkWriter, context: &str) {
        if writer.is_connector() && raw.primary_key.is_empty() {
            self.error(
                raw.table.span(),
                format!(
                    "{context}: {} upserts by primary key, and the sink has none",
                    writer.display_name()
                ),
                Some("add primary_key = [\"<field>\", ...] naming required fields that identify a row".into()),
            );
        }
        let overrides = [&raw.connector, &raw.dead_letter_topic];
        if !writer.is_connector()
            && let Some(set) = overrides.into_iter().flatten().next()
        {
            self.error(
                set.span(),
                format!("{context}: `connector` and `dead_letter_topic` only apply to connector sinks"),
                Some("remove them, or set writer = \"confluent-jdbc\" or \"debezium-jdbc\"".into()),
            );
        }
        if let Some(name) = &raw.connector
            && let Some(problem) = connector_name_problem(name.get_ref())
        {
            self.error(
                name.span(),
                format!("{context}: invalid connector name `{}`: {problem}", name.get_ref()),
                Some("connector names use ASCII letters, digits, `.`, `_` and `-`".into()),
            );
        }
        if let Some(topic) = &raw.dead_letter_topic
            && let Some((problem, hint)) = topic_name_problem(topic.get_ref())
        {
            self.error(
                topic.span(),
                format!("{context}: invalid dead-letter topic `{}`: {problem}", topic.get_ref()),
                Some(hint),
            );
        }
    }

    fn sink_writer(&mut self, raw: Option<&toml::Spanned<String>>) -> SinkWriter {
        let choices = SinkWriter::ALL.map(|writer| (writer.as_str(), writer));
        raw.and_then(|raw| self.keyword(raw, "sink writer", &choices))
            .unwrap_or(SinkWriter::Avrokit)
    }

    /// Two sinks on one table would fight over its rows and its columns. Names are
    /// compared as PostgreSQL and Debezium see them: unquoted names fold to lower case and
    /// Debezium turns dots into underscores, so `Orders`, `orders` and `orders` collide.
    fn check_sink_tables(&mut self, raw: &RawCatalog) {
        let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (topic, settings) in &raw.topics {
            let Some(sink) = &settings.get_ref().sink else {
                continue;
            };
            let table = sink.table.get_ref();
            let folded = table.to_lowercase().replace('.', "_");
            if let Some((first_topic, first_table)) = seen.get(&folded) {
                let message = if first_table == table {
                    format!(
                        "topic `{}`: table `{table}` is already the sink of topic `{first_topic}`",
                        topic.get_ref()
                    )
                } else {
                    format!(
                        "topic `{}`: table `{table}` collides with `{first_table}` (sink of topic `{first_topic}`) after case folding",
                        topic.get_ref()
                    )
                };
                self.error(
                    sink.table.span(),
                    message,
                    Some("two sinks on one table overwrite each other's rows; give each sink its own table".into()),
                );
            } else {
                seen.insert(folded, (topic.get_ref().clone(), table.clone()));
            }
        }
        self.check_index_names(raw);
    }

    /// PostgreSQL keeps index names per schema, beside the table names, so an index name
    /// must differ (after case folding) from every other index and every sink table.
    fn check_index_names(&mut self, raw: &RawCatalog) {
        let sinks = || {
            raw.topics
                .iter()
                .filter_map(|(topic, settings)| Some((topic, settings.get_ref().sink.as_ref()?)))
        };
        let tables: BTreeMap<String, String> = sinks()
            .map(|(_, sink)| (sink.table.get_ref().to_lowercase(), sink.table.get_ref().clone()))
            .collect();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (topic, sink) in sinks() {
            for index in &sink.indexes {
                let name = index.name.get_ref();
                let folded = name.to_lowercase();
                let clash = if let Some(table) = tables.get(&folded) {
                    Some(format!("index `{name}` has the name of sink table `{table}`"))
                } else {
                    seen.get(&folded)
                        .map(|first| format!("index `{name}` is already an index of {first}"))
                };
                match clash {
                    Some(what) => self.error(
                        index.name.span(),
                        format!("topic `{}`: {what}", topic.get_ref()),
                        Some("PostgreSQL names indexes per schema: give each index a name of its own".into()),
                    ),
                    None => {
                        seen.insert(folded, format!("table `{}`", sink.table.get_ref()));
                    }
                }
            }
        }
    }

    /// Kafka's metric names replace `.` by `_`, so `a.b` and `a_b` collide.
    fn check_topic_collisions(&mut self, raw: &RawCatalog) {
        let mut seen: BTreeMap<String, &toml::Spanned<String>> = BTreeMap::new();
        for name in raw.topics.keys() {
            let folded = name.get_ref().replace('.', "_");
            if let Some(first) = seen.get(&folded) {
                let first = first.get_ref().clone();
                self.error(
                    name.span(),
                    format!("topic `{}` collides with `{first}`", name.get_ref()),
                    Some("Kafka treats `.` and `_` alike in metric names; rename one of them".into()),
                );
            } else {
                seen.insert(folded, name);
            }
        }
    }
}

/// The value of `word` among `choices` (a closed set of words, spelled as the catalog
/// writes them), or the hint for a word that is none of them: the closest choice, else
/// every choice. Every keyword of the catalog is read here; [`Checker::keyword`] reports
/// the error at the word.
pub(super) fn keyword<T: Copy>(word: &str, choices: &[(&str, T)]) -> Result<T, String> {
    if let Some((_, value)) = choices.iter().find(|(name, _)| *name == word) {
        return Ok(*value);
    }
    let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
    Err(did_you_mean(word, names.iter().copied(), || {
        format!("use one of: {}", names.join(", "))
    }))
}

/// Where the ISR rule was broken at one level (a topic or an override): the
/// `min_insync_replicas` it sets, else the `replication_factor` it sets.
fn isr_culprit(level: &RawSettings) -> Option<std::ops::Range<usize>> {
    level
        .min_insync_replicas
        .as_ref()
        .map(toml::Spanned::span)
        .or_else(|| level.replication_factor.as_ref().map(toml::Spanned::span))
}

/// Whether a field can be null: a union with a `null` branch (or `null` itself).
fn is_nullable(schema: &Schema) -> bool {
    match schema {
        Schema::Null => true,
        Schema::Union(branches) => branches.contains(&Schema::Null),
        _ => false,
    }
}
