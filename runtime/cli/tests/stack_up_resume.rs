//! `avrokit stack up` on a partly running stack: the registry stopped (`Outage`, as the
//! fault tests stop it), `up` starts it again on its data and keeps every other process
//! (same pids), and the registry still has what it held. Needs the native stack;
//! otherwise prints `SKIPPED ...` and passes.

mod running_stack;
mod scratch;

use avrokit_cli::stack::Outage;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// `avrokit stack status --format json`: each service's pid (`None`: not running).
fn pids() -> BTreeMap<String, Option<u64>> {
    let out = Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .args(["stack", "status", "--format", "json"])
        .current_dir(scratch::root())
        .output()
        .expect("avrokit runs");
    let status: Value = serde_json::from_slice(&out.stdout).expect("status is JSON");
    let services = status["services"].as_array().expect("services").iter();
    services
        .chain(std::iter::once(&status["secure"]["registry"]))
        .map(|s| (s["name"].as_str().expect("a name").to_owned(), s["pid"].as_u64()))
        .collect()
}

#[test]
fn up_starts_what_is_missing_and_keeps_what_runs() {
    let test = "up_starts_what_is_missing_and_keeps_what_runs";
    let Some(registry) = running_stack::registry(test) else {
        return;
    };
    // Something the registry holds before the outage, to find after it.
    let subject = scratch::scratch_name("it-resume");
    let schema =
        r#"{"type":"record","name":"Resumed","namespace":"it.resume","fields":[{"name":"id","type":"string"}]}"#;
    let body = serde_json::json!({ "schema": schema }).to_string();
    let agent = ureq::agent();
    let url = format!("{registry}/subjects/{subject}-value/versions");
    let registered: Value = agent
        .post(&url)
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .send(body.as_str())
        .expect("the registry takes the schema")
        .body_mut()
        .read_to_string()
        .map(|text| serde_json::from_str(&text).expect("JSON"))
        .expect("an id");

    let before = pids();
    let mut outage = Outage::stop("schema-registry").expect("the registry stops");
    if !outage.was_stopped() {
        running_stack::skip(test, "the registry is not the native stack's");
        return;
    }
    assert_eq!(pids()["schema-registry"], None, "the registry is down");

    let out = Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .args(["stack", "up"])
        .current_dir(scratch::root())
        .output()
        .expect("avrokit runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stack up: {}\n{stderr}", out.status);
    assert!(stderr.contains("starting schema-registry"), "{stderr}");
    // Nothing left for the outage to start.
    outage.end().expect("a no-op");

    let after = pids();
    for (service, pid) in &before {
        match service.as_str() {
            "schema-registry" => assert!(after[service].is_some(), "the registry runs again"),
            _ => assert_eq!(&after[service], pid, "{service} kept running"),
        }
    }
    let versions: Value = agent
        .get(&format!("{registry}/subjects/{subject}-value/versions/latest"))
        .call()
        .expect("the registry answers again")
        .body_mut()
        .read_to_string()
        .map(|text| serde_json::from_str(&text).expect("JSON"))
        .expect("the latest version");
    assert_eq!(versions["id"], registered["id"], "it kept its schemas");
}
