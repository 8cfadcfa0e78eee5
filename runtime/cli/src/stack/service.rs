//! `stack stop SERVICE` / `stack start SERVICE`: one service of a running stack, so fault
//! tests can take the registry (or another service) away and bring it back mid-run.
//!
//! Stopping uses the same pid-file stop as `down` but keeps the service's data; starting
//! runs the same command, health probe and set-up as `up`. Apicurio keeps its schemas in
//! memory, so a restarted registry is empty (its ids start again), with the stack's
//! global compatibility level set again.

use super::health::{unhealthy, wait_healthy};
use super::topology::Service;
use super::{Stack, connect, kafka, postgres, process, registry};
use anyhow::bail;
use std::time::Duration;

/// How long a restarted service may take to become healthy (as in `up`).
const HEALTH_TIMEOUT: Duration = Duration::from_secs(120);

/// The service named `name` (as `stack status` shows it: `schema-registry`, `kafka`, ...).
pub fn parse(name: &str) -> anyhow::Result<Service> {
    match Service::PROCESSES.into_iter().find(|s| s.name() == name) {
        Some(service) => Ok(service),
        None => {
            let names: Vec<&str> = Service::PROCESSES.iter().map(|s| s.name()).collect();
            bail!("no service {name:?} in the stack; one of: {}", names.join(", "))
        }
    }
}

/// Stops `service` (its data stays), as `down` would stop it; the pid it stopped, if
/// one was running.
pub fn stop(stack: &Stack, service: Service) -> anyhow::Result<Option<u32>> {
    // PostgreSQL: SIGINT is its "fast" shutdown; the JVMs run their shutdown hooks on TERM.
    let signal = if service == Service::Postgres { "INT" } else { "TERM" };
    let stopped = process::stop(&stack.layout, service, signal, Duration::from_secs(30))?;
    match stopped {
        Some(pid) => eprintln!("stack: stopped {service} (pid {pid})"),
        None => eprintln!("stack: {service} was not running"),
    }
    Ok(stopped)
}

/// Starts `service` and waits until it is healthy (and set up, as `up` sets it up).
pub fn start(stack: &Stack, service: Service) -> anyhow::Result<()> {
    let layout = &stack.layout;
    if let Some(pid) = process::running_pid(layout, service) {
        eprintln!("stack: {service} already running (pid {pid})");
        return Ok(());
    }
    let (command, pg_fresh) = match service {
        Service::Postgres => postgres::command(stack)?,
        Service::Kafka => (kafka::command(stack)?, false),
        Service::Registry => (registry::command(stack)?, false),
        Service::RegistryTls => (registry::tls_command(stack)?, false),
        Service::Connect => (connect::command(stack)?, false),
    };
    let pid = process::start(layout, service, command)?;
    let took = wait_healthy(layout, service, pid, HEALTH_TIMEOUT, || match service {
        Service::Postgres => postgres::probe(stack),
        Service::Kafka => kafka::probe(stack),
        Service::Registry => registry::probe(stack),
        Service::RegistryTls => registry::tls_probe(stack),
        Service::Connect => connect::probe(stack),
    })?;
    let set_up = match service {
        Service::Postgres if pg_fresh => postgres::create_database(stack),
        Service::Registry => registry::configure(stack),
        Service::RegistryTls => registry::tls_configure(stack),
        _ => Ok(()),
    };
    set_up.map_err(|e| unhealthy(layout, service, &format!("{e:#}")))?;
    eprintln!(
        "stack: {service} healthy, pid {pid} (waited {:.1} s)",
        took.as_secs_f64()
    );
    Ok(())
}
