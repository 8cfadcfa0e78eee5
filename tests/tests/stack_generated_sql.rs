//! Every sink DDL `gen` writes (for `avro-schemas/catalog.toml` and `corpus/sql/ok/`)
//! applied to the stack's real PostgreSQL, twice (it is re-runnable), with a row
//! inserted and read back. The snapshots of the same files are `generated_sql.rs`.
//!
//! It runs `psql` on `DATABASE_URL` (from the environment, which `cargo xtask test`
//! exports, or from `target/stack/stack.env`), inside a scratch schema it drops
//! afterwards. Without a running stack it passes after printing that it was skipped.

use avrokit_codegen::output::GeneratedFile;
use avrokit_tests::pg_scratch;
use avrokit_tests::psql::psql;
use avrokit_tests::stack_env::{self, say};

const HOW_TO_RUN: &str = "run it with `cargo xtask test`, or `cargo xtask stack up` then \
                          `cargo test -p avrokit-tests --test stack_generated_sql`";

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
            say(&format!("SKIPPED stack_generated_sql: {why}; {HOW_TO_RUN}"));
            return;
        }
    };
    if let Err(why) = psql(&url, "SELECT 1;") {
        // Exported by `cargo xtask test`: the stack must be there, so this is a failure.
        assert!(std::env::var_os("DATABASE_URL").is_none(), "PostgreSQL at {url}: {why}");
        say(&format!(
            "SKIPPED stack_generated_sql: {why} (stale stack.env?); {HOW_TO_RUN}"
        ));
        return;
    }
    let schema = format!("avrokit_sql_test_{}", std::process::id());
    let files: Vec<GeneratedFile> = pg_scratch::generated_sql();
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
