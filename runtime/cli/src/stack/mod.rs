//! `avrokit stack up|down|status|env|stop|start`: the real services, natively, on
//! loopback, for any repository (no Docker).
//!
//! Kafka (KRaft), Apicurio Registry (Confluent API), Kafka Connect with the Debezium JDBC
//! sink and PostgreSQL: the jars fetched once from Maven Central by a Maven project the
//! binary carries (`runtime/cli/stack/`), PostgreSQL from the machine's binaries, started
//! as background processes recorded in pid files under the stack directory
//! (`target/stack/` of the repository, or `$AVROKIT_STACK_DIR`; see `layout.rs`).
//! `docker-compose.yml` describes the same stack for users with Docker; `topology.rs` is
//! the one source of ports and names for both.
//!
//! Needs Java 17+, Maven (`mvn`) for the first fetch, and PostgreSQL 15 server binaries.

#[cfg(test)]
mod compose_check;
mod connect;
mod down;
mod env_file;
mod fetch;
mod guard;
mod health;
mod java;
mod kafka;
mod layout;
mod outage;
mod postgres;
mod process;
mod registry;
mod secure;
mod service;
mod status;
mod topology;
mod up;

pub use guard::StackGuard;
pub use health::http_agent;
pub use layout::STACK_DIR_VAR;
pub use outage::Outage;

use clap::{Args, Subcommand};
use layout::Layout;
use std::fs;
use std::process::ExitCode;
use topology::Ports;

/// Arguments of `avrokit stack`.
#[derive(Args, Debug)]
pub struct StackArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: StackCommand,
}

/// The subcommands of `avrokit stack`.
#[derive(Subcommand, Debug)]
pub enum StackCommand {
    /// Fetch what is missing (first run only), start every service and wait until healthy;
    /// on a partly running stack, start the services that are not running.
    Up(UpArgs),
    /// Stop exactly the processes `stack up` started and remove their data (logs stay).
    Down,
    /// Show each service's pid, port and health (exit 1 when one is not healthy).
    Status {
        /// `text` (a line per service) or `json`: one object, `{"healthy" (every service
        /// running and healthy), "stack_dir", "port_offset", "versions": {"kafka",
        /// "apicurio_registry", "debezium_jdbc", "postgres"}, "services": [{"name",
        /// "pid" (null when not running), "port", "running", "healthy", "problem" (why
        /// not healthy, else null)}], "logs", "env_file" (null when the stack is down)}`.
        #[arg(long, value_parser = crate::output::text_or_json(), default_value = "text")]
        format: crate::output::OutputFormat,
    },
    /// Print KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, KAFKA_CONNECT_URL and
    /// DATABASE_URL as `KEY=VALUE` lines, then the secure endpoints under names no command
    /// reads by itself: KAFKA_SECURE_BOOTSTRAP_SERVERS (SASL_SSL), KAFKA_SASL_MECHANISM,
    /// KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SSL_CA_LOCATION,
    /// SCHEMA_REGISTRY_SECURE_URL (HTTPS), SCHEMA_REGISTRY_SECURE_USER,
    /// SCHEMA_REGISTRY_SECURE_PASSWORD, SCHEMA_REGISTRY_SECURE_CA (`eval $(avrokit stack
    /// env)` exports nothing: use `set -a; . <(avrokit stack env); set +a`).
    Env {
        /// Print the secure endpoints under the names every command reads
        /// (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL=SASL_SSL, KAFKA_SASL_*,
        /// KAFKA_SSL_CA_LOCATION, SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_USER,
        /// SCHEMA_REGISTRY_PASSWORD, SCHEMA_REGISTRY_CA), so sourcing them points every
        /// command at SASL_SSL and HTTPS.
        #[arg(long)]
        secure: bool,
    },
    /// Stop one service of the running stack, keeping its data (fault tests).
    Stop {
        /// `postgres`, `kafka`, `schema-registry` or `connect`.
        service: String,
    },
    /// Start one stopped service again and wait until it is healthy.
    Start {
        /// `postgres`, `kafka`, `schema-registry` or `connect`.
        service: String,
    },
}

/// Options of `stack up`.
#[derive(Args, Debug, Default, Clone)]
pub struct UpArgs {
    /// Add this to every port (9092, 9093, 8081, 8083, 5432) when the defaults are taken.
    #[arg(long, env = "AVROKIT_STACK_PORT_OFFSET")]
    pub port_offset: Option<u16>,
}

/// One stack: where its files are and which ports it uses.
struct Stack {
    layout: Layout,
    ports: Ports,
}

impl Stack {
    /// The stack of the current repository: the running one's ports if it is up, else
    /// `offset`'s.
    fn open(offset: Option<u16>) -> anyhow::Result<Stack> {
        let layout = Layout::current();
        let recorded = fs::read_to_string(layout.port_offset_file())
            .ok()
            .and_then(|t| t.trim().parse::<u16>().ok());
        let offset = match (recorded, offset) {
            (Some(running), _) if up::any_running(&layout) => running,
            (_, Some(wanted)) => wanted,
            _ => env_offset()?,
        };
        Ok(Stack {
            layout,
            ports: Ports::with_offset(offset)?,
        })
    }
}

/// `$AVROKIT_STACK_PORT_OFFSET` for callers without flags ([`StackGuard`]), else 0.
fn env_offset() -> anyhow::Result<u16> {
    match std::env::var("AVROKIT_STACK_PORT_OFFSET") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("AVROKIT_STACK_PORT_OFFSET={v:?} is not a number from 0 to 56000")),
        _ => Ok(0),
    }
}

/// A client setting of the current repository's running stack (`KAFKA_BOOTSTRAP_SERVERS`,
/// `SCHEMA_REGISTRY_URL`, `KAFKA_CONNECT_URL`, `DATABASE_URL`), or `None` when the
/// service is not running: the last default of every command that talks to a service.
pub fn running_setting(key: &str) -> Option<String> {
    let stack = Stack::open(None).ok()?;
    let (service, _, value) = topology::client_settings(stack.ports)
        .into_iter()
        .find(|(_, k, _)| *k == key)?;
    process::running_pid(&stack.layout, service)?;
    Some(value)
}

/// The pid of the running stack's Kafka Connect worker, or `None` when it is not running
/// (`cargo xtask bench e2e` reports its memory).
pub fn running_connect_pid() -> Option<u32> {
    let stack = Stack::open(None).ok()?;
    process::running_pid(&stack.layout, topology::Service::Connect)
}

/// Runs `avrokit stack ...`: exit 0, 1 when `status` or `env` finds the stack not
/// (entirely) up, 2 (an error) when a service cannot start.
pub fn run(args: &StackArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        StackCommand::Up(up_args) => {
            let stack = Stack::open(up_args.port_offset)?;
            up::up(&stack)?;
            Ok(ExitCode::SUCCESS)
        }
        StackCommand::Down => {
            let stack = Stack::open(None)?;
            down::down(&stack)?;
            Ok(ExitCode::SUCCESS)
        }
        StackCommand::Status { format } => {
            let stack = Stack::open(None)?;
            Ok(if status::status(&stack, *format) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(crate::FINDING)
            })
        }
        StackCommand::Stop { service } => {
            let stack = Stack::open(None)?;
            service::stop(&stack, service::parse(service)?)?;
            Ok(ExitCode::SUCCESS)
        }
        StackCommand::Start { service } => {
            let stack = Stack::open(None)?;
            service::start(&stack, service::parse(service)?)?;
            Ok(ExitCode::SUCCESS)
        }
        StackCommand::Env { secure } => {
            let stack = Stack::open(None)?;
            if *secure {
                match env_file::render_secure(&stack.layout, stack.ports) {
                    Some(lines) => print!("{lines}"),
                    None => anyhow::bail!("the stack has no secure endpoints yet: start it with `avrokit stack up`"),
                }
            } else {
                print!("{}", env_file::render(&stack.layout, stack.ports));
            }
            if up::all_running(&stack.layout) {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("stack: not up; start it with `avrokit stack up`");
                Ok(ExitCode::from(crate::FINDING))
            }
        }
    }
}
