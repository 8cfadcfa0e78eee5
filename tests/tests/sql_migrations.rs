//! Sink table migrations: `gen` over a scratch copy of `avro-schemas/` whose schemas and
//! catalog evolve step by step. Each step either appends one numbered migration (whose
//! text is snapshotted) or is refused at the field with what to do instead; old
//! migrations are never rewritten. Offline; `stack_sql_migrations.rs` runs the chain on
//! the stack's PostgreSQL.

#[path = "support/scratch_schemas.rs"]
mod scratch_schemas;

use avrokit_tests::stack_env;
use scratch_schemas::Scratch;

use scratch_schemas::{LAST_FIELD, TELESCOPE_DATA, and_field};

#[test]
fn the_committed_migrations_are_what_gen_writes_for_avro_schemas() {
    // `generated/sql/migrations` is checked by `gen --check` too; this pins the first run.
    let scratch = Scratch::new("committed");
    let added = scratch.generate().unwrap();
    assert_eq!(
        added,
        [
            "0001_raw_access_events_create.sql",
            "0002_raw_device_health_create.sql",
            "0003_telescope_data_raw_create.sql"
        ]
    );
    for name in &added {
        let committed = std::fs::read_to_string(stack_env::repo_root().join("generated/sql/migrations").join(name));
        assert_eq!(
            committed.ok().as_deref(),
            Some(scratch.migration(name).as_str()),
            "{name}"
        );
    }
    assert_eq!(
        scratch.generate().unwrap(),
        Vec::<String>::new(),
        "nothing changed, nothing added"
    );
}

#[test]
fn each_compatible_change_appends_one_migration() {
    let scratch = Scratch::new("evolve");
    scratch.generate().unwrap();

    scratch.edit(
        TELESCOPE_DATA,
        LAST_FIELD,
        &and_field(
            r#"{"name": "quality_score", "type": ["null", "double"], "default": null, "doc": "Signal quality."}"#,
        ),
    );
    assert_eq!(
        scratch.generate().unwrap(),
        ["0004_telescope_data_raw_add_quality_score.sql"]
    );
    insta::assert_snapshot!(
        "add_optional",
        scratch.migration("0004_telescope_data_raw_add_quality_score.sql")
    );

    scratch.edit(
        TELESCOPE_DATA,
        LAST_FIELD,
        &and_field(r#"{"name": "site", "type": "string", "default": "ALMA"}"#),
    );
    scratch.edit(
        TELESCOPE_DATA,
        r#""name": "sequence_number", "type": "int""#,
        r#""name": "sequence_number", "type": "long""#,
    );
    scratch.edit(
        TELESCOPE_DATA,
        r#""type": "boolean", "default": false"#,
        r#""type": "boolean", "default": true"#,
    );
    scratch.edit(
        "catalog.toml",
        r#"{ name = "idx_timestamp", columns = ["timestamp"] },"#,
        r#"{ name = "idx_timestamp", columns = ["timestamp", "sequence_number"] },"#,
    );
    assert_eq!(scratch.generate().unwrap(), ["0005_telescope_data_raw_alter.sql"]);
    insta::assert_snapshot!(
        "widen_default_index",
        scratch.migration("0005_telescope_data_raw_alter.sql")
    );

    scratch.edit(
        "smart-access/access-event-type.avsc",
        r#""fail""#,
        r#""fail", "tamper""#,
    );
    scratch.edit(
        "smart-access/access-event.avsc",
        r#",
    {"name": "trigger_source", "type": "string", "doc": "What triggered the event, e.g. app, keypad, rfid."}"#,
        "",
    );
    assert_eq!(scratch.generate().unwrap(), ["0006_raw_access_events_alter.sql"]);
    insta::assert_snapshot!(
        "enum_symbol_and_removed_field",
        scratch.migration("0006_raw_access_events_alter.sql")
    );

    // The old migrations are untouched, and the chain is as the lock says.
    assert_eq!(scratch.generate().unwrap(), Vec::<String>::new());
    assert_eq!(scratch.migration_names().len(), 6);
}

#[test]
fn a_change_the_table_cannot_follow_is_refused_at_the_field() {
    let scratch = Scratch::new("refuse");
    scratch.generate().unwrap();

    scratch.edit(
        TELESCOPE_DATA,
        LAST_FIELD,
        &and_field(r#"{"name": "site", "type": "string"}"#),
    );
    let refused = scratch.refused();
    assert!(refused.contains("astro-beam/telescope-data.avsc:"), "{refused}");
    assert!(
        refused.contains("table `telescope_data_raw` cannot follow: new field `site` is required and has no default"),
        "{refused}"
    );
    assert!(
        refused.contains("give the field a default, or make it optional"),
        "{refused}"
    );
    assert_eq!(scratch.migration_names().len(), 3, "nothing written");
    scratch.edit(
        TELESCOPE_DATA,
        r#"{"name": "site", "type": "string"}"#,
        r#"{"name": "site", "type": ["null", "string"], "default": null}"#,
    );
    assert_eq!(scratch.generate().unwrap(), ["0004_telescope_data_raw_add_site.sql"]);

    scratch.edit(
        TELESCOPE_DATA,
        r#""name": "sequence_number", "type": "int""#,
        r#""name": "sequence_number", "type": "string""#,
    );
    scratch.edit(
        TELESCOPE_DATA,
        r#"{"name": "site", "type": ["null", "string"], "default": null}"#,
        r#"{"name": "site", "type": "string", "default": "x"}"#,
    );
    let refused = scratch.refused();
    assert!(
        refused.contains("field `sequence_number` changes its column type from INTEGER to TEXT"),
        "{refused}"
    );
    assert!(
        refused.contains("field `site` becomes required, but column site may hold NULL"),
        "{refused}"
    );
    assert_eq!(
        refused.matches("cannot follow").count(),
        2,
        "every problem at once: {refused}"
    );
}

#[test]
fn a_new_primary_key_is_refused_at_the_sink() {
    let scratch = Scratch::new("key");
    scratch.generate().unwrap();
    scratch.edit(
        "catalog.toml",
        r#"primary_key = ["data_id"]"#,
        r#"primary_key = ["data_id", "observation_id"]"#,
    );
    let refused = scratch.refused();
    assert!(refused.contains("catalog.toml:"), "{refused}");
    assert!(
        refused.contains("the primary key changes from (data_id) to (data_id, observation_id)"),
        "{refused}"
    );
}

#[test]
fn old_migrations_are_never_rewritten_and_hand_written_ones_are_kept() {
    let scratch = Scratch::new("edited");
    scratch.generate().unwrap();
    let first = scratch.migrations().join("0001_raw_access_events_create.sql");
    let original = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, format!("{original}-- tweaked\n")).unwrap();
    let refused = scratch.refused();
    assert!(
        refused.contains("0001_raw_access_events_create.sql: error: this migration was edited after it was generated"),
        "{refused}"
    );
    std::fs::write(&first, &original).unwrap();

    std::fs::write(
        scratch.migrations().join("0004_backfill.sql"),
        "UPDATE telescope_data_raw SET processed = TRUE;\n",
    )
    .unwrap();
    assert_eq!(scratch.generate().unwrap(), Vec::<String>::new());
    let lock = std::fs::read_to_string(scratch.migrations().join("tables.lock.json")).unwrap();
    assert!(
        lock.contains("\"file\": \"0004_backfill.sql\""),
        "adopted into the lock: {lock}"
    );
    scratch.edit(
        TELESCOPE_DATA,
        LAST_FIELD,
        &and_field(r#"{"name": "site", "type": ["null", "string"], "default": null}"#),
    );
    assert_eq!(
        scratch.generate().unwrap(),
        ["0005_telescope_data_raw_add_site.sql"],
        "numbered after it"
    );

    std::fs::remove_file(scratch.migrations().join("0002_raw_device_health_create.sql")).unwrap();
    assert!(
        scratch
            .refused()
            .contains("0002_raw_device_health_create.sql: error: this migration is in the lock but missing")
    );
}
