//! Where each service is: a flag, else its environment variable (clap reads both), else
//! the dev stack of the current repository when it runs (`avrokit stack up`), else a
//! one-line error saying all three ways to give it.
//!
//! The flag structs here are flattened into every command that talks to the service, so
//! each service is spelled the same way everywhere.

use crate::stack;
#[cfg(feature = "registry")]
use anyhow::Context;
use anyhow::bail;
#[cfg(feature = "registry")]
use avrokit::registry_client::{Auth, BlockingRegistryClient, RegistryConfig};
use clap::Args;
#[cfg(feature = "registry")]
use std::path::PathBuf;

/// The registry's URL variable (also what `stack env` prints).
pub const REGISTRY_URL_VAR: &str = "SCHEMA_REGISTRY_URL";
/// The brokers' variable.
pub const KAFKA_VAR: &str = "KAFKA_BOOTSTRAP_SERVERS";
/// Kafka Connect's REST URL variable.
pub const CONNECT_VAR: &str = "KAFKA_CONNECT_URL";
/// The sink database's variable.
pub const DATABASE_VAR: &str = "DATABASE_URL";

/// The value given (flag or environment), else the running dev stack's, else an error
/// naming the flag, the variable and `stack up`.
pub fn resolve(given: Option<&str>, var: &str, what: &str, flag: &str) -> anyhow::Result<String> {
    if let Some(value) = given.filter(|v| !v.trim().is_empty()) {
        return Ok(value.to_owned());
    }
    match stack::running_setting(var) {
        Some(value) => Ok(value),
        None => bail!("no {what}: pass {flag}, set {var}, or start the dev stack (`avrokit stack up`)"),
    }
}

#[cfg(feature = "registry")]
/// How to authenticate to the registry and which CA to trust; shared by every command
/// that calls it. `Debug` shows neither the password nor the token.
#[derive(Args, Clone, Default)]
pub struct RegistryAuthArgs {
    /// Registry user (Confluent Cloud: the API key); needs the password.
    #[arg(
        long = "registry-user",
        alias = "user",
        env = "SCHEMA_REGISTRY_USER",
        requires = "password"
    )]
    pub user: Option<String>,
    /// Registry password (Confluent Cloud: the API secret).
    #[arg(
        long = "registry-password",
        alias = "password",
        env = "SCHEMA_REGISTRY_PASSWORD",
        hide_env_values = true,
        requires = "user"
    )]
    pub password: Option<String>,
    /// Registry bearer token.
    #[arg(
        long = "registry-token",
        alias = "token",
        env = "SCHEMA_REGISTRY_TOKEN",
        hide_env_values = true,
        conflicts_with = "user"
    )]
    pub token: Option<String>,
    /// A PEM file of CA certificates to trust for an `https` registry (a private CA).
    #[arg(long = "registry-ca", env = "SCHEMA_REGISTRY_CA", value_name = "PEM")]
    pub ca: Option<PathBuf>,
}

#[cfg(feature = "registry")]
impl std::fmt::Debug for RegistryAuthArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |secret: &Option<String>| secret.as_ref().map(|_| "<redacted>");
        f.debug_struct("RegistryAuthArgs")
            .field("user", &self.user)
            .field("password", &hidden(&self.password))
            .field("token", &hidden(&self.token))
            .field("ca", &self.ca)
            .finish()
    }
}

#[cfg(feature = "registry")]
impl RegistryAuthArgs {
    /// The client configuration for the registry at `url`.
    pub fn config(&self, url: &str) -> anyhow::Result<RegistryConfig> {
        let mut config = RegistryConfig::new(url);
        match (&self.user, &self.password, &self.token) {
            (Some(user), Some(password), _) => {
                config = config.with_auth(Auth::Basic {
                    user: user.clone(),
                    password: password.clone(),
                })
            }
            (_, _, Some(token)) => config = config.with_auth(Auth::Bearer(token.clone())),
            _ => {}
        }
        if let Some(path) = &self.ca {
            let pem = std::fs::read(path).with_context(|| format!("reading the registry CA {}", path.display()))?;
            config = config.with_ca_pem(pem);
        }
        Ok(config)
    }
}

#[cfg(feature = "registry")]
/// A Schema Registry: `--registry URL` (or `SCHEMA_REGISTRY_URL`) and its credentials.
#[derive(Args, Debug, Clone, Default)]
pub struct RegistryArgs {
    /// The registry's Confluent API base URL (Apicurio: `…/apis/ccompat/v7`)
    /// [default: the running dev stack's].
    #[arg(long = "registry", env = REGISTRY_URL_VAR, value_name = "URL")]
    pub url: Option<String>,
    /// Credentials and TLS.
    #[command(flatten)]
    pub auth: RegistryAuthArgs,
}

#[cfg(feature = "registry")]
impl RegistryArgs {
    /// The registry's URL.
    pub fn url(&self) -> anyhow::Result<String> {
        resolve(
            self.url.as_deref(),
            REGISTRY_URL_VAR,
            "schema registry",
            "--registry URL",
        )
    }

    /// The client configuration.
    pub fn config(&self) -> anyhow::Result<RegistryConfig> {
        self.auth.config(&self.url()?)
    }

    /// A blocking client of the registry.
    pub fn blocking_client(&self) -> anyhow::Result<BlockingRegistryClient> {
        let config = self.config()?;
        let url = config.url.clone();
        BlockingRegistryClient::new(config).with_context(|| format!("configuring the registry client for {url}"))
    }
}

/// Kafka brokers: `--bootstrap-servers` (or `KAFKA_BOOTSTRAP_SERVERS`), the security
/// settings (flags or `KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_MECHANISM`,
/// `KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD`, `KAFKA_SSL_CA_LOCATION`) and any further
/// librdkafka settings (`-X key=value`, which win).
///
/// The SASL settings apply only under a `SASL_*` protocol and the CA only under `SSL` or
/// `SASL_SSL`, so an environment that names them (`avrokit stack env` prints the secure
/// endpoints' ones) leaves a plaintext client as it was. `Debug` shows no secret value.
#[derive(Args, Clone, Default)]
pub struct KafkaArgs {
    /// The brokers, `host:port,...` [default: the running dev stack's].
    #[arg(long, env = KAFKA_VAR, value_name = "HOSTS")]
    pub bootstrap_servers: Option<String>,
    /// `security.protocol`: `PLAINTEXT`, `SSL`, `SASL_PLAINTEXT` or `SASL_SSL`.
    #[arg(long = "security-protocol", env = "KAFKA_SECURITY_PROTOCOL", value_name = "PROTOCOL")]
    pub security_protocol: Option<String>,
    /// `sasl.mechanism` under a `SASL_*` protocol: `PLAIN`, `SCRAM-SHA-256`,
    /// `SCRAM-SHA-512` or `OAUTHBEARER`.
    #[arg(long = "sasl-mechanism", env = "KAFKA_SASL_MECHANISM", value_name = "MECHANISM")]
    pub sasl_mechanism: Option<String>,
    /// `sasl.username` under a `SASL_*` protocol.
    #[arg(long = "sasl-username", env = "KAFKA_SASL_USERNAME", value_name = "USER")]
    pub sasl_username: Option<String>,
    /// `sasl.password` under a `SASL_*` protocol (prefer the variable to the flag: a
    /// command line is visible to other users).
    #[arg(
        long = "sasl-password",
        env = "KAFKA_SASL_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD"
    )]
    pub sasl_password: Option<String>,
    /// `ssl.ca.location` under `SSL` or `SASL_SSL`: a PEM file of CA certificates to trust
    /// (a private CA).
    #[arg(long = "ssl-ca-location", env = "KAFKA_SSL_CA_LOCATION", value_name = "PEM")]
    pub ssl_ca_location: Option<String>,
    /// A further librdkafka client setting, `KEY=VALUE` (repeatable): security, SASL,
    /// TLS files, timeouts.
    #[arg(short = 'X', long = "kafka-config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
}

impl std::fmt::Debug for KafkaArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `-X` values may be secrets (`sasl.password=...`): their keys tell enough.
        let keys: Vec<&str> = self
            .config
            .iter()
            .map(|pair| pair.split_once('=').map_or(pair.as_str(), |(key, _)| key))
            .collect();
        f.debug_struct("KafkaArgs")
            .field("bootstrap_servers", &self.bootstrap_servers)
            .field("security_protocol", &self.security_protocol)
            .field("sasl_mechanism", &self.sasl_mechanism)
            .field("sasl_username", &self.sasl_username)
            .field("sasl_password", &self.sasl_password.as_ref().map(|_| "<redacted>"))
            .field("ssl_ca_location", &self.ssl_ca_location)
            .field("config_keys", &keys)
            .finish()
    }
}

impl KafkaArgs {
    /// The brokers.
    pub fn bootstrap(&self) -> anyhow::Result<String> {
        resolve(
            self.bootstrap_servers.as_deref(),
            KAFKA_VAR,
            "Kafka",
            "--bootstrap-servers HOSTS",
        )
    }

    /// The librdkafka settings beyond the brokers, as pairs: the security settings that
    /// apply under the protocol, then the `-X` pairs (a later pair wins).
    pub fn extra(&self) -> anyhow::Result<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        let given = |value: &Option<String>| value.as_ref().filter(|v| !v.trim().is_empty()).cloned();
        if let Some(protocol) = given(&self.security_protocol) {
            let upper = protocol.trim().to_ascii_uppercase();
            if !["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"].contains(&upper.as_str()) {
                bail!(
                    "--security-protocol {protocol} (or KAFKA_SECURITY_PROTOCOL): not one of PLAINTEXT, SSL, \
                     SASL_PLAINTEXT, SASL_SSL"
                );
            }
            pairs.push(("security.protocol".to_owned(), upper.clone()));
            if upper.starts_with("SASL_") {
                let sasl = [
                    ("sasl.mechanism", &self.sasl_mechanism),
                    ("sasl.username", &self.sasl_username),
                    ("sasl.password", &self.sasl_password),
                ];
                pairs.extend(
                    sasl.iter()
                        .filter_map(|(key, value)| Some((key.to_string(), given(value)?))),
                );
            }
            if upper.ends_with("SSL") {
                pairs.extend(given(&self.ssl_ca_location).map(|ca| ("ssl.ca.location".to_owned(), ca)));
            }
        }
        for pair in &self.config {
            match pair.split_once('=') {
                Some((key, value)) if !key.trim().is_empty() => pairs.push((key.trim().to_owned(), value.to_owned())),
                _ => bail!("-X {pair}: a Kafka setting is KEY=VALUE"),
            }
        }
        Ok(pairs)
    }

    /// The client settings: brokers and extras.
    #[cfg(feature = "kafka")]
    pub fn settings(&self) -> anyhow::Result<avrokit::kafka::KafkaSettings> {
        let mut settings = avrokit::kafka::KafkaSettings::new(self.bootstrap()?);
        for (key, value) in self.extra()? {
            settings = settings.set(key, value);
        }
        Ok(settings)
    }
}

/// Whether the brokers of `kafka` answer a metadata request within 10 s: their health, or
/// a one-line error naming them.
#[cfg(feature = "kafka")]
pub fn reachable(kafka: &KafkaArgs) -> anyhow::Result<avrokit::kafka::BrokerHealth> {
    let settings = kafka.settings()?;
    let brokers = settings.bootstrap_servers.clone();
    avrokit::kafka::Monitor::new(settings, std::time::Duration::from_secs(10))
        .reach()
        .map_err(|err| {
            // A TLS listener closes a plaintext client's first request unanswered.
            let plaintext = !settings_protocol(kafka).is_some_and(|p| p.ends_with("SSL"));
            let closed_at_once = err.reason.as_deref().is_some_and(|r| r.contains("APIVERSION_QUERY"));
            let hint = if plaintext && closed_at_once {
                "; a TLS listener? set --security-protocol SSL or SASL_SSL (KAFKA_SECURITY_PROTOCOL)"
            } else {
                ""
            };
            anyhow::anyhow!("cannot reach Kafka at {brokers}: {err}{hint}")
        })
}

/// The `security.protocol` the client will use (upper case), if any is set.
#[cfg(feature = "kafka")]
fn settings_protocol(kafka: &KafkaArgs) -> Option<String> {
    let pairs = kafka.extra().ok()?;
    let (_, protocol) = pairs.iter().rev().find(|(key, _)| key == "security.protocol")?;
    Some(protocol.to_ascii_uppercase())
}

/// A PostgreSQL database: `--database-url` (or `DATABASE_URL`).
#[derive(Args, Debug, Clone, Default)]
pub struct DatabaseArgs {
    /// The database, `postgres://USER:PASSWORD@HOST:PORT/DB` (or the key-value form;
    /// plain TCP or a Unix socket, no TLS) [default: the running dev stack's].
    #[arg(long = "database-url", env = DATABASE_VAR, value_name = "URL", hide_env_values = true)]
    pub url: Option<String>,
}

impl DatabaseArgs {
    /// The database's URL.
    pub fn url(&self) -> anyhow::Result<String> {
        resolve(self.url.as_deref(), DATABASE_VAR, "database", "--database-url URL")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_value_wins_and_a_missing_one_says_how_to_give_it() {
        assert_eq!(
            resolve(Some("h:1"), "AVROKIT_TEST_UNSET_VAR", "x", "--x").unwrap(),
            "h:1"
        );
        let err = resolve(None, "AVROKIT_TEST_UNSET_VAR", "Kafka", "--bootstrap-servers HOSTS").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no Kafka: pass --bootstrap-servers HOSTS, set AVROKIT_TEST_UNSET_VAR, or start the dev stack (`avrokit stack up`)"
        );
    }

    #[test]
    fn kafka_extras_are_key_value_pairs() {
        let args = KafkaArgs {
            config: vec!["security.protocol=SASL_SSL".into(), "sasl.password=a=b".into()],
            ..KafkaArgs::default()
        };
        assert_eq!(
            args.extra().unwrap(),
            [
                ("security.protocol".to_owned(), "SASL_SSL".to_owned()),
                ("sasl.password".to_owned(), "a=b".to_owned())
            ]
        );
        let bad = KafkaArgs {
            config: vec!["oops".into()],
            ..KafkaArgs::default()
        };
        assert!(bad.extra().unwrap_err().to_string().contains("KEY=VALUE"));
    }

    fn secure_args(protocol: Option<&str>) -> KafkaArgs {
        KafkaArgs {
            security_protocol: protocol.map(str::to_owned),
            sasl_mechanism: Some("SCRAM-SHA-512".into()),
            sasl_username: Some("avrokit".into()),
            sasl_password: Some("hunter2-secret".into()),
            ssl_ca_location: Some("/tmp/ca.pem".into()),
            ..KafkaArgs::default()
        }
    }

    #[test]
    fn security_settings_apply_under_their_protocol_only() {
        let extra = |args: &KafkaArgs| -> Vec<String> {
            args.extra()
                .unwrap()
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect()
        };
        assert!(
            extra(&secure_args(None)).is_empty(),
            "no protocol: a plaintext client as before"
        );
        assert_eq!(
            extra(&secure_args(Some("sasl_ssl"))),
            [
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.username=avrokit",
                "sasl.password=hunter2-secret",
                "ssl.ca.location=/tmp/ca.pem"
            ]
        );
        assert_eq!(
            extra(&secure_args(Some("SSL"))),
            ["security.protocol=SSL", "ssl.ca.location=/tmp/ca.pem"]
        );
        let mut overridden = secure_args(Some("SASL_SSL"));
        overridden.config = vec!["sasl.username=other".into()];
        assert_eq!(
            extra(&overridden).last().unwrap(),
            "sasl.username=other",
            "-X comes last and wins"
        );
        let err = secure_args(Some("TLS")).extra().unwrap_err().to_string();
        assert!(
            err.contains("not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
            "{err}"
        );
    }

    #[cfg(feature = "registry")]
    #[test]
    fn registry_auth_debug_shows_no_secret() {
        let auth = RegistryAuthArgs {
            user: Some("avrokit".into()),
            password: Some("pw-secret-1".into()),
            token: Some("tk-secret-2".into()),
            ca: None,
        };
        let shown = format!("{auth:?}");
        assert!(!shown.contains("-secret-") && shown.contains("avrokit"), "{shown}");
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut args = secure_args(Some("SASL_SSL"));
        args.config = vec!["sasl.password=x-secret-x".into()];
        let shown = format!("{args:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("x-secret-x"), "{shown}");
        assert!(shown.contains("sasl.password") && shown.contains("avrokit"), "{shown}");
    }
}
