//! Sink table migrations on the stack's real PostgreSQL: the chain `gen` writes for a
//! scratch copy of `avro-schemas/` runs with rows in between, through a schema change,
//! and leaves the table the current DDL creates. The migrations themselves are checked
//! offline by `sql_migrations.rs`. Without a running stack the test passes after printing
//! that it was skipped.

#[path = "support/scratch_schemas.rs"]
mod scratch_schemas;

use avrokit_tests::psql::psql;
use avrokit_tests::stack_env::{self, say};
use scratch_schemas::{LAST_FIELD, Scratch, TELESCOPE_DATA, and_field};

/// The columns of `table` in `schema` as `name type nullable default` lines.
const DESCRIBE: &str = "SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable || ' ' || \
                        coalesce(column_default, '-'), E'\\n' ORDER BY column_name) FROM information_schema.columns \
                        WHERE table_schema = current_schema() AND table_name = 'telescope_data_raw';";

#[test]
fn the_migration_chain_runs_on_postgresql_and_ends_where_the_ddl_starts() {
    let url = match stack_env::var("DATABASE_URL") {
        Ok((url, _)) if psql(&url, "SELECT 1;").is_ok() => url,
        Ok((url, exported)) => {
            assert!(!exported, "DATABASE_URL={url} does not answer");
            say("SKIPPED stack_sql_migrations: the stack's database does not answer (stale stack.env?)");
            return;
        }
        Err(why) => {
            say(&format!(
                "SKIPPED stack_sql_migrations: {why}; run it with `cargo xtask test`"
            ));
            return;
        }
    };
    let scratch = Scratch::new("postgres");
    scratch.generate().unwrap();
    let schema = format!("avrokit_migrations_{}", std::process::id());
    let setup = format!("CREATE SCHEMA {schema}; SET search_path TO {schema}, public;\n");
    let run_chain = |script: &mut String| {
        for name in scratch.migration_names() {
            script.push_str(&scratch.migration(&name));
        }
    };
    // v1 rows, then the schema evolves and the chain goes on.
    let mut script = setup.clone();
    run_chain(&mut script);
    script.push_str(
        "INSERT INTO telescope_data_raw (data_id, observation_id, sequence_number, timestamp, data) \
         VALUES ('d1', 'o1', 1, '2026-11-23 10:00:00', '\\x0102');\n",
    );
    scratch.edit(
        TELESCOPE_DATA,
        LAST_FIELD,
        &and_field(r#"{"name": "quality_score", "type": ["null", "double"], "default": null}"#),
    );
    scratch.edit(
        TELESCOPE_DATA,
        r#""name": "sequence_number", "type": "int""#,
        r#""name": "sequence_number", "type": "long""#,
    );
    let added = scratch.generate().unwrap();
    assert_eq!(added.len(), 1);
    script.push_str(&scratch.migration(&added[0]));
    script.push_str(
        "INSERT INTO telescope_data_raw (data_id, observation_id, sequence_number, timestamp, data, quality_score) \
         VALUES ('d2', 'o1', 5000000000, '2026-11-23 10:00:01', '\\x03', 0.5);\n\
         SELECT string_agg(data_id || ':' || sequence_number || ':' || coalesce(quality_score::text, 'null'), ',' \
         ORDER BY data_id) FROM telescope_data_raw;\n",
    );
    script.push_str(DESCRIBE);
    let migrated = psql(&url, &script);
    // The same table from the current DDL alone, for comparison.
    let fresh_ddl = std::fs::read_to_string(scratch.root.join("sql/telescope_data_raw.sql")).unwrap();
    let fresh = psql(
        &url,
        &format!("DROP SCHEMA {schema} CASCADE; {setup}{fresh_ddl}{DESCRIBE}"),
    );
    let _ = psql(&url, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE;"));
    let migrated = migrated.unwrap_or_else(|e| panic!("the migration chain failed on PostgreSQL: {e}"));
    let fresh = fresh.unwrap_or_else(|e| panic!("the DDL failed on PostgreSQL: {e}"));
    let (rows, migrated_columns) = migrated.split_once('\n').unwrap();
    assert_eq!(rows, "d1:1:null,d2:5000000000:0.5");
    assert_eq!(migrated_columns, fresh, "the chain and the DDL make the same table");
}
