//! The connector JSON `gen` writes (`generated/connect/<env>/<connector>.json`):
//! snapshots for the seeds' catalog and for `corpus/connect/` (both writers, dotted topics
//! and tables, an Avro key, overridden names), the Confluent files against that
//! connector's documented keys, the Debezium files against the keys the live plugin
//! defines (skipped without a stack), and the located refusals of names that cannot work.

use avrokit_codegen::Generator;
use avrokit_codegen::catalog::parse_catalog;
use avrokit_codegen::connect::converter::CONFLUENT_AVRO_CONVERTER;
use avrokit_codegen::connect::{ConnectorFile, config::CONFLUENT_JDBC_SINK, config::DEBEZIUM_JDBC_SINK};
use avrokit_codegen::output::GeneratedFile;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_dir};
use avrokit_tests::stack_env::{self, say};
use std::io::Write;
use std::process::{Command, Stdio};

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
fn seed_connectors() {
    let files = connect_of("../avro-schemas");
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert_eq!(
        paths,
        ["dev/telescope_data_raw-sink.json", "prod/telescope_data_raw-sink.json"]
    );
    for file in &files {
        insta::assert_snapshot!(format!("seeds__{}", snapshot_name(file)), &file.contents);
    }
}

#[test]
fn corpus_connectors_of_both_writers() {
    let files = connect_of("corpus/connect");
    assert_eq!(
        files.len(),
        6,
        "three connector sinks (the avrokit sink has none) in two environments"
    );
    for file in &files {
        insta::assert_snapshot!(format!("corpus__{}", snapshot_name(file)), &file.contents);
    }
}

/// Every key `io.confluent.connect.jdbc.JdbcSinkConnector` documents, plus Kafka Connect's
/// common connector keys. Sources: kafka-connect-jdbc `JdbcSinkConfig.java` (10.9.x,
/// "JDBC Sink Connector Configuration Properties" on docs.confluent.io; our survey,
/// /work/shared/reference/gating-ddl-anchors.md e.1) and Apache Kafka's
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

/// `PUT /connector-plugins/{class}/config/validate` on the stack's Connect, through curl.
fn validate(connect: &str, class: &str, file: &ConnectorFile) -> Result<serde_json::Value, String> {
    let mut config = file.config.clone();
    config.insert("name".into(), file.name.clone());
    let url = format!("{connect}/connector-plugins/{class}/config/validate");
    let mut child = Command::new("curl")
        .args([
            "-sS",
            "-f",
            "-X",
            "PUT",
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            "@-",
            &url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run curl: {e}"))?;
    let body = serde_json::to_vec(&config).map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(&body)
        .map_err(|e| e.to_string())?;
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("PUT {url}: {}", String::from_utf8_lossy(&output.stderr)));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("PUT {url}: {e}"))
}

#[test]
fn debezium_files_use_only_keys_the_live_plugin_defines() {
    let (connect, exported) = match stack_env::var("KAFKA_CONNECT_URL") {
        Ok(found) => found,
        Err(why) => {
            say(&format!(
                "SKIPPED connect_json (live Debezium keys): {why}; run it with `cargo xtask test`, or \
                 `cargo xtask stack up` then `cargo test -p avrokit-tests --test connect_json`"
            ));
            return;
        }
    };
    let debezium: Vec<ConnectorFile> = all_files()
        .into_iter()
        .filter(|f| f.config.get("connector.class").map(String::as_str) == Some(DEBEZIUM_JDBC_SINK))
        .collect();
    assert!(debezium.len() >= 3, "the seeds and the corpus have Debezium sinks");
    for file in &debezium {
        let answer = match validate(&connect, DEBEZIUM_JDBC_SINK, file) {
            Ok(answer) => answer,
            Err(why) => {
                assert!(!exported, "Connect at {connect}: {why}");
                say(&format!(
                    "SKIPPED connect_json (live Debezium keys): {why} (stale stack.env?)"
                ));
                return;
            }
        };
        let configs = answer["configs"].as_array().expect("validate answers `configs`");
        let known: Vec<&str> = configs
            .iter()
            .filter_map(|c| c["definition"]["name"].as_str())
            .collect();
        let unknown: Vec<&String> = file
            .config
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .filter(|k| !CONVERTER_PREFIXES.iter().any(|p| k.starts_with(p)))
            .collect();
        assert!(
            unknown.is_empty(),
            "{}: keys the plugin does not define: {unknown:?}",
            file.name
        );
        // The stack's worker runs Apicurio's converter only: Confluent's class (the corpus
        // catalog's choice) is the one error it may find.
        let errors: Vec<&str> = configs
            .iter()
            .flat_map(|c| c["value"]["errors"].as_array().into_iter().flatten())
            .filter_map(|e| e.as_str())
            .filter(|e| !(e.contains(CONFLUENT_AVRO_CONVERTER) && e.contains("could not be found")))
            .collect();
        assert!(errors.is_empty(), "{}: Connect's validation: {errors:?}", file.name);
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
    insta::assert_snapshot!("refused__shared_connector_name", shown);
}

#[test]
fn a_dead_letter_topic_that_is_another_catalog_topic_is_refused() {
    let shown = refusals_of(|text| {
        text.replace(
            "dead_letter_topic = \"shop.dead-letters\"",
            "dead_letter_topic = \"shop.keys\"",
        ) + "\n[topics.\"shop.keys\"]\nvalue = \"shop.OrderKey\"\n"
    });
    insta::assert_snapshot!("refused__dead_letters_into_a_catalog_topic", shown);
}
