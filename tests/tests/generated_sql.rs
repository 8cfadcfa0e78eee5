//! The sink DDL: snapshots of every generated `.sql` file (the sinks of
//! `avro-schemas/catalog.toml`, in `snapshots/`, and of `corpus/sql/ok/`, one sink per
//! writer over every type it can fill, in `corpus/sql/ok/snapshots/`), the located
//! refusals of fields a connector cannot write (`corpus/sql/refused/`, expected in
//! `corpus/sql/refused.snap`). Offline; `stack_generated_sql.rs` applies every file to
//! the stack's PostgreSQL.

use avrokit_codegen::Generator;
use avrokit_codegen::output::GeneratedFile;
use std::path::Path;

#[path = "support/corpus_snapshots.rs"]
mod corpus_snapshots;

fn sql_of(dir: &str) -> Vec<GeneratedFile> {
    let generated = Generator::new(dir)
        .catalog(format!("{dir}/catalog.toml"))
        .generate()
        .unwrap_or_else(|diagnostics| panic!("{dir} must generate:\n{diagnostics}"));
    generated.sql
}

fn avro_schemas_sql() -> Vec<GeneratedFile> {
    sql_of("../avro-schemas")
}

fn corpus_sql() -> Vec<GeneratedFile> {
    sql_of("corpus/sql/ok")
}

#[test]
fn avro_schemas_sinks() {
    let files = avro_schemas_sql();
    assert_eq!(files.len(), 3, "one file per sink of avro-schemas/catalog.toml");
    for file in &files {
        insta::assert_snapshot!(format!("avro_schemas__{}", file.path.display()), &file.contents);
    }
}

#[test]
fn the_table_of_telescope_data_comes_out() {
    let files = avro_schemas_sql();
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
        corpus_snapshots::assert_beside(
            "corpus/sql/ok/snapshots",
            &file.path.display().to_string(),
            &file.contents,
        );
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
    corpus_snapshots::assert_beside("corpus/sql", "refused", &diagnostics.to_string());
}
