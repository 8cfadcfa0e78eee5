//! Tests that `docker-compose.yml` describes the same stack as the native one: service
//! names, host ports, versions, credentials, the Connect worker's settings (the compose
//! file mounts `tests/stack/docker/connect-distributed.properties`, rendered from the same
//! code as the native worker's), healthchecks and start order.
//!
//! After changing `connect.rs`, refresh the mounted file with
//! `AVROKIT_BLESS=1 cargo test -p xtask compose`.

use super::connect::{WorkerEndpoints, connector_environment, worker_properties};
use super::kafka::CLUSTER_ID;
use super::topology::{
    APICURIO_VERSION, DB_NAME, DB_PASSWORD, DB_USER, KAFKA_UI_PORT, KAFKA_VERSION, POSTGRES_MAJOR,
    REGISTRY_CCOMPAT_PATH, REGISTRY_COMPATIBILITY, Service,
};
use std::path::PathBuf;
use yaml_rust2::{Yaml, YamlLoader};

/// The workspace root, where `docker-compose.yml` lives (two levels above this crate).
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).map(PathBuf::from).unwrap_or(manifest)
}

fn compose() -> Yaml {
    let path = root().join("docker-compose.yml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut docs =
        YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
    assert_eq!(docs.len(), 1, "docker-compose.yml must hold one document");
    docs.remove(0)
}

fn service<'a>(doc: &'a Yaml, name: &str) -> &'a Yaml {
    let svc = &doc["services"][name];
    assert!(!svc.is_badvalue(), "docker-compose.yml has no service `{name}`");
    svc
}

fn text(y: &Yaml) -> String {
    match y {
        Yaml::String(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        Yaml::Real(r) => r.clone(),
        other => panic!("expected a scalar, found {other:?}"),
    }
}

/// The host side of every `ports:` entry ("HOST:CONTAINER").
fn host_ports(svc: &Yaml) -> Vec<u16> {
    svc["ports"]
        .as_vec()
        .map(|v| {
            v.iter()
                .map(|p| {
                    let p = text(p);
                    let host = p.split(':').next().unwrap_or_default();
                    host.parse()
                        .unwrap_or_else(|_| panic!("port mapping {p:?} has no host port"))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn env(svc: &Yaml, key: &str) -> String {
    text(&svc["environment"][key])
}

/// The worker endpoints as seen inside the compose network.
fn docker_endpoints() -> WorkerEndpoints {
    WorkerEndpoints {
        bootstrap: "kafka:29092".to_string(),
        listen_host: "0.0.0.0".to_string(),
        advertised_host: "connect".to_string(),
        port: Service::Connect.default_port(),
        plugin_path: "/stack-cache/connect-plugins".to_string(),
        registry: "http://schema-registry:8080".to_string(),
        database: "postgres:5432".to_string(),
    }
}

#[test]
fn compose_services_and_host_ports_match_the_native_stack() {
    let doc = compose();
    for s in Service::ALL {
        let ports = host_ports(service(&doc, s.name()));
        assert_eq!(
            ports,
            vec![s.default_port()],
            "service `{s}` must publish exactly host port {}",
            s.default_port()
        );
    }
    let ui = service(&doc, "kafka-ui");
    assert_eq!(host_ports(ui), vec![KAFKA_UI_PORT]);
    assert_eq!(
        ui["profiles"].as_vec().map(|v| v.iter().map(text).collect::<Vec<_>>()),
        Some(vec!["tools".to_string()]),
        "kafka-ui must be under the `tools` profile only"
    );
}

/// Asserts that the images `image` names per service are the versions the native stack
/// runs; used on the file as written and on a Compose implementation's reading of it.
fn assert_native_images(image: impl Fn(&str) -> String) {
    assert_eq!(image("kafka"), format!("apache/kafka:{KAFKA_VERSION}"));
    assert_eq!(image("connect"), format!("apache/kafka:{KAFKA_VERSION}"));
    assert!(
        image("schema-registry").ends_with(&format!("apicurio-registry:{APICURIO_VERSION}")),
        "schema-registry image must be Apicurio {APICURIO_VERSION}"
    );
    assert_eq!(image("postgres"), format!("postgres:{POSTGRES_MAJOR}"));
}

#[test]
fn compose_images_are_the_native_versions() {
    let doc = compose();
    assert_native_images(|name| text(&service(&doc, name)["image"]));
}

/// The Compose implementation the file is validated with: the loader Docker Compose v2
/// itself reads files with (compose-spec/compose-go), whose `cmd` prints the normalised
/// model, installed once from the Go module proxy into `target/tools/`. Docker Compose v1
/// (the Python `docker-compose` on PyPI, 1.29.2) rejects the file's top-level `name` key,
/// part of the Compose Specification it predates.
const COMPOSE_GO: &str = "github.com/compose-spec/compose-go/v2/cmd";
/// The newest compose-go the machine's Go (1.26.8) builds: v2.17.0 asks for Go 1.26.11.
const COMPOSE_GO_VERSION: &str = "v2.16.2";

/// compose-go's `cmd`, installed if missing; `None` without a `go` command.
fn compose_go() -> Option<PathBuf> {
    let dir = root()
        .join("target/tools")
        .join(format!("compose-go-{COMPOSE_GO_VERSION}"));
    let binary = dir.join("cmd");
    if binary.is_file() {
        return Some(binary);
    }
    let status = std::process::Command::new("go")
        .args(["install", &format!("{COMPOSE_GO}@{COMPOSE_GO_VERSION}")])
        .env("GOBIN", &dir)
        .env("GOTOOLCHAIN", "local")
        .status();
    match status {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => panic!("running `go install {COMPOSE_GO}@{COMPOSE_GO_VERSION}`: {err}"),
        Ok(status) => {
            assert!(
                status.success(),
                "`go install {COMPOSE_GO}@{COMPOSE_GO_VERSION}` failed ({status})"
            );
            Some(binary)
        }
    }
}

#[test]
fn compose_go_reads_the_file_with_the_native_versions_and_ports() {
    let Some(tool) = compose_go() else {
        eprintln!("SKIPPED compose_go_reads_the_file: no `go` command to install compose-go with");
        return;
    };
    let out = std::process::Command::new(&tool)
        .args(["--format", "json", "docker-compose.yml"])
        .current_dir(root())
        .output()
        .expect("runs compose-go");
    assert!(
        out.status.success(),
        "compose-go rejects docker-compose.yml: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let model: serde_json::Value = serde_json::from_slice(&out.stdout).expect("compose-go prints JSON");
    assert_eq!(model["name"], "avrokit");
    let field = |name: &str, key: &str| model["services"][name][key].clone();
    assert_native_images(|name| field(name, "image").as_str().unwrap_or_default().to_owned());
    for s in Service::ALL {
        let published: Vec<String> = field(s.name(), "ports")
            .as_array()
            .map(|ports| {
                ports
                    .iter()
                    .map(|p| p["published"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            published,
            [s.default_port().to_string()],
            "service `{s}`'s published ports"
        );
    }
    assert_eq!(field("kafka-ui", "profiles"), serde_json::json!(["tools"]));
}

#[test]
fn compose_settings_match_the_native_stack() {
    let doc = compose();
    let pg = service(&doc, "postgres");
    assert_eq!(env(pg, "POSTGRES_DB"), DB_NAME);
    assert_eq!(env(pg, "POSTGRES_USER"), DB_USER);
    assert_eq!(env(pg, "POSTGRES_PASSWORD"), DB_PASSWORD);

    let kafka = service(&doc, "kafka");
    assert_eq!(env(kafka, "CLUSTER_ID"), CLUSTER_ID);
    assert_eq!(env(kafka, "KAFKA_PROCESS_ROLES"), "broker,controller");
    let advertised = env(kafka, "KAFKA_ADVERTISED_LISTENERS");
    assert!(
        advertised.contains(&format!("127.0.0.1:{}", Service::Kafka.default_port())),
        "the host listener must advertise 127.0.0.1:9092, got {advertised}"
    );
    assert!(advertised.contains("kafka:29092"));

    let init = service(&doc, "init-registry");
    let args: Vec<String> = init["command"]
        .as_vec()
        .expect("init-registry's command is a list")
        .iter()
        .map(text)
        .collect();
    assert!(args.contains(&format!(r#"{{"compatibility":"{REGISTRY_COMPATIBILITY}"}}"#)));
    assert!(
        args.iter()
            .any(|a| a.ends_with(&format!("{REGISTRY_CCOMPAT_PATH}/config")))
    );
}

#[test]
fn compose_connect_worker_is_rendered_from_the_native_code() {
    let doc = compose();
    let connect = service(&doc, "connect");
    let command: Vec<String> = connect["command"]
        .as_vec()
        .expect("connect's command is a list")
        .iter()
        .map(text)
        .collect();
    assert!(
        command.last().is_some_and(
            |c| c.contains("sync-manifests") && c.ends_with("/stack/docker/connect-distributed.properties")
        ),
        "connect must sync plugin manifests, then run the mounted worker properties: {command:?}"
    );
    let expected = worker_properties(&docker_endpoints());
    let path = root().join("tests/stack/docker/connect-distributed.properties");
    if std::env::var_os("AVROKIT_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("writing the blessed worker properties");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    assert_eq!(
        actual,
        expected,
        "{} is stale; refresh it with `AVROKIT_BLESS=1 cargo test -p xtask compose`",
        path.display()
    );
}

#[test]
fn compose_connect_worker_has_the_connector_placeholders_in_its_environment() {
    let doc = compose();
    let connect = service(&doc, "connect");
    for (key, value) in connector_environment(&docker_endpoints()) {
        assert_eq!(env(connect, key), value, "connect's environment must set {key}");
    }
}

#[test]
fn compose_healthchecks_gate_the_start_order() {
    let doc = compose();
    for s in Service::ALL {
        assert!(
            !service(&doc, s.name())["healthcheck"]["test"].is_badvalue(),
            "service `{s}` needs a healthcheck"
        );
    }
    let needs = &service(&doc, "connect")["depends_on"];
    for dep in ["kafka", "schema-registry", "postgres"] {
        assert_eq!(
            text(&needs[dep]["condition"]),
            "service_healthy",
            "connect must wait for a healthy `{dep}`"
        );
    }
    assert_eq!(
        text(&needs["stack-fetch"]["condition"]),
        "service_completed_successfully"
    );
    for volume in ["kafka-data", "postgres-data", "stack-cache"] {
        assert!(
            doc["volumes"]
                .as_hash()
                .is_some_and(|h| h.contains_key(&Yaml::String(volume.to_string()))),
            "named volume `{volume}` is missing"
        );
    }
}
