//! The client environment (`KAFKA_BOOTSTRAP_SERVERS`, ...) as `KEY=VALUE` lines.

use super::layout::Layout;
use super::topology::{Ports, client_env};
use anyhow::Context;
use std::fs;

/// The `KEY=VALUE` lines for a stack on `ports`, newline-terminated.
pub fn render(ports: Ports) -> String {
    client_env(ports)
        .into_iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect()
}

/// Writes the environment file that tests and shells read; returns nothing on success.
pub fn write(layout: &Layout, ports: Ports) -> anyhow::Result<()> {
    let path = layout.env_file();
    fs::write(&path, render(ports)).with_context(|| format!("writing {}", path.display()))
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
        let parsed = parse(&render(ports));
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
    }
}
