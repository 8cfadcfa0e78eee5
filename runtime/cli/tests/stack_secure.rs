//! The stack's secure endpoints, through the `avrokit` binary: the broker's SASL_SSL
//! listener (SCRAM-SHA-512) and the HTTPS registry with basic auth, both on the throwaway
//! CA `stack up` draws, configured only by what `avrokit stack env --secure` prints.
//!
//! - `topics apply`, `register`, `produce --fake`, `consume` and `compat --registry` work
//!   through them on a scratch copy of `avro-schemas/`;
//! - a wrong password (broker and registry), a CA the servers' certificate is not from
//!   (a second throwaway CA), a plaintext client at the SASL_SSL listener and `http://`
//!   at the HTTPS port are each exit 2 with one `error:` line saying which;
//! - the password is in none of these runs' output, the stack's logs, `generated/`, or
//!   the `Debug` output of the settings that hold it.
//!
//! Without a running stack that has the secure endpoints, each test prints `SKIPPED ...`
//! and passes.

mod scratch;

use scratch::{root, scratch_name, scratch_schemas};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

/// The stack's directory (`$AVROKIT_STACK_DIR`, else `target/stack`).
fn stack_dir() -> PathBuf {
    std::env::var_os("AVROKIT_STACK_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/stack"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What `avrokit stack env --secure` prints, as pairs, or `None` (having said why) when
/// the stack has no secure endpoints.
fn secure_env(test: &str) -> Option<BTreeMap<String, String>> {
    let out = Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .args(["stack", "env", "--secure"])
        .current_dir(root())
        .output()
        .expect("runs avrokit stack env");
    let env: BTreeMap<String, String> = text(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let listening = env
        .get("KAFKA_BOOTSTRAP_SERVERS")
        .is_some_and(|servers| std::net::TcpStream::connect(servers).is_ok());
    if !out.status.success() || !listening {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: no stack with secure endpoints ({}); run it with `cargo xtask test`, or \
             `avrokit stack up` then `cargo test -p avrokit-cli --test stack_secure`",
            text(&out.stderr).trim()
        );
        return None;
    }
    Some(env)
}

/// The password of the secure endpoints.
fn password(env: &BTreeMap<String, String>) -> &str {
    &env["KAFKA_SASL_PASSWORD"]
}

/// One `avrokit` run with `env` as its whole Kafka and registry environment (nothing of
/// the plaintext stack leaks in from the test's own environment).
fn avrokit(env: &BTreeMap<String, String>, schemas: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_avrokit"));
    for key in [
        "KAFKA_BOOTSTRAP_SERVERS",
        "SCHEMA_REGISTRY_URL",
        "SCHEMA_REGISTRY_USER",
        "SCHEMA_REGISTRY_PASSWORD",
        "SCHEMA_REGISTRY_TOKEN",
        "SCHEMA_REGISTRY_CA",
        "KAFKA_SECURITY_PROTOCOL",
        "KAFKA_SASL_MECHANISM",
        "KAFKA_SASL_USERNAME",
        "KAFKA_SASL_PASSWORD",
        "KAFKA_SSL_CA_LOCATION",
    ] {
        cmd.env_remove(key);
    }
    cmd.envs(env).args(args).args(["--schemas"]).arg(schemas);
    cmd.output().expect("runs avrokit")
}

/// A scratch copy of `avro-schemas/` whose topics are this run's.
fn scratch(test: &str) -> (PathBuf, String) {
    let prefix = scratch_name(&format!("secure-{test}"));
    (scratch_schemas(&prefix), prefix)
}

/// Asserts a failed run: exit 2, exactly one `error:` line, containing `needle`.
fn assert_one_error(what: &str, out: &Output, needle: &str) {
    let stderr = text(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert_eq!(errors.len(), 1, "{what}: one error line, got: {stderr}");
    assert!(errors[0].contains(needle), "{what}: {needle:?} not in {:?}", errors[0]);
}

fn assert_no_secret(what: &str, haystack: &str, secret: &str) {
    assert!(!haystack.contains(secret), "{what} shows the password");
}

#[test]
fn stack_secure_produce_consume_register_and_gate() {
    let Some(env) = secure_env("stack_secure_produce_consume_register_and_gate") else {
        return;
    };
    assert!(env["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL" && env["SCHEMA_REGISTRY_URL"].starts_with("https://"));
    let (schemas, prefix) = scratch("flow");
    let topic = format!("{prefix}.telescope.commands");
    let mut outputs = String::new();
    let mut run = |args: &[&str]| {
        let out = avrokit(&env, &schemas, args);
        outputs.push_str(&text(&out.stdout));
        outputs.push_str(&text(&out.stderr));
        assert!(out.status.success(), "avrokit {args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    run(&["topics", "apply"]);
    let registered = run(&["register"]);
    assert!(registered.contains(&format!("{topic}-value")), "{registered}");
    run(&["produce", &topic, "--fake", "5", "--seed", "7"]);
    let consumed = run(&[
        "consume",
        &topic,
        "--from-beginning",
        "--max-messages",
        "5",
        "--timeout",
        "30",
    ]);
    let records: Vec<serde_json::Value> = consumed.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 5, "{consumed}");
    assert!(
        records
            .iter()
            .all(|r| r["topic"] == topic.as_str() && r["schema_id"].is_u64())
    );
    let registry = env["SCHEMA_REGISTRY_URL"].clone();
    let gate = run(&["compat", "--registry", &registry]);
    assert!(gate.contains(&format!("{topic}-value: compatible")), "{gate}");
    assert_no_secret("the runs' output", &outputs, password(&env));
}

/// A run that must be refused: its environment, arguments and what its error says.
struct Case<'a> {
    what: &'a str,
    env: BTreeMap<String, String>,
    args: Vec<&'a str>,
    needle: &'a str,
}

#[test]
fn stack_secure_bad_password_ca_and_plaintext_are_one_line_errors() {
    let Some(env) = secure_env("stack_secure_bad_password_ca_and_plaintext_are_one_line_errors") else {
        return;
    };
    let (schemas, prefix) = scratch("bad");
    let topic = format!("{prefix}.telescope.commands");
    // A second throwaway CA: the servers' certificate is not one of its.
    let other_ca = std::env::temp_dir().join(format!("{prefix}-other-ca"));
    std::fs::create_dir_all(&other_ca).unwrap();
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"])
        .args([
            "-subj",
            "/CN=another throwaway CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ])
        .current_dir(&other_ca)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));
    let other_ca = other_ca.join("ca.pem").display().to_string();
    let with = |key: &str, value: &str| {
        let mut changed = env.clone();
        changed.insert(key.to_owned(), value.to_owned());
        changed
    };
    let http = env["SCHEMA_REGISTRY_URL"].replacen("https://", "http://", 1);
    let registry = env["SCHEMA_REGISTRY_URL"].clone();
    let cases = [
        Case {
            what: "a wrong broker password",
            env: with("KAFKA_SASL_PASSWORD", "not-the-password"),
            args: vec!["produce", &topic, "--fake", "1"],
            needle: "SASL authentication error",
        },
        Case {
            what: "an unknown CA at the broker",
            env: with("KAFKA_SSL_CA_LOCATION", &other_ca),
            args: vec!["consume", &topic, "--max-messages", "1", "--timeout", "5"],
            needle: "certificate verify failed",
        },
        Case {
            what: "a plaintext client at the SASL_SSL listener",
            env: with("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"),
            args: vec!["produce", &topic, "--fake", "1"],
            needle: "a TLS listener? set --security-protocol SSL or SASL_SSL",
        },
        Case {
            what: "a wrong registry password",
            env: with("SCHEMA_REGISTRY_PASSWORD", "not-the-password"),
            args: vec!["compat", "--registry", &registry],
            needle: "HTTP 401",
        },
        Case {
            what: "an unknown CA at the registry",
            env: with("SCHEMA_REGISTRY_CA", &other_ca),
            args: vec!["register"],
            needle: "UnknownIssuer",
        },
        Case {
            what: "http:// at the HTTPS registry",
            env: env.clone(),
            args: vec!["compat", "--registry", &http],
            needle: "an HTTPS-only endpoint? the URL says http://",
        },
    ];
    // The broker cases each wait out the 10 s metadata timeout: in parallel.
    let started = Instant::now();
    let outputs: Vec<Output> = std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .map(|case| scope.spawn(|| avrokit(&case.env, &schemas, &case.args)))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    for (case, out) in cases.iter().zip(&outputs) {
        assert_one_error(case.what, out, case.needle);
        let all = text(&out.stdout) + &text(&out.stderr);
        assert_no_secret(case.what, &all, password(&env));
    }
    eprintln!("six refused runs in {:.1} s", started.elapsed().as_secs_f64());
}

/// Every file under `dir` (recursively) that contains `secret`.
fn files_containing(dir: &Path, secret: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, secret));
        } else if std::fs::read(&path).is_ok_and(|bytes| bytes.windows(secret.len()).any(|w| w == secret.as_bytes())) {
            found.push(path);
        }
    }
    found
}

#[test]
fn stack_secure_password_stays_out_of_logs_generated_files_and_debug_output() {
    let Some(env) = secure_env("stack_secure_password_stays_out_of_logs_generated_files_and_debug_output") else {
        return;
    };
    let secret = password(&env);
    for dir in [stack_dir().join("logs"), root().join("generated")] {
        let found = files_containing(&dir, secret);
        assert!(found.is_empty(), "the password is in {found:?}");
    }
    // The settings that hold it, as a program would print them.
    let kafka = avrokit_cli::endpoints::KafkaArgs {
        bootstrap_servers: Some(env["KAFKA_BOOTSTRAP_SERVERS"].clone()),
        security_protocol: Some("SASL_SSL".into()),
        sasl_username: Some(env["KAFKA_SASL_USERNAME"].clone()),
        sasl_password: Some(secret.to_owned()),
        config: vec![format!("ssl.key.password={secret}")],
        ..Default::default()
    };
    let registry = avrokit_cli::endpoints::RegistryAuthArgs {
        user: Some(env["SCHEMA_REGISTRY_USER"].clone()),
        password: Some(secret.to_owned()),
        ..Default::default()
    };
    let settings = kafka.settings().unwrap();
    let producer = avrokit::kafka::ProducerSettings::new(&env["KAFKA_BOOTSTRAP_SERVERS"]).with_kafka(settings.clone());
    let config = registry.config(&env["SCHEMA_REGISTRY_URL"]).unwrap();
    let client = avrokit::registry_client::BlockingRegistryClient::new(config.clone()).unwrap();
    for (what, shown) in [
        ("KafkaArgs", format!("{kafka:?}")),
        ("RegistryAuthArgs", format!("{registry:?}")),
        ("KafkaSettings", format!("{settings:?}")),
        ("ProducerSettings", format!("{producer:?}")),
        ("RegistryConfig", format!("{config:?}")),
        ("BlockingRegistryClient", format!("{client:?}")),
    ] {
        // The label, not the text: a failure must not print the password either.
        assert_no_secret(&format!("Debug of {what}"), &shown, secret);
    }
    // The settings do carry it to librdkafka and the registry.
    assert_eq!(settings.overrides["sasl.password"], secret);
    // The files that must hold it are its owner's alone.
    use std::os::unix::fs::PermissionsExt;
    let env_file = stack_dir().join("stack.env");
    let mode = std::fs::metadata(&env_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", env_file.display());
}
