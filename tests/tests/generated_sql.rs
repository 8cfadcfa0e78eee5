//! The sink DDL: snapshots of every generated `.sql` file (the seeds' sinks and a corpus
//! with one sink per writer over every type it can fill), the located refusals of fields
//! a connector cannot write, and every file applied to the stack's real PostgreSQL with a
//! row inserted and read back.
//!
//! The PostgreSQL part runs `psql` on `DATABASE_URL` (from the environment, which `cargo
//! xtask test` exports, or from `target/stack/stack.env`), inside a scratch schema it
//! drops afterwards. Without a running stack it passes after printing that it was skipped.

use avrokit_codegen::Generator;
use avrokit_codegen::output::GeneratedFile;
use avrokit_tests::psql::psql;
use avrokit_tests::stack_env::{self, say};
use std::path::Path;

const HOW_TO_RUN: &str = "run it with `cargo xtask test`, or `cargo xtask stack up` then \
                          `cargo test -p avrokit-tests --test generated_sql`";

fn sql_of(dir: &str) -> Vec<GeneratedFile> {
    let generated = Generator::new(dir)
        .catalog(format!("{dir}/catalog.toml"))
        .generate()
        .unwrap_or_else(|diagnostics| panic!("{dir} must generate:\n{diagnostics}"));
    generated.sql
}

fn seed_sql() -> Vec<GeneratedFile> {
    sql_of("../avro-schemas")
}

fn corpus_sql() -> Vec<GeneratedFile> {
    sql_of("corpus/sql/ok")
}

#[test]
fn seed_sinks() {
    let files = seed_sql();
    assert_eq!(files.len(), 3, "one file per sink of avro-schemas/catalog.toml");
    for file in &files {
        insta::assert_snapshot!(format!("seeds__{}", file.path.display()), &file.contents);
    }
}

#[test]
fn the_seed_table_of_telescope_data_comes_out() {
    let files = seed_sql();
    let file = files
        .iter()
        .find(|f| f.path == Path::new("telescope_data_raw.sql"))
        .expect("telescope_data_raw.sql is generated");
    for needle in [
        "CREATE TABLE IF NOT EXISTS telescope_data_raw (",
        "data_id TEXT NOT NULL",
        "processed BOOLEAN NOT NULL DEFAULT FALSE",
        "processing_pipeline_version TEXT,",
        "sink_timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP",
        "created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP",
        "PRIMARY KEY (data_id)",
        "CREATE INDEX IF NOT EXISTS idx_observation_id ON telescope_data_raw (observation_id);",
        "CREATE INDEX IF NOT EXISTS idx_timestamp ON telescope_data_raw (timestamp);",
    ] {
        assert!(
            file.contents.contains(needle),
            "missing `{needle}` in:\n{}",
            file.contents
        );
    }
}

#[test]
fn every_writer_over_every_type_it_can_fill() {
    for file in &corpus_sql() {
        insta::assert_snapshot!(format!("corpus__{}", file.path.display()), &file.contents);
    }
}

#[test]
fn fields_a_connector_cannot_write_are_refused_naming_field_and_alternatives() {
    let diagnostics = Generator::new("corpus/sql/refused")
        .catalog("corpus/sql/refused/catalog.toml")
        .generate()
        .expect_err("nested fields cannot go through the JDBC connectors");
    for diagnostic in &diagnostics.0 {
        assert!(diagnostic.line > 0, "located: {diagnostic}");
        assert!(diagnostic.hint.is_some(), "hinted: {diagnostic}");
    }
    insta::assert_snapshot!("refused", diagnostics.to_string());
}

/// `DATABASE_URL` of the running stack, or why there is none.
fn database_url() -> Result<String, String> {
    stack_env::var("DATABASE_URL").map(|(url, _)| url)
}

/// A row for each table, and the query that reads it back with its expected output.
const ROWS: &[(&str, &str, &str, &str)] = &[
    (
        "telescope_data_raw.sql",
        "INSERT INTO telescope_data_raw (data_id, observation_id, sequence_number, timestamp, data) \
         VALUES ('d-1', 'obs-1', 0, TIMESTAMP '2024-05-01 12:00:00', '\\x0102');",
        "SELECT data_id, observation_id, timestamp, encode(data, 'hex'), processed, \
         processing_pipeline_version IS NULL, created_at IS NOT NULL FROM telescope_data_raw;",
        "d-1|obs-1|2024-05-01 12:00:00|0102|f|t|t",
    ),
    (
        "raw_access_events.sql",
        "INSERT INTO raw_access_events (event_id, device_id, event_ts, event_type, trigger_source) \
         VALUES ('6f1c1f52-8f5e-4c1e-9d3c-2f1d7c0e5b1a', 'lock-1', TIMESTAMPTZ '2024-05-01 12:00:00+00', 'open', 'app');",
        "SELECT event_id, device_id, event_type FROM raw_access_events;",
        "6f1c1f52-8f5e-4c1e-9d3c-2f1d7c0e5b1a|lock-1|open",
    ),
    (
        "raw_device_health.sql",
        "INSERT INTO raw_device_health (device_id, reported_at, battery_pct, signal_strength_dbm, is_online) \
         VALUES ('lock-1', TIMESTAMPTZ '2024-05-01 12:00:00+00', 80, -70, true);",
        "SELECT device_id, battery_pct, signal_strength_dbm, is_online FROM raw_device_health;",
        "lock-1|80|-70|t",
    ),
    (
        "all_types.sql",
        "INSERT INTO all_types (id, hash, uid, at_us, ts_us, ts_ns, local_ts, span, points, colors, shape, \"CamelCase\") \
         VALUES (1, '\\x00000000', gen_random_uuid(), TIME '01:02:03', now(), now(), now(), INTERVAL '1 day', \
         '[]', ARRAY['RED'], '\"square\"', 3);",
        "SELECT id, flag, small, ratio, label, encode(blob, 'hex'), color, price, day, at_ms, ts_ms = TIMESTAMPTZ '2023-11-14 22:13:20+00', \
         position->>'y', tags, numbers, colors, \"CamelCase\" FROM all_types;",
        "1|t|-7|0.5|it's|01ff|GREEN|123.45|2022-01-08|12:34:56.789|t|2.0|{}|{1,2}|{RED}|3",
    ),
    (
        "confluent_types.sql",
        "INSERT INTO \"confluent_types\" (\"id\", \"small\", \"big\", \"ratio\", \"score\", \"blob\", \"price\", \"uid\", \"day\", \
         \"at_ms\", \"at_us\", \"ts_ms\", \"numbers\", \"sourceId\") VALUES ('c', 1, 2, 1.5, 2.5, '\\x00', 1.25, \
         '6f1c1f52-8f5e-4c1e-9d3c-2f1d7c0e5b1a', DATE '2024-01-01', TIME '10:00', 36000000000, TIMESTAMP '2024-01-01 10:00', \
         ARRAY[1, 2], 'src');",
        "SELECT \"id\", \"flag\", \"kind\", \"price\", \"ts_us\", \"numbers\", \"sourceId\" FROM \"confluent_types\";",
        "c|f|A|1.25|5|{1,2}|src",
    ),
    (
        "debezium_types.sql",
        "INSERT INTO debezium_types (id, small, big, ratio, score, blob, price, uid, day, at_ms, at_us, ts_ms, numbers, sourceid) \
         VALUES ('d', 1, 2, 1.5, 2.5, '\\x00', 1.25, '6f1c1f52-8f5e-4c1e-9d3c-2f1d7c0e5b1a', DATE '2024-01-01', TIME '10:00', \
         36000000000, TIMESTAMP '2024-01-01 10:00', ARRAY[1, 2], 'src');",
        "SELECT id, flag, kind, price, ts_us, numbers, sourceid FROM debezium_types;",
        "d|f|A|1.25|5|{1,2}|src",
    ),
    (
        "Map.Table.sql",
        "INSERT INTO map_table (id) VALUES ('m');",
        "SELECT id, attributes -> 'a' FROM map_table;",
        "m|1",
    ),
];

#[test]
fn every_generated_table_is_created_in_postgresql_and_holds_a_row() {
    let url = match database_url() {
        Ok(url) => url,
        Err(why) => {
            say(&format!("SKIPPED generated_sql (PostgreSQL): {why}; {HOW_TO_RUN}"));
            return;
        }
    };
    if let Err(why) = psql(&url, "SELECT 1;") {
        // Exported by `cargo xtask test`: the stack must be there, so this is a failure.
        assert!(std::env::var_os("DATABASE_URL").is_none(), "PostgreSQL at {url}: {why}");
        say(&format!(
            "SKIPPED generated_sql (PostgreSQL): {why} (stale stack.env?); {HOW_TO_RUN}"
        ));
        return;
    }
    let schema = format!("avrokit_sql_test_{}", std::process::id());
    let files: Vec<GeneratedFile> = seed_sql().into_iter().chain(corpus_sql()).collect();
    assert_eq!(files.len(), ROWS.len(), "a row for every generated table");
    let mut failures = Vec::new();
    for file in &files {
        let name = file.path.display().to_string();
        let (_, insert, select, expected) = ROWS
            .iter()
            .find(|(file_name, ..)| *file_name == name)
            .unwrap_or_else(|| panic!("no row for {name}"));
        // Twice: the DDL is re-runnable. The extension lives in public, which stays on the
        // search path for hstore's operators.
        let script = format!(
            "CREATE SCHEMA {schema}; SET search_path TO {schema}, public;\n{ddl}\n{ddl}\n{insert}\n{select}\n",
            ddl = file.contents
        );
        let outcome = psql(&url, &script);
        let _ = psql(&url, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE;"));
        match outcome {
            Ok(out) if out == *expected => {}
            Ok(out) => failures.push(format!("{name}: read back `{out}`, expected `{expected}`")),
            Err(err) => failures.push(format!("{name}: {err}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
