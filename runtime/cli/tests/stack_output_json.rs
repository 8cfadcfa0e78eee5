//! `--format json` against the stack: `register [--dry-run]` on the registry and `topics
//! plan|apply` on the broker, each on scratch subjects and topics of its own, print exactly
//! one JSON document on stdout. Each prints `SKIPPED ...` and passes without the stack.

mod canned;
mod running_stack;
mod scratch;

use canned::{avrokit, document};
use scratch::{scratch_name, scratch_schemas};
use serde_json::{Value, json};

#[test]
fn register_reports_the_gate_and_each_subject() {
    let test = "register_reports_the_gate_and_each_subject";
    let Some(url) = running_stack::registry(test) else {
        return;
    };
    let prefix = scratch_name("avrokit-it-json");
    let schemas = scratch_schemas(&prefix);
    let dir = schemas.display().to_string();
    let register = |extra: &[&str]| {
        let mut args = vec!["register", "--registry", &url, "--schemas", &dir, "--format", "json"];
        args.extend_from_slice(extra);
        avrokit(&args, &[], None)
    };

    let out = register(&["--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    let dry = document(&out);
    assert_eq!((&dry["dry_run"], &dry["compatible"]), (&json!(true), &json!(true)));
    assert_eq!(dry["registry"], json!(url));
    let subjects = dry["subjects"].as_array().unwrap();
    assert_eq!(subjects.len(), 10);
    assert_eq!(dry["registered"], json!(10));
    for subject in subjects {
        assert!(subject["subject"].as_str().unwrap().starts_with(&prefix), "{subject}");
        assert_eq!(
            (&subject["action"], &subject["version"], &subject["id"]),
            (&json!("would_register"), &json!(1), &Value::Null),
            "{subject}"
        );
    }
    assert_eq!(dry["gate"].as_array().unwrap().len(), 10);
    assert!(
        dry["gate"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["compatible"] == json!(true))
    );

    let out = register(&[]);
    assert_eq!(out.status.code(), Some(0));
    let first = document(&out);
    assert_eq!((&first["registered"], &first["unchanged"]), (&json!(10), &json!(0)));
    for subject in first["subjects"].as_array().unwrap() {
        assert_eq!(subject["action"], json!("registered"), "{subject}");
        assert_eq!(subject["version"], json!(1), "{subject}");
        assert!(subject["id"].as_u64().is_some(), "{subject}");
        assert_eq!(subject["level"], json!("BACKWARD"), "{subject}");
    }

    let out = register(&[]);
    let again = document(&out);
    assert_eq!((&again["registered"], &again["unchanged"]), (&json!(0), &json!(10)));
    let ids = |doc: &Value| -> Vec<Value> {
        doc["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].clone())
            .collect()
    };
    assert_eq!(ids(&again), ids(&first));
    assert!(
        again["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["level_from"].is_null())
    );

    // An incompatible change: the gate's verdict, located, and nothing registered.
    let file = schemas.join("astro-beam/telescope-data.avsc");
    let text = std::fs::read_to_string(&file).unwrap();
    let from = r#""sequence_number", "type": "int""#;
    assert!(text.contains(from));
    std::fs::write(&file, text.replacen(from, r#""sequence_number", "type": "string""#, 1)).unwrap();
    let out = register(&[]);
    assert_eq!(out.status.code(), Some(1));
    let refused = document(&out);
    assert_eq!(refused["compatible"], json!(false));
    assert_eq!(refused["subjects"], json!([]));
    let failing: Vec<&Value> = refused["gate"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["compatible"] == json!(false))
        .collect();
    assert_eq!(failing.len(), 1, "{refused}");
    assert_eq!(failing[0]["subject"], json!(format!("{prefix}.telescope.data-value")));
    assert_eq!(failing[0]["failed_version"], json!(1));
    assert!(!failing[0]["messages"].as_array().unwrap().is_empty(), "{refused}");

    let client =
        avrokit::registry_client::BlockingRegistryClient::new(avrokit::registry_client::RegistryConfig::new(&url))
            .unwrap();
    for subject in first["subjects"].as_array().unwrap() {
        let subject = subject["subject"].as_str().unwrap();
        let _ = client.delete_subject(subject, avrokit::registry_client::Deletion::Soft);
        let _ = client.delete_subject(subject, avrokit::registry_client::Deletion::Permanent);
    }
    std::fs::remove_dir_all(&schemas).unwrap();
}

#[cfg(feature = "kafka")]
#[test]
fn topics_plan_and_apply_report_every_topic() {
    let Some(servers) = running_stack::bootstrap("topics_plan_and_apply_report_every_topic") else {
        return;
    };
    let prefix = scratch_name("json-topics");
    let schemas = scratch_schemas(&prefix);
    let dir = schemas.display().to_string();
    let topics = |command: &str| {
        avrokit(
            &[
                "topics",
                command,
                "--bootstrap-servers",
                &servers,
                "--schemas",
                &dir,
                "--format",
                "json",
            ],
            &[],
            None,
        )
    };

    let out = topics("plan");
    assert_eq!(out.status.code(), Some(0));
    let plan = document(&out);
    assert_eq!(
        (&plan["environment"], &plan["dry_run"], &plan["applied"]),
        (&json!("dev"), &json!(true), &json!(false))
    );
    assert_eq!(plan["bootstrap_servers"], json!(servers));
    let count = plan["topics"].as_array().unwrap().len();
    assert_eq!(count, 10);
    assert_eq!(plan["create"], json!(count));
    let status = plan["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == json!(format!("{prefix}.telescope.status")))
        .expect("the status topic");
    assert_eq!(status["action"], json!("create"));
    assert!(status["partitions"].as_u64().unwrap() >= 1);
    assert!(status["configs"]["cleanup.policy"].is_string(), "{status}");

    let out = topics("apply");
    assert_eq!(out.status.code(), Some(0));
    let applied = document(&out);
    assert_eq!(
        (&applied["dry_run"], &applied["applied"]),
        (&json!(false), &json!(true))
    );
    assert_eq!(applied["create"], json!(count));
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(
        progress.contains(&format!("topics: [{count}/{count}]")),
        "progress on stderr: {progress}"
    );

    let again = document(&topics("plan"));
    assert_eq!((&again["unchanged"], &again["create"]), (&json!(count), &json!(0)));
    assert!(
        again["topics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["action"] == json!("unchanged"))
    );
    std::fs::remove_dir_all(&schemas).unwrap();
}
