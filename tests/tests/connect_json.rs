//! The connector JSON `gen` writes (`generated/connect/<env>/<connector>.json`):
//! snapshots for `avro-schemas/catalog.toml` (in `snapshots/`) and for `corpus/connect/`
//! (both writers, dotted topics and tables, an Avro key, overridden names; in
//! `corpus/connect/snapshots/`), the Confluent files against that connector's documented
//! keys, and the located refusals of names that cannot work (beside the corpus's other
//! snapshots, as `refused__<case>.snap`). Offline; `stack_connect_json.rs` checks the
//! Debezium files against the keys the live plugin defines.

use avrokit_codegen::Generator;
use avrokit_codegen::catalog::parse_catalog;
use avrokit_codegen::connect::{ConnectorFile, config::CONFLUENT_JDBC_SINK};
use avrokit_codegen::output::GeneratedFile;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_dir};

#[path = "support/corpus_snapshots.rs"]
mod corpus_snapshots;

/// Where the expected outputs of `corpus/connect/` live.
const CORPUS_SNAPSHOTS: &str = "corpus/connect/snapshots";

fn connect_of(dir: &str) -> Vec<GeneratedFile> {
    Generator::new(dir)
        .catalog(format!("{dir}/catalog.toml"))
        .generate()
        .unwrap_or_else(|diagnostics| panic!("{dir} must generate:\n{diagnostics}"))
        .connect
}

fn parsed(files: &[GeneratedFile]) -> Vec<ConnectorFile> {
    files
        .iter()
        .map(|f| serde_json::from_str(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path.display())))
        .collect()
}

fn all_files() -> Vec<ConnectorFile> {
    parsed(
        &connect_of("../avro-schemas")
            .into_iter()
            .chain(connect_of("corpus/connect"))
            .collect::<Vec<_>>(),
    )
}

/// `dev/x.json` as `dev__x.json`: one snapshot file per connector file, side by side.
fn snapshot_name(file: &GeneratedFile) -> String {
    file.path.display().to_string().replace('/', "__")
}

#[test]
fn avro_schemas_connectors() {
    let files = connect_of("../avro-schemas");
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert_eq!(
        paths,
        ["dev/telescope_data_raw-sink.json", "prod/telescope_data_raw-sink.json"]
    );
    for file in &files {
        insta::assert_snapshot!(format!("avro_schemas__{}", snapshot_name(file)), &file.contents);
    }
}

#[test]
fn corpus_connectors_of_both_writers() {
    let files = connect_of("corpus/connect");
    assert_eq!(
        files.len(),
        10,
        "five connector sinks (the avrokit sink has none) in two environments"
    );
    for file in &files {
        corpus_snapshots::assert_beside(CORPUS_SNAPSHOTS, &snapshot_name(file), &file.contents);
    }
}

/// Topics with tombstones (compacted, or `tombstones = true`) delete by the record key,
/// which both connectors require for `delete.enabled`; the others upsert by value fields.
#[test]
fn tombstone_topics_delete_rows_by_the_record_key() {
    let config_of = |name: &str| {
        let file: ConnectorFile = connect_of("corpus/connect")
            .iter()
            .find(|f| f.path.to_str() == Some(&format!("dev/{name}.json")))
            .map(|f| serde_json::from_str(&f.contents).expect("JSON"))
            .unwrap_or_else(|| panic!("no dev/{name}.json"));
        file.config
    };
    let get = |config: &std::collections::BTreeMap<String, String>, key: &str| config.get(key).cloned();
    let compacted = config_of("order_latest-sink");
    assert_eq!(get(&compacted, "delete.enabled").as_deref(), Some("true"));
    assert_eq!(get(&compacted, "primary.key.mode").as_deref(), Some("record_key"));
    assert_eq!(get(&compacted, "primary.key.fields").as_deref(), Some("id"));
    let flagged = config_of("order_keys-sink");
    assert_eq!(get(&flagged, "delete.enabled").as_deref(), Some("true"));
    assert_eq!(get(&flagged, "pk.mode").as_deref(), Some("record_key"));
    let plain = config_of("order_status-sink");
    assert_eq!(get(&plain, "delete.enabled").as_deref(), Some("false"));
    assert_eq!(get(&plain, "primary.key.mode").as_deref(), Some("record_value"));
}

/// Every key `io.confluent.connect.jdbc.JdbcSinkConnector` documents, plus Kafka Connect's
/// common connector keys. Sources: kafka-connect-jdbc `JdbcSinkConfig.java` (10.9.x,
/// "JDBC Sink Connector Configuration Properties" on docs.confluent.io) and Apache Kafka's
/// `ConnectorConfig`/`SinkConnectorConfig` ("Kafka Connect Configs", sink connector
/// configs, kafka.apache.org/documentation/#sinkconnectconfigs).
const CONFLUENT_DOCUMENTED_KEYS: &[&str] = &[
    // JdbcSinkConfig
    "connection.url",
    "connection.user",
    "connection.password",
    "connection.attempts",
    "connection.backoff.ms",
    "dialect.name",
    "insert.mode",
    "batch.size",
    "delete.enabled",
    "table.name.format",
    "table.types",
    "pk.mode",
    "pk.fields",
    "fields.whitelist",
    "db.timezone",
    "date.timezone",
    "auto.create",
    "auto.evolve",
    "quote.sql.identifiers",
    "max.retries",
    "retry.backoff.ms",
    "mssql.use.merge.holdlock",
    "trim.sensitive.log",
    "timestamp.fields.list",
    "timestamp.precision.mode",
    "replace.null.with.default",
    // ConnectorConfig and SinkConnectorConfig
    "name",
    "connector.class",
    "tasks.max",
    "tasks.max.enforce",
    "key.converter",
    "value.converter",
    "header.converter",
    "config.action.reload",
    "transforms",
    "predicates",
    "errors.retry.timeout",
    "errors.retry.delay.max.ms",
    "errors.tolerance",
    "errors.log.enable",
    "errors.log.include.messages",
    "topics",
    "topics.regex",
    "errors.deadletterqueue.topic.name",
    "errors.deadletterqueue.topic.replication.factor",
    "errors.deadletterqueue.context.headers.enable",
];

/// Prefixes Connect passes on to a plugin: the converters' own settings.
const CONVERTER_PREFIXES: [&str; 2] = ["key.converter.", "value.converter."];

#[test]
fn confluent_files_use_only_documented_keys() {
    let confluent: Vec<ConnectorFile> = all_files()
        .into_iter()
        .filter(|f| f.config.get("connector.class").map(String::as_str) == Some(CONFLUENT_JDBC_SINK))
        .collect();
    assert!(!confluent.is_empty(), "the corpus has Confluent sinks");
    for file in &confluent {
        let unknown: Vec<&String> = file
            .config
            .keys()
            .filter(|k| !CONFLUENT_DOCUMENTED_KEYS.contains(&k.as_str()))
            .filter(|k| !CONVERTER_PREFIXES.iter().any(|p| k.starts_with(p)))
            .collect();
        assert!(unknown.is_empty(), "{}: undocumented keys {unknown:?}", file.name);
        for (key, allowed) in [
            ("insert.mode", &["insert", "upsert", "update"][..]),
            ("pk.mode", &["none", "kafka", "record_key", "record_value"]),
            ("quote.sql.identifiers", &["always", "never"]),
            ("errors.tolerance", &["none", "all"]),
        ] {
            let value = file.config.get(key).map(String::as_str).unwrap_or_default();
            assert!(
                allowed.contains(&value),
                "{}: {key}={value:?} is not one of {allowed:?}",
                file.name
            );
        }
    }
}

/// `corpus/connect/catalog.toml` with `edit` applied, checked and generated.
fn refusals_of(edit: impl Fn(String) -> String) -> String {
    let schemas = load_dir("corpus/connect".as_ref(), &LoadOptions::default()).expect("the corpus loads");
    let text = edit(std::fs::read_to_string("corpus/connect/catalog.toml").expect("the corpus catalog"));
    let catalog = parse_catalog(SourceFile::new("tests/corpus/connect/catalog.toml", text), &schemas)
        .unwrap_or_else(|d| panic!("the edited catalog is valid:\n{d}"));
    let diagnostics = avrokit_codegen::connect::generate(&catalog).expect_err("refused");
    for diagnostic in &diagnostics.0 {
        assert!(
            diagnostic.line > 0 && diagnostic.hint.is_some(),
            "located and hinted: {diagnostic}"
        );
    }
    diagnostics.to_string()
}

#[test]
fn two_sinks_with_one_connector_name_are_refused() {
    let shown = refusals_of(|text| text.replace("connector = \"order-audit\"", "connector = \"order_status-sink\""));
    corpus_snapshots::assert_beside(CORPUS_SNAPSHOTS, "refused__shared_connector_name", &shown);
}

#[test]
fn a_dead_letter_topic_that_is_another_catalog_topic_is_refused() {
    let shown = refusals_of(|text| {
        text.replace(
            "dead_letter_topic = \"shop.dead-letters\"",
            "dead_letter_topic = \"shop.keys\"",
        ) + "\n[topics.\"shop.keys\"]\nvalue = \"shop.OrderKey\"\n"
    });
    corpus_snapshots::assert_beside(CORPUS_SNAPSHOTS, "refused__dead_letters_into_a_catalog_topic", &shown);
}
