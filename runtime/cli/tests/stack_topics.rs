//! `avrokit topics apply` against the stack's real broker, on a copy of the catalog
//! whose topics carry a scratch prefix: a dry run creates nothing, a run creates every
//! topic with the catalog's settings, a second run changes nothing, a retention change is
//! altered in place, partitions grow (with a warning) but are never shrunk, and a refused
//! plan applies nothing. Without a broker the test prints `SKIPPED ...` and passes.

mod running_stack;
mod scratch;

use avrokit::kafka::topics::{TopicAdmin, TopicState};
use scratch::{root, scratch_name, scratch_schemas};
use std::path::Path;
use std::process::Command;

/// Runs `topics apply` (plus `extra` arguments); its exit code and stdout.
fn apply(servers: &str, schemas: &Path, extra: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .args(["topics", "apply", "--bootstrap-servers", servers, "--schemas"])
        .arg(schemas)
        .args(extra)
        .output()
        .expect("running avrokit");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}{stderr}");
    (output.status.code().unwrap_or(-1), stdout)
}

fn state(servers: &str, topic: &str) -> Option<TopicState> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async { TopicAdmin::connect(servers).unwrap().state(topic).await.unwrap() })
}

/// Edits the scratch catalog: `from` must occur in it.
fn edit_catalog(schemas: &Path, from: &str, to: &str) {
    let path = schemas.join("catalog.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} is not in the catalog");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn topics_apply_creates_then_leaves_then_alters() {
    let Some(servers) = running_stack::bootstrap("topics_apply_creates_then_leaves_then_alters") else {
        return;
    };
    let prefix = scratch_name("topics");
    let schemas = scratch_schemas(&prefix);
    let status = format!("{prefix}.telescope.status");

    let (code, out) = apply(&servers, &schemas, &["--dry-run"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("10 to create, 0 to alter, 0 unchanged, 0 refused; dry run, nothing applied"),
        "{out}"
    );
    assert_eq!(state(&servers, &status), None, "a dry run created {status}");

    let (code, out) = apply(&servers, &schemas, &[]);
    assert_eq!(code, 0);
    assert!(out.contains("topics: 10 created, 0 altered, 0 unchanged"), "{out}");
    let created = state(&servers, &status).expect("created");
    assert_eq!((created.partitions, created.replication_factor), (1, 1));
    assert_eq!(created.configs["retention.ms"].as_deref(), Some("259200000"));
    let raw = state(&servers, &format!("{prefix}.element.raw_data")).expect("created");
    assert_eq!(raw.configs["compression.type"].as_deref(), Some("snappy"));
    assert_eq!(raw.configs["retention.bytes"].as_deref(), Some("107374182400"));

    let (code, out) = apply(&servers, &schemas, &[]);
    assert_eq!(code, 0);
    assert!(out.contains("topics: 0 created, 0 altered, 10 unchanged"), "{out}");

    // telescope.status keeps three days in the seed; five now, and two partitions.
    edit_catalog(&schemas, "retention = \"3d\"", "retention = \"5d\"\npartitions = 2");
    let (code, out) = apply(&servers, &schemas, &[]);
    assert_eq!(code, 0);
    assert!(out.contains("retention.ms: 259200000 -> 432000000"), "{out}");
    assert!(out.contains("partitions: 1 -> 2"), "{out}");
    assert!(
        out.contains("warning: partitions 1 -> 2: keys hash to different partitions"),
        "{out}"
    );
    assert!(out.contains("topics: 0 created, 1 altered, 9 unchanged"), "{out}");
    let altered = state(&servers, &status).unwrap();
    assert_eq!(altered.partitions, 2);
    assert_eq!(altered.configs["retention.ms"].as_deref(), Some("432000000"));
    // The other settings were sent again, not reset to the broker's defaults.
    assert_eq!(
        altered.configs["min.insync.replicas"],
        created.configs["min.insync.replicas"]
    );

    // Back to one partition: refused, and the retention change beside it is not applied.
    edit_catalog(&schemas, "retention = \"5d\"\npartitions = 2", "retention = \"4d\"");
    let (code, out) = apply(&servers, &schemas, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("refused    {status}")), "{out}");
    assert!(
        out.contains("partitions 2 -> 1: Kafka cannot remove partitions"),
        "{out}"
    );
    assert!(out.contains("nothing applied"), "{out}");
    assert_eq!(
        state(&servers, &status).unwrap().configs["retention.ms"].as_deref(),
        Some("432000000")
    );
}

#[test]
fn an_unknown_environment_is_an_error_naming_the_known_ones() {
    // From the workspace root, whose `avro-schemas/` the command finds by convention.
    let output = Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .current_dir(root())
        .args([
            "topics",
            "apply",
            "--env",
            "staging",
            "--dry-run",
            "--bootstrap-servers",
            "127.0.0.1:1",
        ])
        .output()
        .expect("running avrokit");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("environment `staging` is not in the catalog's environments (dev, prod)"),
        "{stderr}"
    );
}
