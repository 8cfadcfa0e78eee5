//! `--format json`: each command prints exactly one JSON document on stdout (progress
//! and notes go to stderr), with the fields its `--format` help names.
//!
//! Offline: `stack status` with no stack, `connect status` against a canned Connect.
//! Against the stack (each prints `SKIPPED ...` and passes without it): `register
//! [--dry-run]` on the registry, `topics plan|apply` on the broker, each on scratch
//! subjects and topics of its own.

mod canned;
mod scratch;

use canned::{avrokit, serve};
use scratch::{scratch_schemas, stack_setting};
use serde_json::{Value, json};
use std::io::Write;
use std::process::Output;

/// Stdout as the one JSON document it must be (trailing text is an error).
fn document(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not one JSON document ({err}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn millis() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

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

/// The stack's registry, when it answers.
fn registry(test: &str) -> Option<String> {
    let (url, exported) = stack_setting("SCHEMA_REGISTRY_URL");
    let answers = url.as_deref().is_some_and(|url| {
        use avrokit::registry_client::{BlockingRegistryClient, RegistryConfig, RetryPolicy};
        let config = RegistryConfig::new(url).with_retry(RetryPolicy::none());
        BlockingRegistryClient::new(config).and_then(|c| c.subjects()).is_ok()
    });
    if !answers {
        assert!(!exported, "{test}: SCHEMA_REGISTRY_URL={url:?} does not answer");
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: no schema registry answers ({url:?}); run `avrokit stack up` first"
        );
        return None;
    }
    url
}

#[test]
fn register_reports_the_gate_and_each_subject() {
    let test = "register_reports_the_gate_and_each_subject";
    let Some(url) = registry(test) else { return };
    let prefix = format!("avrokit-it-json-{}-{}", std::process::id(), millis());
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
    use std::net::{TcpStream, ToSocketAddrs};
    let (servers, exported) = stack_setting("KAFKA_BOOTSTRAP_SERVERS");
    let listening = servers.as_deref().is_some_and(|servers| {
        servers
            .split(',')
            .next()
            .and_then(|first| first.to_socket_addrs().ok()?.next())
            .is_some_and(|addr| TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)).is_ok())
    });
    let Some(servers) = servers.filter(|_| listening) else {
        assert!(!exported, "KAFKA_BOOTSTRAP_SERVERS does not listen");
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED topics_plan_and_apply_report_every_topic: no broker; run `avrokit stack up` first"
        );
        return;
    };
    let prefix = format!("json-topics-{}", millis());
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
