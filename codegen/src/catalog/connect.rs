//! The catalog's `[connect]` table: how the Kafka Connect workers that run the connector
//! sinks reach the registry and the database.
//!
//! Every value lands in the connector JSON as written; the connection values are meant
//! to be config-provider placeholders (`${env:NAME}`), resolved by the worker, so that no
//! secret is ever committed. A literal password is refused.

use super::check::keyword;
use super::raw::RawConnect;
use toml::Spanned;

/// The Avro converter the Connect workers have on their plugin path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvroConverter {
    /// Confluent's `io.confluent.connect.avro.AvroConverter` (Confluent Hub, not Maven
    /// Central), what cp-kafka-connect images ship.
    Confluent,
    /// Apicurio's `io.apicurio.registry.utils.converter.AvroConverter` (Maven Central),
    /// reading Confluent frames whose id is the registry's content id.
    Apicurio,
}

impl AvroConverter {
    /// Every converter, in the order the catalog documents them.
    pub const ALL: [AvroConverter; 2] = [AvroConverter::Confluent, AvroConverter::Apicurio];

    /// The catalog's name of the converter.
    pub fn as_str(self) -> &'static str {
        match self {
            AvroConverter::Confluent => "confluent",
            AvroConverter::Apicurio => "apicurio",
        }
    }
}

/// The environment variable of the default `registry_url` placeholder.
pub const REGISTRY_URL_VAR: &str = "AVROKIT_CONNECT_REGISTRY_URL";
/// The environment variable of the default `database_url` placeholder.
pub const DATABASE_URL_VAR: &str = "AVROKIT_SINK_JDBC_URL";
/// The environment variable of the default `database_user` placeholder.
pub const DATABASE_USER_VAR: &str = "AVROKIT_SINK_DB_USER";
/// The environment variable of the default `database_password` placeholder.
pub const DATABASE_PASSWORD_VAR: &str = "AVROKIT_SINK_DB_PASSWORD";

/// `${env:NAME}`: a value Kafka's `EnvVarConfigProvider`, registered as `env`, reads from
/// the worker's environment.
fn env_placeholder(name: &str) -> String {
    format!("${{env:{name}}}")
}

/// The `[connect]` table, with its defaults filled in.
///
/// Built from [`ConnectSettings::default`] and the `with_*` methods:
///
/// ```
/// use avrokit_codegen::catalog::{AvroConverter, ConnectSettings};
/// let settings = ConnectSettings::default()
///     .with_converter(AvroConverter::Apicurio)
///     .with_registry_url("http://registry:8080/apis/registry/v2");
/// assert_eq!(settings.database_password, "${env:AVROKIT_SINK_DB_PASSWORD}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectSettings {
    /// The value (and Avro key) converter.
    pub converter: AvroConverter,
    /// The registry URL the converter talks to: Confluent's API for `confluent`,
    /// Apicurio's `/apis/registry/v2` for `apicurio`.
    pub registry_url: String,
    /// The JDBC URL of the sink database.
    pub database_url: String,
    /// The database user.
    pub database_user: String,
    /// The database password: always a config-provider placeholder.
    pub database_password: String,
}

impl Default for ConnectSettings {
    /// Confluent's converter, the one cp-kafka-connect images ship, and every connection
    /// value from the worker's environment through the `env` config provider.
    fn default() -> Self {
        Self {
            converter: AvroConverter::Confluent,
            registry_url: env_placeholder(REGISTRY_URL_VAR),
            database_url: env_placeholder(DATABASE_URL_VAR),
            database_user: env_placeholder(DATABASE_USER_VAR),
            database_password: env_placeholder(DATABASE_PASSWORD_VAR),
        }
    }
}

impl ConnectSettings {
    /// The same settings with `converter`.
    pub fn with_converter(mut self, converter: AvroConverter) -> Self {
        self.converter = converter;
        self
    }

    /// The same settings with the registry URL the converter talks to.
    pub fn with_registry_url(mut self, url: impl Into<String>) -> Self {
        self.registry_url = url.into();
        self
    }

    /// The same settings with the JDBC URL of the sink database.
    pub fn with_database_url(mut self, url: impl Into<String>) -> Self {
        self.database_url = url.into();
        self
    }

    /// The same settings with the database user.
    pub fn with_database_user(mut self, user: impl Into<String>) -> Self {
        self.database_user = user.into();
        self
    }

    /// The same settings with the database password, a config-provider placeholder
    /// (`${env:NAME}`) the worker resolves.
    pub fn with_database_password(mut self, password: impl Into<String>) -> Self {
        self.database_password = password.into();
        self
    }
}

/// One problem of the `[connect]` table: where, what, and what to do.
pub(super) struct Problem {
    pub span: std::ops::Range<usize>,
    pub message: String,
    pub hint: String,
}

/// The settings of `raw` (defaults where it says nothing), and its problems.
pub(super) fn settings(raw: Option<&RawConnect>) -> (ConnectSettings, Vec<Problem>) {
    let mut settings = ConnectSettings::default();
    let mut problems = Vec::new();
    let Some(raw) = raw else {
        return (settings, problems);
    };
    if let Some(converter) = &raw.converter {
        let choices = AvroConverter::ALL.map(|converter| (converter.as_str(), converter));
        match keyword(converter.get_ref(), &choices) {
            Ok(found) => settings.converter = found,
            Err(hint) => problems.push(Problem {
                span: converter.span(),
                message: format!("[connect]: unknown converter `{}`", converter.get_ref()),
                hint,
            }),
        }
    }
    let mut take = |value: &Option<Spanned<String>>, target: &mut String, key: &str| {
        let Some(value) = value else { return };
        if value.get_ref().trim().is_empty() {
            problems.push(Problem {
                span: value.span(),
                message: format!("[connect]: `{key}` is empty"),
                hint: format!("remove it to use the default `{target}`"),
            });
        }
        *target = value.get_ref().clone();
    };
    take(&raw.registry_url, &mut settings.registry_url, "registry_url");
    take(&raw.database_url, &mut settings.database_url, "database_url");
    take(&raw.database_user, &mut settings.database_user, "database_user");
    take(
        &raw.database_password,
        &mut settings.database_password,
        "database_password",
    );
    if let Some(password) = &raw.database_password
        && !is_placeholder(password.get_ref())
    {
        problems.push(Problem {
            span: password.span(),
            message: "[connect]: `database_password` is a literal, and the connector JSON is committed".into(),
            hint: "write a config-provider placeholder the worker resolves, e.g. \"${env:AVROKIT_SINK_DB_PASSWORD}\""
                .into(),
        });
    }
    (settings, problems)
}

/// Whether `value` is one Kafka config-provider reference, `${provider:[path:]key}`.
fn is_placeholder(value: &str) -> bool {
    value
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .and_then(|inner| inner.split_once(':'))
        .is_some_and(|(provider, key)| {
            !provider.is_empty()
                && provider
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && !key.is_empty()
                && !key.contains(['{', '}'])
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_config_provider_references() {
        assert!(is_placeholder("${env:PGPASSWORD}"));
        assert!(is_placeholder("${file:/run/secrets/db.properties:password}"));
        assert!(!is_placeholder("avrokit"));
        assert!(!is_placeholder("${PGPASSWORD}"));
        assert!(!is_placeholder("${env:}"));
        assert!(!is_placeholder("x${env:A}"));
        assert!(is_placeholder(&ConnectSettings::default().database_password));
    }
}
