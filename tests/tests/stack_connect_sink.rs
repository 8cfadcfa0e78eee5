//! End to end through Kafka Connect: `telescope.data` records, built from the generated
//! Rust types and framed by our serializer with the registry's id, reach PostgreSQL's
//! `telescope_data_raw` through the Debezium JDBC sink that `cargo xtask connect deploy`
//! deploys from `generated/connect/dev/`; an upsert replaces a row by its primary key.
//!
//! The table is dropped and created again from `generated/sql/telescope_data_raw.sql`
//! (the connector's database is the stack's, so a scratch schema would not be seen by
//! it); the connector is deleted at the end. Without a running stack the test passes
//! after printing that it was skipped. The steps live in `stack_connect_sink/support.rs`.
//!
//! Then the schema evolves: `TelescopeData` gains an optional field, `gen` (on a scratch
//! copy of the schemas and the committed migrations) adds the migration, the migration
//! runs on the live table, the new version is registered, and records of both versions
//! keep arriving through the same connector.

#[path = "support/scratch_schemas.rs"]
mod scratch_schemas;
#[path = "stack_connect_sink/support.rs"]
mod support;

use avrokit::AvroMessage;
use avrokit::chrono::DateTime;
use avrokit::registry_client::BlockingSerializer;
use avrokit::registry_client::Normalize;
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_tests::stack_registry;
use scratch_schemas::{Scratch, TELESCOPE_DATA, and_field};
use std::time::Duration;
use support::{Stack, produce, recreate_table, sql, wait_for_rows, xtask_connect};

const TOPIC: &str = "telescope.data";
const TABLE: &str = "telescope_data_raw";
const CONNECTOR: &str = "telescope_data_raw-sink";

/// A record of this run: `run` keeps its rows apart from earlier runs' records still in
/// the topic.
fn record(run: &str, sequence: i32, version: Option<&str>) -> TelescopeData {
    TelescopeData {
        data_id: format!("{run}-{sequence}"),
        observation_id: format!("obs-{run}"),
        sequence_number: sequence,
        timestamp: DateTime::from_timestamp_millis(1_714_564_800_123 + i64::from(sequence)).expect("in range"),
        data: vec![0x00, 0xff, sequence as u8],
        processed: sequence % 2 == 0,
        processing_pipeline_version: version.map(str::to_owned),
    }
}

/// The rows of `run`, as `wait_for_rows` compares them.
const ROWS: &str = "SELECT data_id, sequence_number, timestamp, encode(data, 'hex'), processed, \
                    coalesce(processing_pipeline_version, '-'), created_at IS NOT NULL \
                    FROM telescope_data_raw WHERE observation_id = 'obs-RUN' ORDER BY sequence_number";

/// Deploys the generated connector, produces `records` and waits for `expected` rows.
fn sink_and_expect(stack: &Stack, run: &str, records: &[TelescopeData], expected: &[String]) {
    let client = stack_registry::client("stack_connect_sink", "stack_connect_sink").expect("the registry answers");
    let serializer = BlockingSerializer::<TelescopeData>::new(client);
    let framed: Vec<(String, Vec<u8>)> = records
        .iter()
        .map(|r| {
            let value = serializer.serialize(TOPIC, r).expect("serializes through the registry");
            (r.data_id.clone(), value)
        })
        .collect();
    produce(stack, TOPIC, &framed);
    let query = ROWS.replace("RUN", run);
    if let Err(last) = wait_for_rows(stack, &query, &expected.join("\n"), Duration::from_secs(90)) {
        let status = xtask_connect(stack, &["status", CONNECTOR]);
        panic!(
            "rows of {run} did not arrive; last read:\n{last}\nexpected:\n{}\n{status}",
            expected.join("\n")
        );
    }
}

#[test]
fn telescope_data_reaches_postgresql_through_the_deployed_debezium_sink() {
    let Some(stack) = support::stack("stack_connect_sink") else {
        return;
    };
    let run = stack_registry::scratch_name("it-connect");
    recreate_table(&stack, TABLE);
    let deployed = xtask_connect(&stack, &["deploy", "--env", "dev", "--timeout", "90", CONNECTOR]);
    assert!(
        deployed.contains(&format!("{CONNECTOR}: connector RUNNING")),
        "{deployed}"
    );

    let first = [record(&run, 1, None), record(&run, 2, Some("pipe-1"))];
    let expected = [
        format!("{run}-1|1|2024-05-01 12:00:00.124|00ff01|f|-|t"),
        format!("{run}-2|2|2024-05-01 12:00:00.125|00ff02|t|pipe-1|t"),
    ];
    sink_and_expect(&stack, &run, &first, &expected);

    // The same key again: upsert replaces the row instead of failing on the primary key.
    let again = [record(&run, 2, Some("pipe-2"))];
    let expected = [
        expected[0].clone(),
        format!("{run}-2|2|2024-05-01 12:00:00.125|00ff02|t|pipe-2|t"),
    ];
    sink_and_expect(&stack, &run, &again, &expected);

    evolve_with_an_optional_field(&stack, &run);

    let deleted = xtask_connect(&stack, &["delete", CONNECTOR]);
    assert!(deleted.contains("deleted"), "{deleted}");
}

/// The new field of the evolution step.
const QUALITY: &str =
    r#"{"name": "quality_score", "type": ["null", "double"], "default": null, "doc": "Signal quality."}"#;

/// Phase two: the migration `gen` writes for a new optional field runs on the live table,
/// and v2 records (with the field) and v1 records (without) both reach it.
fn evolve_with_an_optional_field(stack: &Stack, run: &str) {
    let scratch = Scratch::with_committed_migrations("connect-sink");
    scratch.edit(TELESCOPE_DATA, scratch_schemas::LAST_FIELD, &and_field(QUALITY));
    let added = scratch
        .generate()
        .unwrap_or_else(|d| panic!("gen refused the optional field:\n{d}"));
    assert_eq!(added.len(), 1, "one migration: {added:?}");
    let migration = scratch.migration(&added[0]);
    assert!(
        migration.contains("ADD COLUMN IF NOT EXISTS quality_score DOUBLE PRECISION"),
        "{migration}"
    );
    sql(&stack.database, &migration).unwrap_or_else(|e| panic!("{} failed on the live table: {e}", added[0]));

    // v2 as the registry sees it: the generated type's schema plus the field.
    let mut v2: serde_json::Value = serde_json::from_str(TelescopeData::schema_json()).expect("schema JSON");
    v2["fields"]
        .as_array_mut()
        .expect("fields")
        .push(serde_json::from_str(QUALITY).expect("field JSON"));
    let client = stack_registry::client("stack_connect_sink", "stack_connect_sink").expect("the registry answers");
    let v2_id = client
        .register(&format!("{TOPIC}-value"), &v2.to_string(), Normalize::AsSent)
        .expect("the registry takes the compatible v2");

    // A v2 body is a v1 body followed by the new field: union branch 1 (zig-zag 2), then
    // the double, little-endian.
    let v2_frame = |record: &TelescopeData, quality: f64| {
        let mut body = record.to_avro().expect("encodes");
        body.push(0x02);
        body.extend_from_slice(&quality.to_le_bytes());
        avrokit::wire::frame(v2_id, &body)
    };
    let phase = format!("{run}-v2");
    let (a, b) = (record(&phase, 1, None), record(&phase, 2, Some("pipe-3")));
    produce(
        stack,
        TOPIC,
        &[
            (a.data_id.clone(), v2_frame(&a, 0.75)),
            (b.data_id.clone(), v2_frame(&b, -1.5)),
        ],
    );
    // And a v1 record after the migration: the column stays NULL.
    let serializer = BlockingSerializer::<TelescopeData>::new(client);
    let c = record(&phase, 3, None);
    produce(
        stack,
        TOPIC,
        &[(
            c.data_id.clone(),
            serializer.serialize(TOPIC, &c).expect("v1 still serializes"),
        )],
    );

    let query = format!(
        "SELECT data_id, coalesce(quality_score::text, 'null') FROM telescope_data_raw \
         WHERE observation_id = 'obs-{phase}' ORDER BY sequence_number"
    );
    let expected = format!("{phase}-1|0.75\n{phase}-2|-1.5\n{phase}-3|null");
    if let Err(last) = wait_for_rows(stack, &query, &expected, Duration::from_secs(90)) {
        let status = xtask_connect(stack, &["status", CONNECTOR]);
        panic!("v2 rows did not arrive after the migration; last read:\n{last}\nexpected:\n{expected}\n{status}");
    }
}
