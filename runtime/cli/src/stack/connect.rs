//! Kafka Connect in distributed mode, with the Debezium JDBC sink and Apicurio's Avro
//! converter in its plugin path, and the `env` config provider that resolves the
//! placeholders of the generated connector JSON from the worker's environment.

use super::Stack;
use super::health::{Probe, http_agent, http_get_ok};
use super::java;
use super::kafka::classpath;
use super::topology::{
    AVRO_CONVERTER_CLASS, AVRO_CONVERTER_SETTINGS, CONNECT_CONFIG_TOPIC, CONNECT_GROUP_ID, CONNECT_OFFSET_TOPIC,
    CONNECT_STATUS_TOPIC, DB_NAME, DB_PASSWORD, DB_USER, JDBC_SINK_CLASS, REGISTRY_V2_PATH, Service,
};
use anyhow::Context;
use avrokit_codegen::catalog::{DATABASE_PASSWORD_VAR, DATABASE_URL_VAR, DATABASE_USER_VAR, REGISTRY_URL_VAR};
use std::fmt::Write as _;
use std::fs;
use std::process::Command;

/// Writes the worker configuration and returns the worker command.
pub fn command(stack: &Stack) -> anyhow::Result<Command> {
    let layout = &stack.layout;
    let config = layout.run().join("connect-distributed.properties");
    fs::write(&config, worker_properties(&native_endpoints(stack)))
        .with_context(|| format!("writing {}", config.display()))?;
    let endpoints = native_endpoints(stack);
    let mut cmd = java::command(512);
    cmd.envs(connector_environment(&endpoints))
        .arg(java::log4j2_flag(layout)?)
        .arg("-cp")
        .arg(classpath(&layout.kafka_libs()))
        .arg("org.apache.kafka.connect.cli.ConnectDistributed")
        .arg(&config);
    Ok(cmd)
}

/// Where a worker finds its neighbours: the only settings that differ between the native
/// stack and docker compose.
pub struct WorkerEndpoints {
    /// `bootstrap.servers`.
    pub bootstrap: String,
    /// Host the REST API binds to.
    pub listen_host: String,
    /// Host the REST API advertises to other workers.
    pub advertised_host: String,
    /// REST port.
    pub port: u16,
    /// `plugin.path`.
    pub plugin_path: String,
    /// Scheme, host and port of the registry (the API path is appended).
    pub registry: String,
    /// Host and port of PostgreSQL, as the connectors reach it.
    pub database: String,
}

/// The native stack's endpoints: everything on loopback.
pub fn native_endpoints(stack: &Stack) -> WorkerEndpoints {
    WorkerEndpoints {
        bootstrap: format!("127.0.0.1:{}", stack.ports.of(Service::Kafka)),
        listen_host: "127.0.0.1".to_string(),
        advertised_host: "127.0.0.1".to_string(),
        port: stack.ports.of(Service::Connect),
        plugin_path: stack.layout.connect_plugins().display().to_string(),
        registry: format!("http://127.0.0.1:{}", stack.ports.of(Service::Registry)),
        database: format!("127.0.0.1:{}", stack.ports.of(Service::Postgres)),
    }
}

/// The worker properties. Keys are strings; values default to Confluent-framed Avro read
/// through Apicurio's converter (connectors may override both).
pub fn worker_properties(at: &WorkerEndpoints) -> String {
    let mut text = format!(
        "# Kafka Connect worker of the avrokit stack, rendered by xtask/src/stack/connect.rs.
bootstrap.servers={bootstrap}
group.id={CONNECT_GROUP_ID}
listeners=http://{listen}:{port}
rest.advertised.host.name={advertised}
rest.advertised.port={port}
plugin.path={plugins}
# The fetch step wrote every plugin's ServiceLoader manifests (connect-plugin-path
# sync-manifests), so the slow reflective scan of all jars is not needed.
plugin.discovery=service_load
config.storage.topic={CONNECT_CONFIG_TOPIC}
offset.storage.topic={CONNECT_OFFSET_TOPIC}
status.storage.topic={CONNECT_STATUS_TOPIC}
config.storage.replication.factor=1
offset.storage.replication.factor=1
offset.storage.partitions=1
status.storage.replication.factor=1
status.storage.partitions=1
offset.flush.interval.ms=1000
# Connector configs name their connection values as ${{env:VAR}}, resolved here from the
# worker's environment (see connector_environment), so no secret is stored in Connect.
config.providers=env
config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter={AVRO_CONVERTER_CLASS}
value.converter.apicurio.registry.url={registry}{REGISTRY_V2_PATH}
",
        bootstrap = at.bootstrap,
        listen = at.listen_host,
        advertised = at.advertised_host,
        port = at.port,
        plugins = at.plugin_path,
        registry = at.registry,
    );
    for (key, value) in AVRO_CONVERTER_SETTINGS {
        let _ = writeln!(text, "value.converter.{key}={value}");
    }
    text
}

/// The variables the generated connector JSON's default placeholders name (the catalog's
/// `[connect]` defaults), for the sink database and the registry API of the converter the
/// stack runs (Apicurio's, on its v2 API).
pub fn connector_environment(at: &WorkerEndpoints) -> Vec<(&'static str, String)> {
    vec![
        (REGISTRY_URL_VAR, format!("{}{REGISTRY_V2_PATH}", at.registry)),
        (DATABASE_URL_VAR, format!("jdbc:postgresql://{}/{DB_NAME}", at.database)),
        (DATABASE_USER_VAR, DB_USER.to_owned()),
        (DATABASE_PASSWORD_VAR, DB_PASSWORD.to_owned()),
    ]
}

/// Healthy when the REST API lists connectors and both plugins the stack promises: the
/// Debezium JDBC sink and the Avro converter.
pub fn probe(stack: &Stack) -> Probe {
    let agent = http_agent();
    let base = format!("http://127.0.0.1:{}", stack.ports.of(Service::Connect));
    http_get_ok(&agent, &format!("{base}/connectors"))?;
    let plugins = http_get_ok(&agent, &format!("{base}/connector-plugins?connectorsOnly=false"))?;
    for class in [JDBC_SINK_CLASS, AVRO_CONVERTER_CLASS] {
        if !plugins.contains(class) {
            return Err(format!("plugin {class} is not loaded (see plugin.path)"));
        }
    }
    Ok(())
}
