//! `stack up`: fetch, start in dependency order, wait until every service is healthy; on
//! a partly running stack, start what is missing.

use super::health::{unhealthy, wait_healthy};
use super::layout::Layout;
use super::topology::Service;
use super::{Stack, connect, down, env_file, fetch, java, kafka, postgres, process, registry, secure, service};
use anyhow::{Context, bail};
use std::fs;
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};

/// How long each service may take to become healthy (generous: a loaded 2-core machine).
const HEALTH_TIMEOUT: Duration = Duration::from_secs(120);

/// Whether any process of the stack is running.
pub fn any_running(layout: &Layout) -> bool {
    Service::PROCESSES
        .iter()
        .any(|s| process::running_pid(layout, *s).is_some())
}

/// Whether every service of the stack is running (the HTTPS registry aside: a stack an
/// older avrokit started has none, and is up all the same).
pub fn all_running(layout: &Layout) -> bool {
    Service::ALL.iter().all(|s| process::running_pid(layout, *s).is_some())
}

/// Starts the stack (or confirms it is already up) and writes the environment file.
pub fn up(stack: &Stack) -> anyhow::Result<()> {
    let layout = &stack.layout;
    if all_running(layout) {
        env_file::write(layout, stack.ports)?;
        eprintln!("stack: already up; environment in {}", layout.env_file().display());
        if process::running_pid(layout, Service::RegistryTls).is_none() {
            eprintln!(
                "stack: without the secure endpoints (SASL_SSL, HTTPS registry): an older avrokit \
                 started it; `avrokit stack down` then `up` adds them"
            );
        }
        return Ok(());
    }
    if any_running(layout) {
        return resume(stack);
    }
    check_ports_free(stack)?;
    java::check_version()?;
    let started = Instant::now();
    fetch::ensure_cache(layout)?;
    // A clean slate: data or pid files left by a crashed run are stale.
    for dir in [layout.data_root(), layout.run()] {
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    fs::create_dir_all(layout.run())?;
    fs::write(layout.port_offset_file(), format!("{}\n", stack.ports.offset()))?;
    secure::prepare(layout).context("making the secure endpoints' CA, certificate and password")?;
    let launch = Instant::now();
    match start_all(stack) {
        Ok(()) => {}
        Err(err) => {
            eprintln!("stack: start failed; stopping what was started");
            if let Err(down_err) = down::stop_all(stack) {
                eprintln!("stack: while stopping: {down_err:#}");
            }
            return Err(err);
        }
    }
    env_file::write(layout, stack.ports)?;
    eprintln!(
        "stack: up in {:.1} s (services {:.1} s); logs in {}",
        started.elapsed().as_secs_f64(),
        launch.elapsed().as_secs_f64(),
        layout.logs().display()
    );
    eprintln!("stack: environment written to {}", layout.env_file().display());
    print!("{}", env_file::render(layout, stack.ports));
    Ok(())
}

/// Starts the services of a partly running stack that are not running (one died, or was
/// stopped), each on the data it had, in dependency order; the running ones are kept.
fn resume(stack: &Stack) -> anyhow::Result<()> {
    let layout = &stack.layout;
    let missing: Vec<Service> = Service::PROCESSES
        .into_iter()
        .filter(|s| process::running_pid(layout, *s).is_none())
        .collect();
    let names: Vec<&str> = missing.iter().map(|s| s.name()).collect();
    eprintln!("stack: partly up; starting {}", names.join(", "));
    for service in missing {
        service::start(stack, service)
            .with_context(|| format!("starting {service} again (`avrokit stack down`, then `up`, starts afresh)"))?;
    }
    env_file::write(layout, stack.ports)?;
    eprintln!("stack: up; environment in {}", layout.env_file().display());
    Ok(())
}

fn start_all(stack: &Stack) -> anyhow::Result<()> {
    let layout = &stack.layout;
    // Everything starts at once. Connect spends its first seconds scanning plugins and
    // then waits for the broker by itself (its admin client retries for a minute), so it
    // need not wait for a healthy Kafka; health is then awaited in dependency order.
    let registry_pid = process::start(layout, Service::Registry, registry::command(stack)?)?;
    let registry_tls_pid = process::start(layout, Service::RegistryTls, registry::tls_command(stack)?)?;
    let (pg_cmd, pg_fresh) = postgres::command(stack)?;
    let pg_pid = process::start(layout, Service::Postgres, pg_cmd)?;
    let kafka_pid = process::start(layout, Service::Kafka, kafka::command(stack)?)?;
    let connect_pid = process::start(layout, Service::Connect, connect::command(stack)?)?;

    let took = wait_healthy(layout, Service::Kafka, kafka_pid, HEALTH_TIMEOUT, || {
        kafka::probe(stack)
    })?;
    report(Service::Kafka, kafka_pid, stack, took);

    let took = wait_healthy(layout, Service::Postgres, pg_pid, HEALTH_TIMEOUT, || {
        postgres::probe(stack)
    })?;
    if pg_fresh {
        postgres::create_database(stack).map_err(|e| unhealthy(layout, Service::Postgres, &format!("{e:#}")))?;
    }
    report(Service::Postgres, pg_pid, stack, took);

    let took = wait_healthy(layout, Service::Registry, registry_pid, HEALTH_TIMEOUT, || {
        registry::probe(stack)
    })?;
    registry::configure(stack).map_err(|e| unhealthy(layout, Service::Registry, &format!("{e:#}")))?;
    report(Service::Registry, registry_pid, stack, took);

    let took = wait_healthy(layout, Service::RegistryTls, registry_tls_pid, HEALTH_TIMEOUT, || {
        registry::tls_probe(stack)
    })?;
    registry::tls_configure(stack).map_err(|e| unhealthy(layout, Service::RegistryTls, &format!("{e:#}")))?;
    report(Service::RegistryTls, registry_tls_pid, stack, took);

    let took = wait_healthy(layout, Service::Connect, connect_pid, HEALTH_TIMEOUT, || {
        connect::probe(stack)
    })?;
    report(Service::Connect, connect_pid, stack, took);
    Ok(())
}

fn report(service: Service, pid: u32, stack: &Stack, took: Duration) {
    eprintln!(
        "stack: {service:<15} healthy  pid {pid:<7} port {:<5} (waited {:.1} s)",
        stack.ports.of(service),
        took.as_secs_f64()
    );
}

/// Fails, naming every taken port, unless all of the stack's ports are free on loopback.
fn check_ports_free(stack: &Stack) -> anyhow::Result<()> {
    let taken: Vec<String> = stack
        .ports
        .all()
        .into_iter()
        .filter(|(_, port)| TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], *port))).is_err())
        .map(|(name, port)| format!("{port} ({name})"))
        .collect();
    if !taken.is_empty() {
        bail!(
            "port(s) already in use on 127.0.0.1: {}; stop what listens there (`ss -ltnp`) or \
             start with `avrokit stack up --port-offset 10000` \
             (or AVROKIT_STACK_PORT_OFFSET=10000)",
            taken.join(", ")
        );
    }
    Ok(())
}
