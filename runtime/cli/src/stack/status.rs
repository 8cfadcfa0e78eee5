//! `stack status`: each service's pid, port and health, probed once.

use super::topology::{APICURIO_VERSION, DEBEZIUM_VERSION, KAFKA_VERSION, POSTGRES_MAJOR, Service};
use super::{Stack, connect, kafka, postgres, process, registry, secure};
use crate::output::{OutputFormat, print_json};
use serde_json::json;

/// One service as probed.
struct Row {
    service: Service,
    pid: Option<u32>,
    port: u16,
    /// `None` when healthy, else why not (`not running` when there is no process).
    problem: Option<String>,
}

/// Prints one line per service (or, in JSON, one document); returns whether every service
/// is running and healthy.
pub fn status(stack: &Stack, format: OutputFormat) -> bool {
    let layout = &stack.layout;
    let rows: Vec<Row> = Service::PROCESSES
        .into_iter()
        .map(|service| {
            let port = stack.ports.of(service);
            let pid = process::running_pid(layout, service);
            let problem = match pid {
                None => Some("not running".to_owned()),
                Some(_) => {
                    let probe = match service {
                        Service::Postgres => postgres::probe(stack),
                        Service::Kafka => kafka::probe(stack),
                        Service::Registry => registry::probe(stack),
                        Service::RegistryTls => registry::tls_probe(stack),
                        Service::Connect => connect::probe(stack),
                    };
                    probe.err()
                }
            };
            Row {
                service,
                pid,
                port,
                problem,
            }
        })
        .collect();
    let all_healthy = rows.iter().all(|row| row.problem.is_none());
    let env_file = layout.env_file().exists().then(|| layout.env_file());
    if format.is_json() {
        let as_json = |row: &Row| {
            json!({
                "name": row.service.name(),
                "pid": row.pid,
                "port": row.port,
                "running": row.pid.is_some(),
                "healthy": row.problem.is_none(),
                "problem": row.problem,
            })
        };
        let services: Vec<_> = rows
            .iter()
            .filter(|row| Service::ALL.contains(&row.service))
            .map(as_json)
            .collect();
        let registry_tls = rows.iter().find(|row| row.service == Service::RegistryTls).map(as_json);
        print_json(&json!({
            "healthy": all_healthy,
            "stack_dir": layout.base().display().to_string(),
            "port_offset": stack.ports.offset(),
            "versions": {
                "kafka": KAFKA_VERSION,
                "apicurio_registry": APICURIO_VERSION,
                "debezium_jdbc": DEBEZIUM_VERSION,
                "postgres": POSTGRES_MAJOR,
            },
            "services": services,
            // The secure endpoints: the broker's SASL_SSL listener (SCRAM-SHA-512) and
            // the HTTPS registry with basic auth (`stack env` prints their settings).
            "secure": {
                "kafka_sasl_ssl_port": stack.ports.kafka_sasl_ssl(),
                "registry_url": secure::registry_url(stack.ports),
                "registry": registry_tls,
            },
            "logs": layout.logs().display().to_string(),
            "env_file": env_file.map(|f| f.display().to_string()),
        }));
        return all_healthy;
    }
    println!(
        "Kafka {KAFKA_VERSION} (KRaft) + Connect, Apicurio Registry {APICURIO_VERSION}, \
         Debezium JDBC sink {DEBEZIUM_VERSION}, PostgreSQL {POSTGRES_MAJOR}"
    );
    println!("{:<20} {:<8} {:<6} health", "service", "pid", "port");
    for row in &rows {
        let pid = row.pid.map_or_else(|| "-".to_owned(), |pid| pid.to_string());
        let health = match (&row.pid, &row.problem) {
            (_, None) => "healthy".to_owned(),
            (None, Some(why)) => why.clone(),
            (Some(_), Some(why)) => format!("UNHEALTHY: {why}"),
        };
        println!("{:<20} {:<8} {:<6} {health}", row.service.name(), pid, row.port);
    }
    println!(
        "secure: Kafka SASL_SSL (SCRAM-SHA-512) 127.0.0.1:{}, registry {} (basic auth); \
         `avrokit stack env` has their settings",
        stack.ports.kafka_sasl_ssl(),
        secure::registry_url(stack.ports)
    );
    println!("logs: {}", layout.logs().display());
    if let Some(file) = env_file {
        println!("env:  {}", file.display());
    }
    all_healthy
}
