//! `avrokit connect deploy|validate|status|delete`: the generated connector files
//! (`generated/connect/<env>/`) on a Kafka Connect cluster, through its REST API.

mod client;
mod deploy;
mod files;
mod report;

use crate::endpoints::{self, CONNECT_VAR};
use anyhow::bail;
use avrokit_codegen::connect::ConnectorFile;
use clap::{Args, Subcommand};
use client::ConnectClient;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `avrokit connect`.
#[derive(Args, Debug)]
pub struct ConnectArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ConnectCommand,
}

/// The generated connector files of one environment.
#[derive(Args, Debug, Clone)]
pub struct Files {
    /// The catalog environment whose files to use.
    #[arg(long, default_value = "dev")]
    pub env: String,
    /// The generated connector files (`gen` writes them to `generated/connect`).
    #[arg(long, default_value = "generated/connect")]
    pub dir: PathBuf,
    /// Connectors to use (default: every file of the environment).
    pub names: Vec<String>,
}

impl Files {
    fn load(&self) -> anyhow::Result<Vec<ConnectorFile>> {
        let connectors = files::load(Path::new(&self.dir), &self.env, &self.names)?;
        if connectors.is_empty() {
            bail!(
                "no connector files for environment `{}` in {}",
                self.env,
                self.dir.display()
            );
        }
        Ok(connectors)
    }
}

/// The subcommands of `avrokit connect`.
#[derive(Subcommand, Debug)]
pub enum ConnectCommand {
    /// Validate the environment's connector files with the plugins, create or update the
    /// connectors (idempotent), and wait until they and their tasks run.
    Deploy {
        /// The files.
        #[command(flatten)]
        files: Files,
        /// The cluster.
        #[command(flatten)]
        target: Target,
        /// How long to wait for each connector to run, in seconds.
        #[arg(long, default_value_t = 120)]
        timeout: u64,
    },
    /// Validate the connector files with the cluster's plugins, changing nothing (exit 1
    /// when Connect refuses one).
    Validate {
        /// The files.
        #[command(flatten)]
        files: Files,
        /// The cluster.
        #[command(flatten)]
        target: Target,
    },
    /// Print the state of connectors and their tasks, with the traces of failures
    /// (exit 1 when one failed or is missing).
    Status {
        /// The cluster.
        #[command(flatten)]
        target: Target,
        /// Connectors to show (default: every connector of the cluster).
        names: Vec<String>,
    },
    /// Delete connectors (their consumer group offsets stay).
    Delete {
        /// The cluster.
        #[command(flatten)]
        target: Target,
        /// Connectors to delete.
        #[arg(required = true)]
        names: Vec<String>,
    },
}

/// Which Connect cluster.
#[derive(Args, Debug, Clone, Default)]
pub struct Target {
    /// The REST API [default: the running dev stack's Connect].
    #[arg(long = "connect-url", alias = "url", env = CONNECT_VAR, value_name = "URL")]
    pub url: Option<String>,
}

impl Target {
    fn client(&self) -> anyhow::Result<ConnectClient> {
        let url = endpoints::resolve(self.url.as_deref(), CONNECT_VAR, "Kafka Connect", "--connect-url URL")?;
        Ok(ConnectClient::new(&url))
    }
}

/// Runs `avrokit connect ...`.
pub fn run(args: &ConnectArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        ConnectCommand::Deploy { files, target, timeout } => {
            let client = target.client()?;
            let connectors = files.load()?;
            deploy::deploy(&client, &connectors, Duration::from_secs(*timeout))?;
            println!("connect: {} connector(s) running at {}", connectors.len(), client.url());
            Ok(ExitCode::SUCCESS)
        }
        ConnectCommand::Validate { files, target } => {
            let client = target.client()?;
            let connectors = files.load()?;
            let invalid = deploy::validate(&client, &connectors)?;
            for problem in &invalid {
                println!("{problem}");
            }
            println!(
                "connect: {} of {} connector(s) valid at {}",
                connectors.len() - invalid.len(),
                connectors.len(),
                client.url()
            );
            Ok(if invalid.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(crate::FINDING)
            })
        }
        ConnectCommand::Status { target, names } => {
            let client = target.client()?;
            let names = if names.is_empty() {
                client.connectors()?
            } else {
                names.clone()
            };
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
            Ok(if healthy {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(crate::FINDING)
            })
        }
        ConnectCommand::Delete { target, names } => {
            let client = target.client()?;
            for name in names {
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
