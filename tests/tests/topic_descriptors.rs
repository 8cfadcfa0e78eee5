//! The generated `topics` module: every catalog topic as a typed constant whose name,
//! subjects, settings per environment and sink are the catalog's, and whose key and
//! value types are those the catalog names.

use avrokit::topic::{KeyFormat, SinkIndex, SinkSpec, SinkWriter};
use avrokit_codegen::Generator;
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_generated::cosmic::horizons::ElementTelemetry;
use avrokit_generated::topics;

#[test]
fn telescope_data_is_typed_and_carries_the_catalog() {
    // The types are checked by the compiler: a string key, TelescopeData values.
    let topic: &avrokit::Topic<str, TelescopeData> = &topics::TELESCOPE_DATA;
    assert_eq!(topic.name, "telescope.data");
    assert_eq!(topic.value_subject, "telescope.data-value");
    assert_eq!(topic.key_subject, None, "raw keys are not registered");
    assert_eq!(topic.key_format(), KeyFormat::Raw);
    let dev = topic.config("dev").expect("dev settings");
    let prod = topic.config("prod").expect("prod settings");
    assert_eq!((dev.partitions, dev.replication_factor), (1, 1));
    assert_eq!((prod.partitions, prod.replication_factor), (1, 3));
    assert!(prod.configs.contains(&("min.insync.replicas", "2")));
    assert!(dev.configs.contains(&("retention.ms", "2592000000")), "30 days");
    assert_eq!(topic.config("staging"), None);
    const SINK: SinkSpec = SinkSpec::new("telescope_data_raw", SinkWriter::DebeziumJdbc)
        .with_primary_key(&["data_id"])
        .with_indexes(&[
            SinkIndex::new("idx_observation_id", &["observation_id"]),
            SinkIndex::new("idx_timestamp", &["timestamp"]),
        ]);
    assert_eq!(topic.sink, Some(SINK));
}

#[test]
fn a_topic_without_key_has_the_unit_key() {
    let topic: &avrokit::Topic<(), ElementTelemetry> = &topics::ELEMENT_RAW_DATA;
    assert_eq!(topic.key_format(), KeyFormat::None);
    assert!(
        topic
            .config("dev")
            .unwrap()
            .configs
            .contains(&("compression.type", "snappy"))
    );
    assert_eq!(topic.sink, None);
}

#[test]
fn an_avro_record_key_is_an_avro_key_with_its_subject() {
    let generated = Generator::new("corpus/catalog-schemas")
        .catalog("corpus/catalog-schemas/catalog.toml")
        .derive_codecs("corpus/catalog-schemas")
        .generate()
        .unwrap_or_else(|d| panic!("{d}"));
    let topics = generated
        .rust
        .iter()
        .find(|f| f.path.ends_with("topics.rs"))
        .expect("a topics module");
    assert!(
        topics
            .contents
            .contains("::avrokit::AvroKey<super::shop::orders::OrderKey>"),
        "{}",
        topics.contents
    );
    assert!(
        topics.contents.contains("Some(\"shop.order-status-key\")"),
        "{}",
        topics.contents
    );
}

#[test]
fn compacted_topics_have_tombstones_and_others_not() {
    // Read through a reference: the descriptor is a constant, and the check is of what
    // the generator wrote into it.
    let telescope_data: &avrokit::Topic<_, _> = &topics::TELESCOPE_DATA;
    assert!(!telescope_data.tombstones, "cleanup.policy delete: no tombstones");
    let generated = Generator::new("corpus/catalog-schemas")
        .catalog("corpus/catalog-schemas/catalog.toml")
        .derive_codecs("corpus/catalog-schemas")
        .generate()
        .unwrap_or_else(|d| panic!("{d}"));
    let topics = &generated
        .rust
        .iter()
        .find(|f| f.path.ends_with("topics.rs"))
        .expect("a topics module")
        .contents;
    // `shop.order-status` is compacted, `shop.orders` is not: each descriptor runs from
    // its name to the `;` that ends the constant.
    let descriptor = |name: &str| {
        let start = topics.find(&format!("\"{name}\",")).expect("the topic's descriptor");
        topics[start..].split(';').next().expect("a descriptor").to_owned()
    };
    assert!(
        descriptor("shop.order-status").contains(".with_tombstones()"),
        "{topics}"
    );
    assert!(!descriptor("shop.orders").contains("with_tombstones"), "{topics}");
}

#[test]
fn a_descriptors_sink_table_renders_the_ddl_gen_writes() {
    // The runtime builds the table from the descriptor alone; it must be the table of
    // `generated/sql/`, indexes included.
    let sinks = [
        (
            topics::TELESCOPE_DATA.sink,
            avrokit::postgres::SinkTable::for_topic(&topics::TELESCOPE_DATA),
        ),
        (
            topics::SMART_ACCESS_EVENTS.sink,
            avrokit::postgres::SinkTable::for_topic(&topics::SMART_ACCESS_EVENTS),
        ),
    ];
    for (spec, table) in sinks {
        let spec = spec.expect("the catalog gives the topic a sink");
        let table = table.expect("a sink").expect("the table builds");
        let path = format!("{}/../generated/sql/{}.sql", env!("CARGO_MANIFEST_DIR"), spec.table);
        let generated = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(table.table().render(), generated, "{path}");
    }
}
