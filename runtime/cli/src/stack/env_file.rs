//! The client environment (`KAFKA_BOOTSTRAP_SERVERS`, ...) as `KEY=VALUE` lines.

use super::layout::Layout;
use super::secure::{self, Credentials};
use super::topology::{Ports, client_env};
use anyhow::Context;
use std::fs;
use std::os::unix::fs::PermissionsExt;

/// The `KEY=VALUE` lines for a stack on `ports`, newline-terminated: the plaintext
/// endpoints, then (once `stack up` drew its credentials) the secure ones under names of
/// their own ([`secure::extra_env`]).
pub fn render(layout: &Layout, ports: Ports) -> String {
    let mut lines = client_env(ports);
    if let Some(credentials) = Credentials::load(layout) {
        lines.extend(secure::extra_env(layout, ports, &credentials));
    }
    lines.into_iter().map(|(k, v)| format!("{k}={v}\n")).collect()
}

/// `stack env --secure`: the secure endpoints under the names the commands read, then
/// Connect and the database (which have no secure endpoint); `None` before `stack up`.
pub fn render_secure(layout: &Layout, ports: Ports) -> Option<String> {
    let credentials = Credentials::load(layout)?;
    let mut lines = secure::client_env(layout, ports, &credentials);
    let plain: Vec<_> = client_env(ports)
        .into_iter()
        .filter(|(key, _)| !lines.iter().any(|(k, _)| k == key))
        .collect();
    lines.extend(plain);
    Some(lines.into_iter().map(|(k, v)| format!("{k}={v}\n")).collect())
}

/// Writes the environment file that tests and shells read (readable by its owner only:
/// it holds the secure endpoints' password); returns nothing on success.
pub fn write(layout: &Layout, ports: Ports) -> anyhow::Result<()> {
    let path = layout.env_file();
    fs::write(&path, render(layout, ports)).with_context(|| format!("writing {}", path.display()))?;
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600))
        .with_context(|| format!("restricting {}", path.display()))
}

#[cfg(test)]
/// Parses `KEY=VALUE` lines (blank lines and `#` comments are skipped).
pub fn parse(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_and_parse_round_trip() {
        let ports = Ports::with_offset(0).unwrap();
        let layout = Layout::at(std::env::temp_dir().join(format!("avrokit-env-{}", std::process::id())));
        let parsed = parse(&render(&layout, ports));
        let keys: Vec<&str> = parsed.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "KAFKA_BOOTSTRAP_SERVERS",
                "SCHEMA_REGISTRY_URL",
                "KAFKA_CONNECT_URL",
                "DATABASE_URL"
            ]
        );
        assert_eq!(parsed[3].1, "postgres://avrokit:avrokit@127.0.0.1:5432/avrokit");
        assert_eq!(render_secure(&layout, ports), None, "no secure lines before `stack up`");
    }

    #[test]
    fn secure_lines_follow_once_credentials_exist() {
        let ports = Ports::with_offset(0).unwrap();
        let root = std::env::temp_dir().join(format!("avrokit-env-secure-{}", std::process::id()));
        let layout = Layout::at(root.clone());
        let credentials = secure::prepare(&layout).unwrap();
        let parsed = parse(&render(&layout, ports));
        let value = |key: &str| parsed.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        assert_eq!(value("KAFKA_BOOTSTRAP_SERVERS").as_deref(), Some("127.0.0.1:9092"));
        assert_eq!(
            value("KAFKA_SECURE_BOOTSTRAP_SERVERS").as_deref(),
            Some("127.0.0.1:9094")
        );
        assert_eq!(
            value("SCHEMA_REGISTRY_SECURE_URL").as_deref(),
            Some("https://127.0.0.1:8443/apis/ccompat/v7")
        );
        assert_eq!(value("KAFKA_SASL_PASSWORD"), Some(credentials.password.clone()));
        // Sourcing the default lines must leave every command on plaintext.
        for read_by_commands in ["KAFKA_SECURITY_PROTOCOL", "SCHEMA_REGISTRY_USER", "SCHEMA_REGISTRY_CA"] {
            assert_eq!(value(read_by_commands), None, "{read_by_commands}");
        }
        let secure = parse(&render_secure(&layout, ports).unwrap());
        let keys: Vec<&str> = secure.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "KAFKA_BOOTSTRAP_SERVERS",
                "KAFKA_SECURITY_PROTOCOL",
                "KAFKA_SASL_MECHANISM",
                "KAFKA_SASL_USERNAME",
                "KAFKA_SASL_PASSWORD",
                "KAFKA_SSL_CA_LOCATION",
                "SCHEMA_REGISTRY_URL",
                "SCHEMA_REGISTRY_USER",
                "SCHEMA_REGISTRY_PASSWORD",
                "SCHEMA_REGISTRY_CA",
                "KAFKA_CONNECT_URL",
                "DATABASE_URL"
            ]
        );
        assert_eq!(secure[0].1, "127.0.0.1:9094");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
