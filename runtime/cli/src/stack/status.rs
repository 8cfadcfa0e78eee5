//! `stack status`: each service's pid, port and health, probed once.

use super::topology::{APICURIO_VERSION, DEBEZIUM_VERSION, KAFKA_VERSION, POSTGRES_MAJOR, Service};
use super::{Stack, connect, kafka, postgres, process, registry};

/// Prints one line per service; returns whether every service is running and healthy.
pub fn status(stack: &Stack) -> bool {
    let layout = &stack.layout;
    println!(
        "Kafka {KAFKA_VERSION} (KRaft) + Connect, Apicurio Registry {APICURIO_VERSION}, \
         Debezium JDBC sink {DEBEZIUM_VERSION}, PostgreSQL {POSTGRES_MAJOR}"
    );
    println!("{:<16} {:<8} {:<6} health", "service", "pid", "port");
    let mut all_healthy = true;
    for service in Service::ALL {
        let port = stack.ports.of(service);
        let (pid, health) = match process::running_pid(layout, service) {
            None => ("-".to_string(), "not running".to_string()),
            Some(pid) => {
                let probe = match service {
                    Service::Postgres => postgres::probe(stack),
                    Service::Kafka => kafka::probe(stack),
                    Service::Registry => registry::probe(stack),
                    Service::Connect => connect::probe(stack),
                };
                let health = match probe {
                    Ok(()) => "healthy".to_string(),
                    Err(why) => format!("UNHEALTHY: {why}"),
                };
                (pid.to_string(), health)
            }
        };
        all_healthy &= health == "healthy";
        println!("{:<16} {:<8} {:<6} {health}", service.name(), pid, port);
    }
    println!("logs: {}", layout.logs().display());
    if layout.env_file().exists() {
        println!("env:  {}", layout.env_file().display());
    }
    all_healthy
}
