//! The Debezium connector files `gen` writes (for `avro-schemas/catalog.toml` and
//! `corpus/connect/`) against the keys the live plugin defines: each is validated by
//! `PUT /connector-plugins/{class}/config/validate` on the stack's Kafka Connect. The
//! offline checks of the same files are `connect_json.rs`. Without a running stack the
//! test passes after printing that it was skipped.

use avrokit_codegen::Generator;
use avrokit_codegen::connect::converter::CONFLUENT_AVRO_CONVERTER;
use avrokit_codegen::connect::{ConnectorFile, config::DEBEZIUM_JDBC_SINK};
use avrokit_tests::stack_env::{self, say};
use std::io::Write;
use std::process::{Command, Stdio};

/// Prefixes Connect passes on to a plugin: the converters' own settings.
const CONVERTER_PREFIXES: [&str; 2] = ["key.converter.", "value.converter."];

/// The connector files of the catalogs of `avro-schemas/` and `corpus/connect/`.
fn all_files() -> Vec<ConnectorFile> {
    ["../avro-schemas", "corpus/connect"]
        .iter()
        .flat_map(|dir| {
            Generator::new(dir)
                .catalog(format!("{dir}/catalog.toml"))
                .generate()
                .unwrap_or_else(|diagnostics| panic!("{dir} must generate:\n{diagnostics}"))
                .connect
        })
        .map(|f| serde_json::from_str(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path.display())))
        .collect()
}

/// `PUT /connector-plugins/{class}/config/validate` on the stack's Connect, through curl.
fn validate(connect: &str, class: &str, file: &ConnectorFile) -> Result<serde_json::Value, String> {
    let mut config = file.config.clone();
    config.insert("name".into(), file.name.clone());
    let url = format!("{connect}/connector-plugins/{class}/config/validate");
    let mut child = Command::new("curl")
        .args([
            "-sS",
            "-f",
            "-X",
            "PUT",
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            "@-",
            &url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run curl: {e}"))?;
    let body = serde_json::to_vec(&config).map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(&body)
        .map_err(|e| e.to_string())?;
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("PUT {url}: {}", String::from_utf8_lossy(&output.stderr)));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("PUT {url}: {e}"))
}

#[test]
fn debezium_files_use_only_keys_the_live_plugin_defines() {
    let (connect, exported) = match stack_env::var("KAFKA_CONNECT_URL") {
        Ok(found) => found,
        Err(why) => {
            say(&format!(
                "SKIPPED stack_connect_json: {why}; run it with `cargo xtask test`, or \
                 `cargo xtask stack up` then `cargo test -p avrokit-tests --test stack_connect_json`"
            ));
            return;
        }
    };
    let debezium: Vec<ConnectorFile> = all_files()
        .into_iter()
        .filter(|f| f.config.get("connector.class").map(String::as_str) == Some(DEBEZIUM_JDBC_SINK))
        .collect();
    assert!(debezium.len() >= 3, "avro-schemas/ and the corpus have Debezium sinks");
    for file in &debezium {
        let answer = match validate(&connect, DEBEZIUM_JDBC_SINK, file) {
            Ok(answer) => answer,
            Err(why) => {
                assert!(!exported, "Connect at {connect}: {why}");
                say(&format!("SKIPPED stack_connect_json: {why} (stale stack.env?)"));
                return;
            }
        };
        let configs = answer["configs"].as_array().expect("validate answers `configs`");
        let known: Vec<&str> = configs
            .iter()
            .filter_map(|c| c["definition"]["name"].as_str())
            .collect();
        let unknown: Vec<&String> = file
            .config
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .filter(|k| !CONVERTER_PREFIXES.iter().any(|p| k.starts_with(p)))
            .collect();
        assert!(
            unknown.is_empty(),
            "{}: keys the plugin does not define: {unknown:?}",
            file.name
        );
        // The stack's worker runs Apicurio's converter only: Confluent's class (the corpus
        // catalog's choice) is the one error it may find.
        let errors: Vec<&str> = configs
            .iter()
            .flat_map(|c| c["value"]["errors"].as_array().into_iter().flatten())
            .filter_map(|e| e.as_str())
            .filter(|e| !(e.contains(CONFLUENT_AVRO_CONVERTER) && e.contains("could not be found")))
            .collect();
        assert!(errors.is_empty(), "{}: Connect's validation: {errors:?}", file.name);
    }
}
