//! Tests that `docker-compose.yml` describes the same stack as the native one: service
//! names, host ports, versions, credentials, the Connect worker's settings (the compose
//! file mounts `tests/stack/docker/connect-distributed.properties`, rendered from the same
//! code as the native worker's), the secure endpoints (the broker's SASL_SSL listener, the
//! HTTPS registry's Quarkus settings, and what the `stack-tls` script draws for them),
//! healthchecks and start order.
//!
//! After changing `connect.rs`, refresh the mounted file with
//! `AVROKIT_BLESS=1 cargo test -p xtask compose`.

use super::connect::{WorkerEndpoints, connector_environment, worker_properties};
use super::kafka::{CLUSTER_ID, SCRAM_LOGIN_MODULE};
use super::registry::{TLS_USER_ROLE, tls_settings, tls_users};
use super::topology::{
    APICURIO_VERSION, DB_NAME, DB_PASSWORD, DB_USER, KAFKA_SASL_MECHANISM, KAFKA_SASL_SSL_PORT, KAFKA_UI_PORT,
    KAFKA_VERSION, POSTGRES_MAJOR, REGISTRY_CCOMPAT_PATH, REGISTRY_COMPATIBILITY, SECURE_USER, Service,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

/// The secure endpoints' start order, as (service, what it waits for, the condition): the
/// broker and the HTTPS registry read what `stack-tls` draws, and the init steps of the
/// secure endpoints need those two up. Checked in the file as written and as Compose
/// reads it.
const SECURE_START_ORDER: [(&str, &str, &str); 4] = [
    ("kafka", "stack-tls", "service_completed_successfully"),
    ("schema-registry-tls", "stack-tls", "service_completed_successfully"),
    ("init-scram", "kafka", "service_healthy"),
    ("init-registry-tls", "schema-registry-tls", "service_healthy"),
];

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

/// Every `ports:` entry ("HOST:CONTAINER") as (host, container).
fn port_mappings(svc: &Yaml) -> Vec<(u16, u16)> {
    svc["ports"]
        .as_vec()
        .map(|v| {
            v.iter()
                .map(|p| {
                    let p = text(p);
                    let parsed = p
                        .split_once(':')
                        .and_then(|(host, container)| Some((host.parse().ok()?, container.parse().ok()?)));
                    parsed.unwrap_or_else(|| panic!("port mapping {p:?} is not HOST:CONTAINER"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The host side of every `ports:` entry.
fn host_ports(svc: &Yaml) -> Vec<u16> {
    port_mappings(svc).into_iter().map(|(host, _)| host).collect()
}

/// The host ports the native stack serves `service`'s clients on.
fn native_host_ports(service: Service) -> Vec<u16> {
    match service {
        Service::Kafka => vec![service.default_port(), KAFKA_SASL_SSL_PORT],
        other => vec![other.default_port()],
    }
}

fn env(svc: &Yaml, key: &str) -> String {
    let value = &svc["environment"][key];
    assert!(!value.is_badvalue(), "the service's environment has no {key}");
    text(value)
}

/// A list-valued key of a service (`command`, `volumes`, ...) as strings.
fn strings(svc: &Yaml, key: &str) -> Vec<String> {
    svc[key]
        .as_vec()
        .unwrap_or_else(|| panic!("`{key}` is not a list"))
        .iter()
        .map(text)
        .collect()
}

/// Where `svc` mounts the `stack-tls` volume.
fn tls_mount(svc: &Yaml) -> String {
    let mounts: Vec<String> = strings(svc, "volumes")
        .into_iter()
        .filter_map(|v| v.strip_prefix("stack-tls:").map(str::to_owned))
        .collect();
    assert_eq!(mounts.len(), 1, "one mount of the `stack-tls` volume: {mounts:?}");
    mounts[0].split(':').next().unwrap_or_default().to_owned()
}

/// `path` (as `svc` sees it) in `volume`, a local directory standing for `stack-tls`.
fn in_volume(svc: &Yaml, path: &str, volume: &Path) -> PathBuf {
    let mount = tls_mount(svc);
    let rel = path
        .strip_prefix(&format!("{mount}/"))
        .unwrap_or_else(|| panic!("{path} is not in the `stack-tls` volume (mounted at {mount})"));
    volume.join(rel)
}

/// The environment variable Quarkus reads `property` from (MicroProfile Config's rule:
/// upper case, every other character than a letter or digit an underscore).
fn quarkus_env(property: &str) -> String {
    property
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
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
    for s in Service::PROCESSES {
        let ports = host_ports(service(&doc, s.name()));
        assert_eq!(
            ports,
            native_host_ports(s),
            "service `{s}` must publish exactly host ports {:?}",
            native_host_ports(s)
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
    for registry in ["schema-registry", "schema-registry-tls"] {
        assert!(
            image(registry).ends_with(&format!("apicurio-registry:{APICURIO_VERSION}")),
            "{registry} image must be Apicurio {APICURIO_VERSION}"
        );
    }
    assert_eq!(image("schema-registry-tls"), image("schema-registry"));
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
    for s in Service::PROCESSES {
        let published: Vec<String> = field(s.name(), "ports")
            .as_array()
            .map(|ports| {
                ports
                    .iter()
                    .map(|p| p["published"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let expected: Vec<String> = native_host_ports(s).iter().map(u16::to_string).collect();
        assert_eq!(published, expected, "service `{s}`'s published ports");
    }
    assert_eq!(field("kafka-ui", "profiles"), serde_json::json!(["tools"]));
    // The start order as Compose reads it: the secure endpoints' material first.
    for (name, dependency, condition) in SECURE_START_ORDER {
        assert_eq!(
            field(name, "depends_on")[dependency]["condition"],
            condition,
            "`{name}` waits for `{dependency}`"
        );
    }
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
    for s in Service::PROCESSES {
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
    for (name, dependency, condition) in SECURE_START_ORDER {
        assert_eq!(
            text(&service(&doc, name)["depends_on"][dependency]["condition"]),
            condition,
            "`{name}` must wait for `{dependency}` ({condition})"
        );
    }
    for volume in ["kafka-data", "postgres-data", "stack-cache", "stack-tls"] {
        assert!(
            doc["volumes"]
                .as_hash()
                .is_some_and(|h| h.contains_key(&Yaml::String(volume.to_string()))),
            "named volume `{volume}` is missing"
        );
    }
}

/// The listener names of `map` (`NAME:PROTOCOL,...`) that speak `protocol`.
fn listeners_speaking(map: &str, protocol: &str) -> Vec<String> {
    map.split(',')
        .filter_map(|pair| pair.split_once(':'))
        .filter(|(_, p)| *p == protocol)
        .map(|(name, _)| name.to_owned())
        .collect()
}

#[test]
fn compose_kafka_has_the_native_sasl_ssl_listener() {
    let doc = compose();
    let kafka = service(&doc, "kafka");
    let names = listeners_speaking(&env(kafka, "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"), "SASL_SSL");
    assert_eq!(names.len(), 1, "one SASL_SSL listener: {names:?}");
    let name = &names[0];
    let listeners = env(kafka, "KAFKA_LISTENERS");
    let bind = format!("{name}://0.0.0.0:{KAFKA_SASL_SSL_PORT}");
    assert!(listeners.split(',').any(|l| l == bind), "{bind} in {listeners}");
    // Host clients reach it where the native stack serves it.
    let advertised = env(kafka, "KAFKA_ADVERTISED_LISTENERS");
    let host = format!("{name}://127.0.0.1:{KAFKA_SASL_SSL_PORT}");
    assert!(advertised.split(',').any(|l| l == host), "{host} in {advertised}");
    assert!(
        port_mappings(kafka).contains(&(KAFKA_SASL_SSL_PORT, KAFKA_SASL_SSL_PORT)),
        "kafka publishes the SASL_SSL listener's port as is"
    );
    assert_eq!(env(kafka, "KAFKA_SASL_ENABLED_MECHANISMS"), KAFKA_SASL_MECHANISM);
    assert_eq!(env(kafka, "KAFKA_SSL_KEYSTORE_TYPE"), "PKCS12");
    // The image reads TLS material from /etc/kafka/secrets only.
    assert_eq!(tls_mount(kafka), "/etc/kafka/secrets");
    assert!(
        env(kafka, "KAFKA_OPTS").starts_with("-Djava.security.auth.login.config=/etc/kafka/secrets/"),
        "KAFKA_OPTS names the JAAS file in the secrets volume"
    );

    // The SCRAM credential: the native stack's user and mechanism, over the plaintext
    // listener the containers use.
    let scram = service(&doc, "init-scram");
    assert_eq!(env(scram, "SECURE_USER"), SECURE_USER);
    assert_eq!(env(scram, "SASL_MECHANISM"), KAFKA_SASL_MECHANISM);
    let bootstrap = env(scram, "KAFKA_BOOTSTRAP");
    assert!(
        advertised.split(',').any(|l| l.ends_with(&format!("://{bootstrap}"))),
        "init-scram's {bootstrap} is an advertised listener"
    );
    assert!(
        listeners_speaking(&env(kafka, "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"), "PLAINTEXT")
            .iter()
            .any(|n| advertised.split(',').any(|l| l == format!("{n}://{bootstrap}"))),
        "init-scram's {bootstrap} is a plaintext listener"
    );
    let script = root().join("tests/stack/docker/init-scram.sh");
    let script = std::fs::read_to_string(&script).unwrap_or_else(|e| panic!("reading {}: {e}", script.display()));
    assert!(
        strings(scram, "entrypoint").contains(&"/stack/docker/init-scram.sh".to_owned()),
        "init-scram runs tests/stack/docker/init-scram.sh"
    );
    assert!(script.contains(&format!("cat {}/password", tls_mount(scram))));
    assert!(script.contains(r#"--add-config "$SASL_MECHANISM=[password=$password]""#));
    assert!(script.contains(r#"--entity-type users --entity-name "$SECURE_USER""#));
}

#[test]
fn compose_registry_tls_has_the_native_settings() {
    let doc = compose();
    let plain = service(&doc, "schema-registry");
    let tls = service(&doc, "schema-registry-tls");
    let mappings = port_mappings(tls);
    assert_eq!(mappings.len(), 1, "schema-registry-tls publishes one port");
    let (host, container) = mappings[0];
    assert_eq!(host, Service::RegistryTls.default_port());
    let container = container.to_string();
    let variables: Vec<String> = tls["environment"]
        .as_hash()
        .expect("schema-registry-tls has an environment map")
        .keys()
        .map(text)
        .collect();

    // The native HTTPS registry's Quarkus settings, one environment variable each, and
    // no other Quarkus setting but where the users realm is.
    let (cert, key) = (
        env(tls, "QUARKUS_HTTP_SSL_CERTIFICATE_FILES"),
        env(tls, "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES"),
    );
    let settings = tls_settings(&container, &cert, &key);
    for (property, value) in settings {
        assert_eq!(
            env(tls, &quarkus_env(property)),
            value,
            "schema-registry-tls sets {property}"
        );
    }
    let mut expected: Vec<String> = settings.iter().map(|(p, _)| quarkus_env(p)).collect();
    expected.push("QUARKUS_CONFIG_LOCATIONS".to_owned());
    expected.sort();
    let mut quarkus: Vec<String> = variables
        .iter()
        .filter(|v| v.starts_with("QUARKUS_"))
        .cloned()
        .collect();
    quarkus.sort();
    assert_eq!(quarkus, expected);

    // Its own storage, set up as the plaintext registry's.
    let storage = |svc: &Yaml| -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = svc["environment"]
            .as_hash()
            .expect("an environment map")
            .iter()
            .map(|(k, v)| (text(k), text(v)))
            .filter(|(k, _)| k.starts_with("APICURIO_"))
            .collect();
        vars.sort();
        vars
    };
    assert!(!storage(plain).is_empty());
    assert_eq!(storage(tls), storage(plain));

    // Healthy as the native probe has it: the Confluent API answers the user over HTTPS.
    let probe = strings(&tls["healthcheck"], "test").join(" ");
    let mount = tls_mount(tls);
    for part in [
        format!("--cacert {mount}/ca.pem"),
        format!("-K {mount}/registry-curl.conf"),
        format!("https://localhost:{container}{REGISTRY_CCOMPAT_PATH}/subjects"),
    ] {
        assert!(probe.contains(&part), "the healthcheck has {part}: {probe}");
    }

    // The same global compatibility level as the native one, over HTTPS with the user.
    let init = service(&doc, "init-registry-tls");
    let args = strings(init, "command");
    assert!(args.contains(&format!(r#"{{"compatibility":"{REGISTRY_COMPATIBILITY}"}}"#)));
    assert!(args.contains(&format!(
        "https://{}:{container}{REGISTRY_CCOMPAT_PATH}/config",
        Service::RegistryTls.name()
    )));
    let mount = tls_mount(init);
    for pair in [["--cacert", "ca.pem"], ["-K", "registry-curl.conf"]] {
        let file = format!("{mount}/{}", pair[1]);
        assert!(
            args.windows(2).any(|w| w[0] == pair[0] && w[1] == file),
            "init-registry-tls passes {} {file}: {args:?}",
            pair[0]
        );
    }
}

/// Runs `tests/stack/docker/stack-tls.sh` into `dir` with the environment the compose
/// file gives it.
fn draw_tls(doc: &Yaml, dir: &Path) {
    let svc = service(doc, "stack-tls");
    let entrypoint = strings(svc, "entrypoint");
    assert_eq!(
        entrypoint,
        ["/bin/sh", "/stack/docker/stack-tls.sh", tls_mount(svc).as_str()],
        "stack-tls runs the script into the volume"
    );
    let mut cmd = Command::new("sh");
    cmd.arg(root().join("tests/stack/docker/stack-tls.sh")).arg(dir);
    for (key, value) in svc["environment"].as_hash().expect("stack-tls has an environment map") {
        cmd.env(text(key), text(value));
    }
    let out = cmd.output().expect("runs sh");
    assert!(
        out.status.success(),
        "stack-tls.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl").args(args).output().expect("runs openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[test]
fn compose_stack_tls_draws_what_the_services_read() {
    let doc = compose();
    let root_dir = std::env::temp_dir().join(format!("avrokit-compose-tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root_dir);
    let volume = root_dir.join("tls");
    let stack_tls = service(&doc, "stack-tls");
    assert_eq!(env(stack_tls, "SECURE_USER"), SECURE_USER);
    assert_eq!(env(stack_tls, "REGISTRY_USER_ROLE"), TLS_USER_ROLE);
    draw_tls(&doc, &volume);

    // Every file a service names is there.
    let kafka = service(&doc, "kafka");
    let secrets = tls_mount(kafka);
    let kafka_file = |key: &str| in_volume(kafka, &format!("{secrets}/{}", env(kafka, key)), &volume);
    let keystore = kafka_file("KAFKA_SSL_KEYSTORE_FILENAME");
    let keystore_password = kafka_file("KAFKA_SSL_KEYSTORE_CREDENTIALS");
    assert_eq!(kafka_file("KAFKA_SSL_KEY_CREDENTIALS"), keystore_password);
    let jaas = env(kafka, "KAFKA_OPTS");
    let jaas = in_volume(
        kafka,
        jaas.trim_start_matches("-Djava.security.auth.login.config="),
        &volume,
    );
    let registry = service(&doc, "schema-registry-tls");
    let cert = in_volume(registry, &env(registry, "QUARKUS_HTTP_SSL_CERTIFICATE_FILES"), &volume);
    let key = in_volume(
        registry,
        &env(registry, "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES"),
        &volume,
    );
    let users = in_volume(registry, &env(registry, "QUARKUS_CONFIG_LOCATIONS"), &volume);
    let ca = volume.join("ca.pem");
    let curl_config = volume.join("registry-curl.conf");
    let password_file = volume.join("password");
    let mut names: Vec<String> = std::fs::read_dir(&volume)
        .expect("the volume")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = [
        &keystore,
        &keystore_password,
        &jaas,
        &cert,
        &key,
        &users,
        &ca,
        &curl_config,
        &password_file,
    ]
    .iter()
    .map(|p| p.file_name().unwrap_or_default().to_string_lossy().into_owned())
    .collect();
    expected.sort();
    // Exactly those: the CA's key (and openssl's serial file) stay out of the volume.
    assert_eq!(names, expected);

    // The certificate: signed by the CA, for the host's and the containers' names.
    let (ca_s, cert_s, key_s) = (ca.to_string_lossy(), cert.to_string_lossy(), key.to_string_lossy());
    assert!(openssl(&["verify", "-CAfile", &ca_s, &cert_s]).contains(": OK"));
    let san = openssl(&["x509", "-in", &cert_s, "-noout", "-ext", "subjectAltName"]);
    for name in [
        "IP Address:127.0.0.1".to_owned(),
        "DNS:localhost".to_owned(),
        format!("DNS:{}", Service::Kafka.name()),
        format!("DNS:{}", Service::RegistryTls.name()),
    ] {
        assert!(san.contains(&name), "the certificate is for {name}: {san}");
    }
    assert_eq!(
        openssl(&["pkey", "-in", &key_s, "-pubout"]),
        openssl(&["x509", "-in", &cert_s, "-noout", "-pubkey"]),
        "server.key is the certificate's key"
    );

    // The broker's keystore: the same certificate, opened with the password file's password.
    let pass = format!("file:{}", keystore_password.to_string_lossy());
    let in_keystore = openssl(&[
        "pkcs12",
        "-in",
        &keystore.to_string_lossy(),
        "-passin",
        &pass,
        "-nokeys",
        "-clcerts",
    ]);
    let fingerprint = |pem: &str| {
        let path = root_dir.join("fingerprint.pem");
        std::fs::write(&path, pem).expect("writing a certificate");
        openssl(&[
            "x509",
            "-in",
            &path.to_string_lossy(),
            "-noout",
            "-fingerprint",
            "-sha256",
        ])
    };
    assert_eq!(fingerprint(&in_keystore), fingerprint(&read(&cert)));
    assert!(read(&jaas).contains(&format!("KafkaServer {{\n  {SCRAM_LOGIN_MODULE}\n}};")));

    // One password for the SCRAM user, the registry's realm and curl, 128 random bits.
    let password = read(&password_file);
    assert_eq!(password.len(), 32);
    assert!(password.chars().all(|c| c.is_ascii_hexdigit()), "{password:?}");
    let realm: String = tls_users(SECURE_USER, &password)
        .iter()
        .map(|(name, value)| format!("{name}={value}\n"))
        .collect();
    assert_eq!(read(&users), realm);
    assert_eq!(read(&curl_config), format!("user = \"{SECURE_USER}:{password}\"\n"));

    // Drawn once per volume: a second run keeps everything...
    let ca_pem = read(&ca);
    draw_tls(&doc, &volume);
    assert_eq!((read(&password_file), read(&ca)), (password.clone(), ca_pem.clone()));
    // ... but a volume missing a file gets a whole new, consistent set.
    std::fs::remove_file(&key).expect("removing server.key");
    draw_tls(&doc, &volume);
    assert_ne!(read(&password_file), password);
    assert_ne!(read(&ca), ca_pem);
    assert!(openssl(&["verify", "-CAfile", &ca_s, &cert_s]).contains(": OK"));
    assert_eq!(
        openssl(&["pkey", "-in", &key_s, "-pubout"]),
        openssl(&["x509", "-in", &cert_s, "-noout", "-pubkey"])
    );
    std::fs::remove_dir_all(&root_dir).expect("removing the scratch volume");
}
