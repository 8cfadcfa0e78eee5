//! The offline gate on a topic of several event types (`value = [...]` with a
//! `subject_strategy`), on a throwaway git repository: each type is its own subject
//! (`<topic>-<full name>` under TopicRecordName, the full name under RecordName), checked
//! against the same type in the older commit, so a break in one type fails that subject
//! alone; a new type is a new subject; and the catalog refuses several value types under
//! the TopicName strategy, located at the list.

mod scratch_repo;

use scratch_repo::Repo;

fn catalog(strategy: &str, types: &[&str]) -> String {
    let types: Vec<String> = types.iter().map(|t| format!("\"t.{t}\"")).collect();
    format!(
        "environments = [\"dev\"]\n\n[topics.\"orders\"]\nvalue = [{}]\nsubject_strategy = \"{strategy}\"\n",
        types.join(", ")
    )
}

fn record(name: &str, fields: &str) -> String {
    format!(r#"{{"type": "record", "name": "{name}", "namespace": "t", "fields": [{fields}]}}"#)
}

const ID: &str = r#"{"name": "id", "type": "string"}"#;

#[test]
fn each_event_type_is_its_own_subject() {
    let repo = Repo::new("event-types");
    repo.write("catalog.toml", &catalog("topic_record_name", &["Created", "Cancelled"]));
    repo.write("t/created.avsc", &record("Created", ID));
    repo.write("t/cancelled.avsc", &record("Cancelled", ID));
    repo.commit("v1");

    // A compatible Created, an incompatible Cancelled (a new field without a default).
    repo.write(
        "t/created.avsc",
        &record(
            "Created",
            &format!(r#"{ID}, {{"name": "n", "type": "int", "default": 0}}"#),
        ),
    );
    repo.write(
        "t/cancelled.avsc",
        &record("Cancelled", &format!(r#"{ID}, {{"name": "why", "type": "string"}}"#)),
    );
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("compat: 2 subjects checked, 1 failing (orders-t.Cancelled)"),
        "{out}"
    );
    assert!(
        out.contains("avro-schemas/t/cancelled.avsc:1:104: READER_FIELD_MISSING_DEFAULT_VALUE"),
        "{out}"
    );
    assert!(!out.contains("orders-value"), "{out}");

    // A third event type is a new subject; RecordName names subjects by the type alone.
    repo.write("t/cancelled.avsc", &record("Cancelled", ID));
    repo.write("t/shipped.avsc", &record("Shipped", ID));
    repo.write(
        "catalog.toml",
        &catalog("record_name", &["Created", "Cancelled", "Shipped"]),
    );
    let (code, out, err) = repo.compat(&["--against", "main", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    for subject in ["t.Created", "t.Cancelled", "t.Shipped"] {
        assert!(out.contains(&format!("\"{subject}\"")), "{subject}: {out}");
    }
    assert!(!out.contains("orders-t."), "{out}");
}

#[test]
fn several_value_types_need_a_record_name_strategy() {
    let repo = Repo::new("event-types-topic-name");
    repo.write("catalog.toml", &catalog("record_name", &["Created"]));
    repo.write("t/created.avsc", &record("Created", ID));
    repo.write("t/cancelled.avsc", &record("Cancelled", ID));
    repo.commit("v1");
    repo.write("catalog.toml", &catalog("topic_name", &["Created", "Cancelled"]));
    let (code, out, err) = repo.compat(&["--against", "main"]);
    assert_eq!(code, 2, "{out}{err}");
    let all = format!("{out}{err}");
    assert!(
        all.contains("catalog.toml:5:20") && all.contains("topic `orders` has several value types"),
        "{all}"
    );
    assert!(all.contains("subject_strategy = \"record_name\""), "{all}");
}
