//! Apicurio Registry 3.x (H2 storage in a file under the stack's data directory), used
//! through its Confluent-compatible API.

use super::Stack;
use super::health::{Probe, http_agent, http_get_ok, http_put_json};
use super::java;
use super::secure::{self, TlsFiles};
use super::topology::{REGISTRY_CCOMPAT_PATH, REGISTRY_COMPATIBILITY, Service};
use anyhow::{Context, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const CONFLUENT_CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// The registry command: the Quarkus runner jar with loopback HTTP on the stack's port.
pub fn command(stack: &Stack) -> anyhow::Result<Command> {
    let port = stack.ports.of(Service::Registry);
    let mut cmd = java::command(384);
    cmd.args([
        "-Dquarkus.http.host=127.0.0.1".to_string(),
        format!("-Dquarkus.http.port={port}"),
    ]);
    storage_and_jar(stack, Service::Registry, cmd)
}

/// The HTTPS registry: the same jar, HTTPS only on its own port with the stack's server
/// certificate, HTTP basic auth against an embedded users realm, its own H2 file.
///
/// Apicurio's basic auth (`quarkus.http.auth.basic`, honoured by its own authentication
/// mechanism) covers every port of an instance; a second instance keeps the plaintext
/// registry open as before. The settings, the password among them, are in
/// `config/application.properties` of its working directory (readable by its owner only),
/// which Quarkus reads at start: nothing secret on a command line.
pub fn tls_command(stack: &Stack) -> anyhow::Result<Command> {
    let files = TlsFiles::of(&stack.layout);
    let credentials = secure::Credentials::load(&stack.layout)
        .context("the secure endpoints' credentials are missing (run/tls): run `avrokit stack down`, then `up`")?;
    let work = stack.layout.run().join("schema-registry-tls");
    let config_dir = work.join("config");
    fs::create_dir_all(&config_dir).with_context(|| format!("creating {}", config_dir.display()))?;
    let port = stack.ports.of(Service::RegistryTls).to_string();
    let (cert, key) = (files.server_cert(), files.server_key());
    let (cert, key) = (cert.display().to_string(), key.display().to_string());
    let mut properties = String::from("# Written by `avrokit stack up`: the HTTPS registry's settings.\n");
    properties.push_str("quarkus.http.host=127.0.0.1\n");
    let users = tls_users(&credentials.user, &credentials.password);
    let settings = tls_settings(&port, &cert, &key).map(|(name, value)| (name.to_owned(), value));
    for (name, value) in settings.into_iter().chain(users) {
        properties.push_str(&format!("{name}={value}\n"));
    }
    let path = config_dir.join("application.properties");
    fs::write(&path, properties).with_context(|| format!("writing {}", path.display()))?;
    fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    let mut cmd = java::command(384);
    cmd.current_dir(&work);
    storage_and_jar(stack, Service::RegistryTls, cmd)
}

/// The role [`SECURE_USER`](super::topology::SECURE_USER) has in the HTTPS registry's
/// embedded users realm.
pub const TLS_USER_ROLE: &str = "sr-admin";

/// The HTTPS registry's Quarkus settings: HTTPS only on `port` with the PEM certificate
/// and key at `cert` and `key`, HTTP basic auth against an embedded realm of plain-text
/// passwords. `docker-compose.yml`'s `schema-registry-tls` sets the same ones as
/// environment variables (`compose_check.rs` holds it to this list).
pub fn tls_settings<'a>(port: &'a str, cert: &'a str, key: &'a str) -> [(&'static str, &'a str); 7] {
    [
        ("quarkus.http.ssl-port", port),
        ("quarkus.http.insecure-requests", "disabled"),
        ("quarkus.http.ssl.certificate.files", cert),
        ("quarkus.http.ssl.certificate.key-files", key),
        ("quarkus.http.auth.basic", "true"),
        ("quarkus.security.users.embedded.enabled", "true"),
        ("quarkus.security.users.embedded.plain-text", "true"),
    ]
}

/// The embedded realm's entries for `user`: its password and its role. They hold the
/// password, so they go in a file, never on a command line or in an environment.
pub fn tls_users<'a>(user: &str, password: &'a str) -> [(String, &'a str); 2] {
    [
        (format!("quarkus.security.users.embedded.users.{user}"), password),
        (format!("quarkus.security.users.embedded.roles.{user}"), TLS_USER_ROLE),
    ]
}

/// The settings both registries share (storage in an H2 file of `service`'s data
/// directory, deletes allowed) and the jar to run.
fn storage_and_jar(stack: &Stack, service: Service, mut cmd: Command) -> anyhow::Result<Command> {
    let jar = runner_jar(&stack.layout.apicurio())?;
    cmd.args([
        // H2 in a file, not the default `mem:` database: like Confluent's registry (which
        // keeps its schemas in a topic), a restart keeps every schema and id, so records
        // framed before it still decode after it.
        "-Dapicurio.storage.kind=sql".to_string(),
        "-Dapicurio.storage.sql.kind=h2".to_string(),
        format!(
            "-Dapicurio.datasource.url=jdbc:h2:file:{};DB_CLOSE_ON_EXIT=FALSE",
            database(stack, service)?.display()
        ),
        // Confluent's server allows deletes; Apicurio's defaults forbid them.
        "-Dapicurio.rest.deletion.group.enabled=true".to_string(),
        "-Dapicurio.rest.deletion.artifact.enabled=true".to_string(),
        "-Dapicurio.rest.deletion.artifact-version.enabled=true".to_string(),
        "-Dquarkus.otel.sdk.disabled=true".to_string(),
        format!("-Djava.io.tmpdir={}", tmp_dir(stack, service)?.display()),
    ])
    .arg("-jar")
    .arg(jar);
    Ok(cmd)
}

/// The H2 database's path prefix (H2 adds `.mv.db`), in the registry's data directory so
/// `stack down` removes it with the rest.
fn database(stack: &Stack, service: Service) -> anyhow::Result<PathBuf> {
    let dir = stack.layout.data(service).join("h2");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.join("registry"))
}

fn tmp_dir(stack: &Stack, service: Service) -> anyhow::Result<PathBuf> {
    let dir = stack.layout.data(service).join("tmp");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The distribution's entry point: `*-runner.jar` (legacy jar) or `quarkus-run.jar` (fast jar).
fn runner_jar(dir: &Path) -> anyhow::Result<PathBuf> {
    let fast = dir.join("quarkus-run.jar");
    if fast.is_file() {
        return Ok(fast);
    }
    let entries = fs::read_dir(dir).with_context(|| format!("reading the registry at {}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().ends_with("-runner.jar") {
            return Ok(entry.path());
        }
    }
    bail!(
        "no `*-runner.jar` or `quarkus-run.jar` in {}: delete target/stack/cache to refetch",
        dir.display()
    )
}

/// The base URL of the Confluent-compatible API.
pub fn ccompat_url(stack: &Stack) -> String {
    format!(
        "http://127.0.0.1:{}{REGISTRY_CCOMPAT_PATH}",
        stack.ports.of(Service::Registry)
    )
}

/// Healthy when Quarkus reports ready and the Confluent API answers `GET /subjects`.
pub fn probe(stack: &Stack) -> Probe {
    let agent = http_agent();
    let port = stack.ports.of(Service::Registry);
    http_get_ok(&agent, &format!("http://127.0.0.1:{port}/health/ready"))?;
    http_get_ok(&agent, &format!("{}/subjects", ccompat_url(stack)))?;
    Ok(())
}

/// Sets the global compatibility level. Apicurio checks compatibility on registration only
/// once a level (a rule) is configured, unlike Confluent's server which defaults to BACKWARD.
pub fn configure(stack: &Stack) -> anyhow::Result<()> {
    let agent = http_agent();
    let url = format!("{}/config", ccompat_url(stack));
    http_put_json(
        &agent,
        &url,
        CONFLUENT_CONTENT_TYPE,
        &format!(r#"{{"compatibility":"{REGISTRY_COMPATIBILITY}"}}"#),
    )
    .context("setting the registry's global compatibility level")?;
    let now = http_get_ok(&agent, &url).map_err(anyhow::Error::msg)?;
    if !now.contains(REGISTRY_COMPATIBILITY) {
        bail!("GET {url} answered {now} after PUT {REGISTRY_COMPATIBILITY}");
    }
    Ok(())
}

/// Healthy when Quarkus reports ready over HTTPS (the stack's CA) and the Confluent API
/// answers `GET /subjects` to the stack's user.
pub fn tls_probe(stack: &Stack) -> Probe {
    match secure::registry_call(&stack.layout, stack.ports, "GET", "/subjects", None)? {
        (200, _) => {}
        (status, body) => return Err(format!("GET /subjects over HTTPS: HTTP {status}: {body}")),
    }
    Ok(())
}

/// Sets the HTTPS registry's global compatibility level, as [`configure`] does the
/// plaintext one's.
pub fn tls_configure(stack: &Stack) -> anyhow::Result<()> {
    let body = format!(r#"{{"compatibility":"{REGISTRY_COMPATIBILITY}"}}"#);
    match secure::registry_call(&stack.layout, stack.ports, "PUT", "/config", Some(&body))
        .map_err(anyhow::Error::msg)?
    {
        (200, answer) if answer.contains(REGISTRY_COMPATIBILITY) => Ok(()),
        (status, answer) => bail!("PUT /config over HTTPS: HTTP {status}: {answer}"),
    }
}
