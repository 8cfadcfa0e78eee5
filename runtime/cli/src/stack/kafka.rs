//! Apache Kafka in KRaft combined mode (one node: broker + controller), from Maven jars.

use super::Stack;
use super::health::Probe;
use super::java;
use super::secure::{Credentials, TlsFiles};
use super::topology::{KAFKA_SASL_MECHANISM, Service};
use anyhow::{Context, bail};
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The cluster id the storage is formatted with (base64url of 16 bytes; the stack is
/// throwaway, so a fixed id is fine and saves a JVM start).
pub const CLUSTER_ID: &str = "YXZyb2tpdC1zdGFjay0wMQ";

/// The JAAS entry of the SASL_SSL listener: SCRAM with no credentials of its own (the
/// users are in the cluster's metadata, and brokers talk to each other in plaintext).
/// docker-compose.yml's broker reads the same entry from a JAAS file.
pub const SCRAM_LOGIN_MODULE: &str = "org.apache.kafka.common.security.scram.ScramLoginModule required;";

/// Writes `server.properties`, formats the storage if needed and returns the broker command.
pub fn command(stack: &Stack) -> anyhow::Result<Command> {
    let layout = &stack.layout;
    let data = layout.data(Service::Kafka);
    fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
    let config = layout.run().join("kafka-server.properties");
    fs::write(&config, server_properties(stack, &data)).with_context(|| format!("writing {}", config.display()))?;
    let log4j = java::log4j2_flag(layout)?;
    if !data.join("meta.properties").exists() {
        format_storage(stack, &config, &log4j)?;
    }
    let mut cmd = java::command(512);
    cmd.arg(log4j)
        .arg("-cp")
        .arg(classpath(&layout.kafka_libs()))
        .arg("kafka.Kafka")
        .arg(&config);
    Ok(cmd)
}

/// The broker's configuration: loopback listeners (plaintext, and SASL_SSL with SCRAM
/// over the stack's throwaway CA), replication factor 1 everywhere.
fn server_properties(stack: &Stack, data: &Path) -> String {
    let port = stack.ports.of(Service::Kafka);
    let controller = stack.ports.kafka_controller();
    let secure = stack.ports.kafka_sasl_ssl();
    let keystore = TlsFiles::of(&stack.layout).kafka_keystore();
    let mechanism = KAFKA_SASL_MECHANISM.to_ascii_lowercase();
    format!(
        "# Written by `avrokit stack up`; regenerated on every start.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller},SASL_SSL://127.0.0.1:{secure}
advertised.listeners=PLAINTEXT://127.0.0.1:{port},SASL_SSL://127.0.0.1:{secure}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL
# SCRAM users live in the cluster's metadata (added when the storage is formatted), so
# the login module needs no credentials of its own; the key is unencrypted PEM, readable
# by its owner only, so no keystore password is written here.
sasl.enabled.mechanisms={KAFKA_SASL_MECHANISM}
listener.name.sasl_ssl.{mechanism}.sasl.jaas.config={SCRAM_LOGIN_MODULE}
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location={keystore}
controller.quorum.voters=1@127.0.0.1:{controller}
log.dirs={data}
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
log.retention.hours=24
",
        data = data.display(),
        keystore = keystore.display()
    )
}

/// `kafka.tools.StorageTool format` (the class behind `kafka-storage.sh`), once per data
/// dir, adding the SCRAM user of the SASL_SSL listener.
fn format_storage(stack: &Stack, config: &Path, log4j: &str) -> anyhow::Result<()> {
    let credentials = Credentials::load(&stack.layout)
        .context("the secure endpoints' credentials are missing (run/tls): run `avrokit stack down`, then `up`")?;
    let log = stack.layout.logs().join("kafka-format.log");
    let out = java::command(256)
        .arg(log4j)
        .arg("-cp")
        .arg(classpath(&stack.layout.kafka_libs()))
        .args(["kafka.tools.StorageTool", "format", "--ignore-formatted"])
        .args(["-t", CLUSTER_ID, "-c"])
        .arg(config)
        // On the tool's command line for its few seconds (a loopback throwaway stack); the
        // tool does not print it.
        .arg("--add-scram")
        .arg(format!(
            "{KAFKA_SASL_MECHANISM}=[name={},password={}]",
            credentials.user, credentials.password
        ))
        .stdin(Stdio::null())
        .output()
        .context("running kafka.tools.StorageTool")?;
    let status = out.status;
    let text = [out.stdout, out.stderr].concat();
    fs::write(&log, without_scram_keys(&String::from_utf8_lossy(&text)))
        .with_context(|| format!("writing {}", log.display()))?;
    if !status.success() {
        bail!(
            "formatting Kafka's storage failed ({status}); log: {}\n{}",
            log.display(),
            super::health::tail_lines(&log, 20)
        );
    }
    Ok(())
}

/// The format tool's output without the SCRAM credential records it prints (salt, stored
/// and server keys: enough to attack the password offline).
fn without_scram_keys(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("UserScramCredentialRecord") {
            Some(at) => format!("{}UserScramCredentialRecord(<redacted>)", &line[..at]),
            None => line.to_owned(),
        })
        .map(|line| line + "\n")
        .collect()
}

/// A Java classpath wildcard for every jar in `dir`.
pub fn classpath(dir: &Path) -> PathBuf {
    dir.join("*")
}

/// Healthy when the broker answers an ApiVersions request (API key 18, v0) without error
/// and lists the Metadata API. The broker only serves requests once it has started.
pub fn probe(stack: &Stack) -> Probe {
    api_versions(stack.ports.of(Service::Kafka)).map_err(|e| format!("ApiVersions: {e}"))
}

fn api_versions(port: u16) -> anyhow::Result<()> {
    const CORRELATION_ID: i32 = 0x61766b;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    stream.set_write_timeout(Some(Duration::from_secs(3)))?;
    let client_id = b"avrokit-xtask";
    let mut request = Vec::with_capacity(32);
    request.extend(18i16.to_be_bytes()); // ApiVersions
    request.extend(0i16.to_be_bytes()); // version 0
    request.extend(CORRELATION_ID.to_be_bytes());
    request.extend((client_id.len() as i16).to_be_bytes());
    request.extend(client_id);
    let mut frame = (request.len() as i32).to_be_bytes().to_vec();
    frame.extend(request);
    stream.write_all(&frame)?;

    let mut len = [0u8; 4];
    stream.read_exact(&mut len)?;
    let len = i32::from_be_bytes(len);
    if !(10..=1 << 20).contains(&len) {
        bail!("implausible response size {len}");
    }
    let mut body = vec![0u8; len as usize];
    stream.read_exact(&mut body)?;
    let correlation = i32::from_be_bytes([body[0], body[1], body[2], body[3]]);
    let error = i16::from_be_bytes([body[4], body[5]]);
    if correlation != CORRELATION_ID {
        bail!("correlation id {correlation}, expected {CORRELATION_ID}");
    }
    if error != 0 {
        bail!("error code {error}");
    }
    let count = i32::from_be_bytes([body[6], body[7], body[8], body[9]]).max(0) as usize;
    let lists_metadata = body[10..]
        .chunks_exact(6)
        .take(count)
        .any(|entry| i16::from_be_bytes([entry[0], entry[1]]) == 3);
    if !lists_metadata {
        bail!("the broker does not list the Metadata API yet");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_log_keeps_no_scram_keys() {
        let out = "Bootstrap metadata: BootstrapMetadata(records=[ApiMessageAndVersion(FeatureLevelRecord(name='x')), \
                   ApiMessageAndVersion(UserScramCredentialRecord(name='avrokit', salt=[1, 2], storedKey=[3]))])\n\
                   Formatting metadata directory /d with metadata.version 4.3-IV0.\n";
        let kept = without_scram_keys(out);
        assert!(!kept.contains("storedKey") && !kept.contains("salt"), "{kept}");
        assert!(kept.contains("FeatureLevelRecord") && kept.contains("UserScramCredentialRecord(<redacted>)"));
        assert!(kept.ends_with("Formatting metadata directory /d with metadata.version 4.3-IV0.\n"));
    }
}
