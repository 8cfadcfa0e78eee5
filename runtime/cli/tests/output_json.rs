//! `--format json`: each command prints exactly one JSON document on stdout (progress
//! and notes go to stderr), with the fields its `--format` help names.
//!
//! Offline: `stack status` with no stack, `connect status` against a canned Connect
//! (the stack's commands are in `stack_output_json.rs`).

mod canned;

use canned::{avrokit, document, serve};
use serde_json::{Value, json};

#[test]
fn stack_status_without_a_stack() {
    let dir = std::env::temp_dir().join(format!("avrokit-no-stack-{}", std::process::id()));
    let dir_text = dir.display().to_string();
    let envs = [
        ("AVROKIT_STACK_DIR", dir_text.as_str()),
        ("AVROKIT_STACK_PORT_OFFSET", "0"),
    ];
    let out = avrokit(&["stack", "status", "--format", "json"], &envs, None);
    assert_eq!(out.status.code(), Some(1), "not up is a finding");
    let status = document(&out);
    assert_eq!(status["healthy"], json!(false));
    assert_eq!(status["stack_dir"], json!(dir_text));
    assert_eq!(status["env_file"], Value::Null);
    let services = status["services"].as_array().unwrap();
    let names: Vec<&str> = services.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["postgres", "kafka", "schema-registry", "connect"]);
    for service in services {
        assert_eq!(service["running"], json!(false), "{service}");
        assert_eq!(service["pid"], Value::Null, "{service}");
        assert_eq!(service["problem"], json!("not running"), "{service}");
        assert!(service["port"].as_u64().is_some(), "{service}");
    }
    assert!(status["versions"]["kafka"].is_string());
    // The text form says the same for people.
    let text = avrokit(&["stack", "status"], &envs, None);
    assert_eq!(text.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&text.stdout).contains("not running"));
}

/// A Connect cluster with a running connector, a failed one and no third.
fn connect_cluster() -> String {
    let state = |state: &str, trace: Option<&str>| {
        let mut value = json!({"state": state, "worker_id": "127.0.0.1:8083"});
        if let Some(trace) = trace {
            value["trace"] = json!(trace);
        }
        value
    };
    let running = json!({"name": "a-sink", "connector": state("RUNNING", None),
        "tasks": [{"id": 0, "state": "RUNNING", "worker_id": "127.0.0.1:8083"}], "type": "sink"});
    let mut failed_task = state("FAILED", Some("org.postgresql.util.PSQLException: boom\n\tat X"));
    failed_task["id"] = json!(0);
    let failed = json!({"name": "b-sink", "connector": state("RUNNING", None), "tasks": [failed_task], "type": "sink"});
    serve(move |method, path| {
        let ok = |body: &Value| ("200 OK".to_owned(), body.to_string());
        match (method, path) {
            ("GET", "/connectors") => ok(&json!(["b-sink", "a-sink"])),
            ("GET", "/connectors/a-sink/status") => ok(&running),
            ("GET", "/connectors/b-sink/status") => ok(&failed),
            _ => (
                "404 Not Found".to_owned(),
                json!({"error_code": 404, "message": format!("no {path}")}).to_string(),
            ),
        }
    })
}

#[test]
fn connect_status_against_a_canned_cluster() {
    let url = connect_cluster();

    let out = avrokit(
        &["connect", "status", "--connect-url", &url, "--format", "json"],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "a failed task is a finding");
    let status = document(&out);
    assert_eq!(status["connect_url"], json!(url));
    assert_eq!(status["healthy"], json!(false));
    let connectors = status["connectors"].as_array().unwrap();
    assert_eq!(connectors.len(), 2);
    assert_eq!(
        connectors[0],
        json!({"name": "a-sink", "found": true, "state": "RUNNING", "worker_id": "127.0.0.1:8083", "trace": null,
               "tasks": [{"id": 0, "state": "RUNNING", "worker_id": "127.0.0.1:8083", "trace": null}]})
    );
    assert_eq!(connectors[1]["tasks"][0]["state"], json!("FAILED"));
    assert!(
        connectors[1]["tasks"][0]["trace"]
            .as_str()
            .unwrap()
            .starts_with("org.postgresql.util.PSQLException: boom")
    );

    // One connector, the cluster from the variable.
    let envs = [("KAFKA_CONNECT_URL", url.as_str())];
    let out = avrokit(&["connect", "status", "a-sink", "--format", "json"], &envs, None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(document(&out)["healthy"], json!(true));

    let out = avrokit(&["connect", "status", "gone", "--format", "json"], &envs, None);
    assert_eq!(out.status.code(), Some(1), "a missing connector is a finding");
    assert_eq!(
        document(&out)["connectors"],
        json!([{"name": "gone", "found": false, "state": null, "worker_id": null, "trace": null, "tasks": []}])
    );

    let text = avrokit(&["connect", "status", "gone"], &envs, None);
    assert_eq!(String::from_utf8_lossy(&text.stdout).trim(), "gone: no such connector");
}
