//! `cargo xtask connect deploy|status|delete`: the generated connector files
//! (`generated/connect/<env>/`) on a Kafka Connect cluster, through its REST API.

mod client;
mod deploy;
mod files;
mod report;

use anyhow::bail;
use clap::{Args, Subcommand};
use client::ConnectClient;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `cargo xtask connect`.
#[derive(Args)]
pub struct ConnectArgs {
    #[command(subcommand)]
    command: ConnectCommand,
}

#[derive(Subcommand)]
enum ConnectCommand {
    /// Validate the environment's connector files with the plugins, create or update the
    /// connectors (idempotent), and wait until they and their tasks run.
    Deploy {
        /// The catalog environment whose files to deploy.
        #[arg(long, default_value = "dev")]
        env: String,
        #[command(flatten)]
        target: Target,
        /// The generated connector files.
        #[arg(long, default_value = "generated/connect")]
        dir: PathBuf,
        /// How long to wait for each connector to run, in seconds.
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Connectors to deploy (default: every file of the environment).
        names: Vec<String>,
    },
    /// Print the state of connectors and their tasks, with the traces of failures
    /// (exit 1 when one failed or is missing).
    Status {
        #[command(flatten)]
        target: Target,
        /// Connectors to show (default: every connector of the cluster).
        names: Vec<String>,
    },
    /// Delete connectors (their consumer group offsets stay).
    Delete {
        #[command(flatten)]
        target: Target,
        /// Connectors to delete.
        #[arg(required = true)]
        names: Vec<String>,
    },
}

/// Which Connect cluster.
#[derive(Args)]
struct Target {
    /// The REST API. Default: $KAFKA_CONNECT_URL, else the running stack's Connect.
    #[arg(long)]
    url: Option<String>,
}

impl Target {
    fn client(self) -> anyhow::Result<ConnectClient> {
        if let Some(url) = self.url.or_else(|| std::env::var("KAFKA_CONNECT_URL").ok()) {
            return Ok(ConnectClient::new(&url));
        }
        match crate::stack::running_connect_url() {
            Some(url) => Ok(ConnectClient::new(&url)),
            None => bail!(
                "no Kafka Connect: pass --url URL, set KAFKA_CONNECT_URL, or start the stack (`cargo xtask stack up`)"
            ),
        }
    }
}

/// Runs `cargo xtask connect ...`.
pub fn run(args: ConnectArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ConnectCommand::Deploy {
            env,
            target,
            dir,
            timeout,
            names,
        } => {
            let client = target.client()?;
            let connectors = files::load(&crate::workspace::root().join(dir), &env, &names)?;
            if connectors.is_empty() {
                bail!("no connector files for environment `{env}`");
            }
            deploy::deploy(&client, &connectors, Duration::from_secs(timeout))?;
            println!("connect: {} connector(s) running at {}", connectors.len(), client.url());
            Ok(ExitCode::SUCCESS)
        }
        ConnectCommand::Status { target, names } => {
            let client = target.client()?;
            let names = if names.is_empty() { client.connectors()? } else { names };
            let mut healthy = true;
            for name in &names {
                match client.status(name)? {
                    Some(status) => {
                        healthy &= !status.failed();
                        println!("{}", report::render(name, &status));
                    }
                    None => {
                        healthy = false;
                        println!("{name}: no such connector");
                    }
                }
            }
            if names.is_empty() {
                println!("connect: no connectors at {}", client.url());
            }
            Ok(if healthy { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        ConnectCommand::Delete { target, names } => {
            let client = target.client()?;
            for name in &names {
                let verb = if client.delete(name)? {
                    "deleted"
                } else {
                    "no such connector"
                };
                println!("connect: {name}: {verb}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
