//! The topics of the pipelines in `avro-schemas/`, as `catalog.toml` describes them.

use avrokit_codegen::catalog::{CleanupPolicy, Compatibility, Compression, KeyFormat, load_catalog};
use avrokit_codegen::ir::Schema;
use avrokit_codegen::{LoadOptions, load_dir};

const DAY_MS: i64 = 86_400_000;

fn catalog() -> avrokit_codegen::catalog::Catalog {
    let options = LoadOptions::default().with_layout(avrokit_codegen::SchemaLayout::OneTypePerFile);
    let schemas = load_dir("../avro-schemas".as_ref(), &options).unwrap_or_else(|d| panic!("{d}"));
    load_catalog("../avro-schemas/catalog.toml".as_ref(), &schemas).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn every_pipeline_topic_is_in_the_catalog() {
    let names: Vec<String> = catalog().topics.iter().map(|t| t.name.clone()).collect();
    for topic in [
        "telescope.commands",
        "telescope.acknowledgments",
        "telescope.data",
        "telescope.status",
        "element.raw_data",
        "telemetry.raw",
        "telemetry.clean",
        "telemetry.dlq",
        "smart-access.events",
        "smart-access.health",
    ] {
        assert!(names.iter().any(|n| n == topic), "{topic} missing from {names:?}");
    }
}

#[test]
fn astro_beam_retention_and_sink() {
    let catalog = catalog();
    let topic = |name: &str| catalog.topics.iter().find(|t| t.name == name).expect("topic");
    assert_eq!(topic("telescope.commands").settings.retention_ms, 7 * DAY_MS);
    assert_eq!(topic("telescope.data").settings.retention_ms, 30 * DAY_MS);
    assert_eq!(topic("telescope.status").settings.retention_ms, 3 * DAY_MS);
    let data = topic("telescope.data");
    assert_eq!(data.value_subject(), "telescope.data-value");
    assert_eq!(
        (data.key.clone(), data.key_format),
        (Some(Schema::String), KeyFormat::Raw)
    );
    assert_eq!(data.key_subject(), None, "raw keys are not registered");
    let sink = data.sink.as_ref().expect("telescope.data has a sink");
    assert_eq!(sink.table, "telescope_data_raw");
    assert_eq!(sink.primary_key, ["data_id"]);
    let indexes: Vec<(&str, Vec<String>)> = sink
        .indexes
        .iter()
        .map(|i| (i.name.as_str(), i.columns.clone()))
        .collect();
    assert_eq!(
        indexes,
        [
            ("idx_observation_id", vec!["observation_id".to_owned()]),
            ("idx_timestamp", vec!["timestamp".to_owned()])
        ]
    );
    assert_eq!(data.compatibility, Compatibility::Backward);
}

#[test]
fn element_raw_data_has_dev_and_prod_settings() {
    let catalog = catalog();
    let topic = catalog
        .topics
        .iter()
        .find(|t| t.name == "element.raw_data")
        .expect("topic");
    assert_eq!(topic.key, None);
    let dev = topic.settings_for("dev");
    assert_eq!((dev.partitions, dev.replication_factor), (1, 1));
    assert_eq!(dev.retention_ms, 7 * DAY_MS);
    assert_eq!(dev.retention_bytes, 100 * (1 << 30));
    assert_eq!(dev.cleanup_policy, CleanupPolicy::Delete);
    assert_eq!(dev.compression, Compression::Snappy);
    let prod = topic.settings_for("prod");
    assert_eq!(
        (prod.partitions, prod.replication_factor, prod.min_insync_replicas),
        (3, 3, 2)
    );
    assert_eq!(
        prod.compression,
        Compression::Snappy,
        "overrides keep the topic's other settings"
    );
}

#[test]
fn smart_access_topics_are_keyed_by_device_and_sunk() {
    let catalog = catalog();
    let health = catalog
        .topics
        .iter()
        .find(|t| t.name == "smart-access.health")
        .expect("topic");
    assert_eq!(health.key, Some(Schema::String));
    assert_eq!(
        health.sink.as_ref().map(|s| s.primary_key.clone()),
        Some(vec!["device_id".into(), "reported_at".into()])
    );
}
