//! The stack's shape: services, ports, names and credentials, in one place.
//!
//! Both the native stack (`avrokit stack up`) and `docker-compose.yml` use these values;
//! a test (`compose_check.rs`) parses the compose file and fails when the two disagree.

use std::fmt;

/// One service of the stack, in start order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// PostgreSQL 15, the sink database.
    Postgres,
    /// Apache Kafka in KRaft combined mode (broker + controller).
    Kafka,
    /// Apicurio Registry, used through its Confluent-compatible API.
    Registry,
    /// Kafka Connect (distributed mode) with the Debezium JDBC sink and an Avro converter.
    Connect,
    /// A second Apicurio Registry serving HTTPS only, with HTTP basic auth (its own
    /// storage). Not in [`Service::ALL`]: it starts and stops with the stack but is
    /// reported in `stack status`'s secure section, so the four services' rows stay as
    /// they were. Apicurio's basic auth (`quarkus.http.auth.basic`) covers every port of
    /// an instance, so the plaintext registry cannot also require it.
    RegistryTls,
}

impl Service {
    /// Every service, in the order `stack up` starts them.
    pub const ALL: [Service; 4] = [Service::Postgres, Service::Kafka, Service::Registry, Service::Connect];

    /// Every process `stack up` starts: [`Service::ALL`] and the HTTPS registry.
    pub const PROCESSES: [Service; 5] = [
        Service::Postgres,
        Service::Kafka,
        Service::Registry,
        Service::RegistryTls,
        Service::Connect,
    ];

    /// The service's name: pid file, log file and docker-compose service name.
    pub fn name(self) -> &'static str {
        match self {
            Service::Postgres => "postgres",
            Service::Kafka => "kafka",
            Service::Registry => "schema-registry",
            Service::Connect => "connect",
            Service::RegistryTls => "schema-registry-tls",
        }
    }

    /// The host port clients use, before any `--port-offset`.
    pub fn default_port(self) -> u16 {
        match self {
            Service::Postgres => 5432,
            Service::Kafka => 9092,
            Service::Registry => 8081,
            Service::Connect => 8083,
            Service::RegistryTls => 8443,
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// The KRaft controller listener of the combined Kafka node (loopback only, not for clients).
pub const KAFKA_CONTROLLER_PORT: u16 = 9093;
/// The broker's SASL_SSL listener (SCRAM-SHA-512), beside the plaintext one.
pub const KAFKA_SASL_SSL_PORT: u16 = 9094;
/// The SASL mechanism of [`KAFKA_SASL_SSL_PORT`].
pub const KAFKA_SASL_MECHANISM: &str = "SCRAM-SHA-512";
/// The user of the secure endpoints (Kafka SCRAM and registry basic auth); its password
/// is drawn at every `stack up` (`secure.rs`).
pub const SECURE_USER: &str = "avrokit";
/// Kafka UI, started by docker compose under the `tools` profile only.
#[cfg(test)]
pub const KAFKA_UI_PORT: u16 = 8080;

/// Pinned versions; the jars themselves are pinned in `runtime/cli/stack/pom.xml`.
pub const KAFKA_VERSION: &str = "4.3.1";
/// Apicurio Registry server version (see `runtime/cli/stack/pom.xml` for why not 3.3).
pub const APICURIO_VERSION: &str = "3.0.9";
/// Debezium JDBC sink connector version.
pub const DEBEZIUM_VERSION: &str = "3.5.0.Final";
/// PostgreSQL major version.
pub const POSTGRES_MAJOR: &str = "15";

/// Database, user and password of the sink database.
pub const DB_NAME: &str = "avrokit";
/// The database's owner (a superuser of the throwaway cluster).
pub const DB_USER: &str = "avrokit";
/// Password of [`DB_USER`]; the stack is loopback-only and throwaway.
pub const DB_PASSWORD: &str = "avrokit";

/// The Confluent-compatible API path of Apicurio Registry: `SCHEMA_REGISTRY_URL` ends here.
pub const REGISTRY_CCOMPAT_PATH: &str = "/apis/ccompat/v7";
/// Apicurio's native v2 API, which the Connect Avro converter (Apicurio serdes 2.6) talks to.
pub const REGISTRY_V2_PATH: &str = "/apis/registry/v2";
/// The global compatibility level set at start-up (Apicurio enforces none until one is set).
pub const REGISTRY_COMPATIBILITY: &str = "BACKWARD";

/// Kafka Connect's group id and its internal topics.
pub const CONNECT_GROUP_ID: &str = "avrokit-connect";
/// Connect's config storage topic.
pub const CONNECT_CONFIG_TOPIC: &str = "_connect-configs";
/// Connect's offset storage topic.
pub const CONNECT_OFFSET_TOPIC: &str = "_connect-offsets";
/// Connect's status storage topic.
pub const CONNECT_STATUS_TOPIC: &str = "_connect-status";

/// The Connect converter that reads Confluent-framed Avro against the registry: the one
/// the catalog's `converter = "apicurio"` names.
pub const AVRO_CONVERTER_CLASS: &str = avrokit_codegen::connect::converter::APICURIO_AVRO_CONVERTER;
/// The JDBC sink connector class.
pub const JDBC_SINK_CLASS: &str = avrokit_codegen::connect::config::DEBEZIUM_JDBC_SINK;

/// Converter settings (without the `value.converter.` prefix) that make Apicurio's
/// converter read Confluent frames; the generated connector JSON carries the same ones.
pub const AVRO_CONVERTER_SETTINGS: [(&str, &str); 4] = avrokit_codegen::connect::converter::APICURIO_CONFLUENT_FRAMES;

/// The ports of one running stack: the defaults shifted by a common offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ports {
    offset: u16,
}

impl Ports {
    /// Ports shifted by `offset` (0 = the seeds' ports: 9092, 8081, 8083, 5432).
    pub fn with_offset(offset: u16) -> anyhow::Result<Ports> {
        let highest = Service::PROCESSES
            .iter()
            .map(|s| s.default_port())
            .chain([KAFKA_CONTROLLER_PORT, KAFKA_SASL_SSL_PORT])
            .max()
            .unwrap_or(0);
        if u32::from(highest) + u32::from(offset) > 65_535 {
            anyhow::bail!("--port-offset {offset} pushes port {highest} past 65535");
        }
        Ok(Ports { offset })
    }

    /// The offset these ports were shifted by.
    pub fn offset(self) -> u16 {
        self.offset
    }

    /// The client port of `service`.
    pub fn of(self, service: Service) -> u16 {
        service.default_port() + self.offset
    }

    /// The KRaft controller port.
    pub fn kafka_controller(self) -> u16 {
        KAFKA_CONTROLLER_PORT + self.offset
    }

    /// The broker's SASL_SSL listener.
    pub fn kafka_sasl_ssl(self) -> u16 {
        KAFKA_SASL_SSL_PORT + self.offset
    }

    /// Every port the native stack listens on, with a label for messages.
    pub fn all(self) -> Vec<(String, u16)> {
        let mut ports: Vec<(String, u16)> = Service::PROCESSES
            .iter()
            .map(|s| (s.name().to_string(), self.of(*s)))
            .collect();
        ports.push(("kafka (controller)".to_string(), self.kafka_controller()));
        ports.push(("kafka (SASL_SSL)".to_string(), self.kafka_sasl_ssl()));
        ports
    }
}

/// The connection settings clients use, as `(KEY, value)` pairs.
pub fn client_env(ports: Ports) -> Vec<(&'static str, String)> {
    client_settings(ports)
        .into_iter()
        .map(|(_, key, value)| (key, value))
        .collect()
}

/// [`client_env`] with the service each setting addresses.
pub fn client_settings(ports: Ports) -> [(Service, &'static str, String); 4] {
    [
        (
            Service::Kafka,
            "KAFKA_BOOTSTRAP_SERVERS",
            format!("127.0.0.1:{}", ports.of(Service::Kafka)),
        ),
        (
            Service::Registry,
            "SCHEMA_REGISTRY_URL",
            format!(
                "http://127.0.0.1:{}{REGISTRY_CCOMPAT_PATH}",
                ports.of(Service::Registry)
            ),
        ),
        (
            Service::Connect,
            "KAFKA_CONNECT_URL",
            format!("http://127.0.0.1:{}", ports.of(Service::Connect)),
        ),
        (
            Service::Postgres,
            "DATABASE_URL",
            format!(
                "postgres://{DB_USER}:{DB_PASSWORD}@127.0.0.1:{}/{DB_NAME}",
                ports.of(Service::Postgres)
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_are_the_seeds() {
        let ports = Ports::with_offset(0).unwrap();
        assert_eq!(ports.of(Service::Kafka), 9092);
        assert_eq!(ports.of(Service::Registry), 8081);
        assert_eq!(ports.of(Service::Connect), 8083);
        assert_eq!(ports.of(Service::Postgres), 5432);
    }

    #[test]
    fn offset_shifts_every_port_and_env() {
        let ports = Ports::with_offset(100).unwrap();
        assert_eq!(ports.kafka_controller(), 9193);
        let env = client_env(ports);
        assert!(env.contains(&("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9192".into())));
        assert!(env.contains(&("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8181/apis/ccompat/v7".into())));
    }

    #[test]
    fn offset_past_the_port_range_is_an_error() {
        assert!(Ports::with_offset(60_000).is_err());
    }
}
