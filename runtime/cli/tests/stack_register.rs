//! `avrokit register` against the stack's real registry, on a copy of `avro-schemas/`
//! whose topics carry a scratch prefix (so the subjects are this run's alone): a dry run
//! registers nothing, a run registers every catalog subject as version 1, a second run
//! changes nothing, a compatible change becomes version 2, and an incompatible one is
//! refused by the gate before anything is registered. Without a registry the test prints
//! `SKIPPED ...` and passes.

mod running_stack;
mod scratch;

use avrokit::registry_client::Deletion;
use avrokit::registry_client::{BlockingRegistryClient, Compatibility, Normalize, RegistryConfig, RegistryErrorKind};
use scratch::{scratch_name, scratch_schemas};
use std::path::Path;
use std::process::{Command, Output};

fn register(url: &str, schemas: &Path, dry_run: bool) -> (Output, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_avrokit"));
    cmd.args(["register", "--registry", url, "--schemas"]).arg(schemas);
    if dry_run {
        cmd.arg("--dry-run");
    }
    let output = cmd.output().expect("runs avrokit");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

/// `subject -> (version, id)` from `register`'s lines `SUBJECT version V id I`.
fn registered(stdout: &str) -> Vec<(String, u32, u32)> {
    stdout
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words[..] {
                [subject, "version", v, "id", id, ..] => Some((subject.to_owned(), v.parse().ok()?, id.parse().ok()?)),
                _ => None,
            }
        })
        .collect()
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} lacks {from}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn register_checks_then_registers_every_catalog_subject() {
    let Some(url) = running_stack::registry("register_checks_then_registers_every_catalog_subject") else {
        return;
    };
    let client = BlockingRegistryClient::new(RegistryConfig::new(&url)).unwrap();
    let prefix = scratch_name("avrokit-it-register");
    let schemas = scratch_schemas(&prefix);
    let data_subject = format!("{prefix}.telescope.data-value");

    // A dry run checks and says, and registers nothing.
    let (out, stdout) = register(&url, &schemas, true);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.matches("would register as version 1").count(), 10, "{stdout}");
    let err = client.versions(&data_subject).unwrap_err();
    assert!(matches!(err.kind(), RegistryErrorKind::SubjectNotFound { .. }), "{err}");

    // The real run: every subject at version 1, with the id the registry keeps for it.
    let (out, stdout) = register(&url, &schemas, false);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let first = registered(&stdout);
    assert_eq!(first.len(), 10, "{stdout}");
    for (subject, version, id) in &first {
        assert!(subject.starts_with(&prefix), "{subject}");
        assert_eq!(*version, 1, "{subject}");
        assert_eq!(client.rest().latest(subject).unwrap().id, *id, "{subject}");
    }

    // Again: nothing changes.
    let (out, stdout) = register(&url, &schemas, false);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(registered(&stdout), first);

    // A compatible change (a field with a default) becomes version 2.
    let data_file = schemas.join("astro-beam/telescope-data.avsc");
    edit(
        &data_file,
        r#"{"name": "data", "type": "bytes""#,
        r#"{"name": "site", "type": "string", "default": "ALMA"}, {"name": "data", "type": "bytes""#,
    );
    let (out, stdout) = register(&url, &schemas, true);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!("{data_subject:<32} would register as version 2")),
        "{stdout}"
    );
    let (out, stdout) = register(&url, &schemas, false);
    assert!(out.status.success(), "{stdout}");
    assert!(
        registered(&stdout)
            .iter()
            .any(|(s, v, _)| *s == data_subject && *v == 2),
        "{stdout}"
    );

    // An incompatible one (int to string) is refused before anything is registered.
    edit(
        &data_file,
        r#""sequence_number", "type": "int""#,
        r#""sequence_number", "type": "string""#,
    );
    let (out, stdout) = register(&url, &schemas, false);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("register: nothing registered"), "{stdout}");
    assert!(registered(&stdout).is_empty(), "{stdout}");
    assert_eq!(client.versions(&data_subject).unwrap(), vec![1, 2]);

    for (subject, _, _) in &first {
        client.delete_subject(subject, Deletion::Soft).unwrap();
        client.delete_subject(subject, Deletion::Permanent).unwrap();
    }
    std::fs::remove_dir_all(&schemas).unwrap();
}

/// `register` sets each subject's level to the catalog's, and the registry then enforces
/// it on its own: a schema registered behind the gate's back (straight through the REST
/// API) that FORWARD forbids but BACKWARD allows is refused with 409.
#[test]
fn the_catalogs_level_is_set_and_then_enforced_by_the_registry() {
    let Some(url) = running_stack::registry("the_catalogs_level_is_set_and_then_enforced_by_the_registry") else {
        return;
    };
    let client = BlockingRegistryClient::new(RegistryConfig::new(&url)).unwrap();
    let prefix = scratch_name("avrokit-it-level");
    let schemas = scratch_schemas(&prefix);
    edit(
        &schemas.join("catalog.toml"),
        "value = \"astro.beam.TelescopeData\"\n",
        "value = \"astro.beam.TelescopeData\"\ncompatibility = \"FORWARD\"\n",
    );
    let subject = format!("{prefix}.telescope.data-value");

    let (out, stdout) = register(&url, &schemas, true);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let (out, stdout) = register(&url, &schemas, false);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&subject), "{stdout}");
    assert_eq!(client.config(Some(&subject)).unwrap(), Compatibility::Forward);

    // Without `observation_id` (a field with no default): the new schema reads old data
    // (BACKWARD), the old one cannot read new data (FORWARD).
    let registered = client.rest().latest(&subject).unwrap().schema;
    let mut schema: serde_json::Value = serde_json::from_str(&registered).unwrap();
    schema["fields"]
        .as_array_mut()
        .unwrap()
        .retain(|field| field["name"] != "observation_id");
    let err = client
        .rest()
        .register(&subject, &schema.to_string(), Normalize::AsSent)
        .unwrap_err();
    assert!(
        matches!(err.kind(), RegistryErrorKind::Incompatible { .. }),
        "the registry accepted a FORWARD-incompatible schema: {err}"
    );
    assert_eq!(client.versions(&subject).unwrap(), [1]);

    for topic_subject in client
        .subjects()
        .unwrap()
        .into_iter()
        .filter(|s| s.starts_with(&prefix))
    {
        client.delete_subject(&topic_subject, Deletion::Soft).unwrap();
        client.delete_subject(&topic_subject, Deletion::Permanent).unwrap();
    }
}
