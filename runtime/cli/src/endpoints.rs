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
/// that calls it.
#[derive(Args, Debug, Clone, Default)]
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

/// Kafka brokers: `--bootstrap-servers` (or `KAFKA_BOOTSTRAP_SERVERS`) and any further
/// librdkafka settings (`-X security.protocol=SASL_SSL`, ...).
#[derive(Args, Debug, Clone, Default)]
pub struct KafkaArgs {
    /// The brokers, `host:port,...` [default: the running dev stack's].
    #[arg(long, env = KAFKA_VAR, value_name = "HOSTS")]
    pub bootstrap_servers: Option<String>,
    /// A further librdkafka client setting, `KEY=VALUE` (repeatable): security, SASL,
    /// TLS files, timeouts.
    #[arg(short = 'X', long = "kafka-config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
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

    /// The extra settings as pairs.
    pub fn extra(&self) -> anyhow::Result<Vec<(String, String)>> {
        self.config
            .iter()
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) if !key.trim().is_empty() => Ok((key.trim().to_owned(), value.to_owned())),
                _ => bail!("-X {pair}: a Kafka setting is KEY=VALUE"),
            })
            .collect()
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
        .health()
        .map_err(|err| anyhow::anyhow!("cannot reach Kafka at {brokers}: {err}"))
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
            bootstrap_servers: None,
            config: vec!["security.protocol=SASL_SSL".into(), "sasl.password=a=b".into()],
        };
        assert_eq!(
            args.extra().unwrap(),
            [
                ("security.protocol".to_owned(), "SASL_SSL".to_owned()),
                ("sasl.password".to_owned(), "a=b".to_owned())
            ]
        );
        let bad = KafkaArgs {
            bootstrap_servers: None,
            config: vec!["oops".into()],
        };
        assert!(bad.extra().unwrap_err().to_string().contains("KEY=VALUE"));
    }
}
