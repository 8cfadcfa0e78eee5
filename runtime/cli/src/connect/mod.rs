//! `avrokit connect deploy|validate|status|delete`: the generated connector files
//! (`generated/connect/<env>/`) on a Kafka Connect cluster, through its REST API.

mod client;
mod deploy;
mod files;
mod report;

use crate::endpoints::{self, CONNECT_VAR};
use crate::output::{OutputFormat, print_json, text_or_json};
use crate::schema_dir::OutDir;
use anyhow::bail;
use avrokit_codegen::connect::ConnectorFile;
use clap::{Args, Subcommand};
use client::ConnectClient;
use serde_json::json;
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
    /// Where `gen` wrote the output; the connector files are in OUT/connect.
    #[command(flatten)]
    pub out: OutDir,
    /// The connector files' directory, instead of OUT/connect.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Connectors to use (default: every file of the environment).
    pub names: Vec<String>,
}

impl Files {
    /// The directory of the connector files (a subdirectory per environment).
    pub fn dir(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(|| self.out.connect())
    }

    fn load(&self) -> anyhow::Result<Vec<ConnectorFile>> {
        let dir = self.dir();
        let connectors = files::load(Path::new(&dir), &self.env, &self.names)?;
        if connectors.is_empty() {
            bail!("no connector files for environment `{}` in {}", self.env, dir.display());
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
        /// `text` (a line per connector, with the traces of failures) or `json`: one
        /// object, `{"connect_url", "healthy" (none failed or missing), "connectors":
        /// [{"name", "found" (false: no such connector), "state" (`RUNNING`, `FAILED`,
        /// `PAUSED`, ...; null when not found), "worker_id", "trace" (a failure's, else
        /// null), "tasks": [{"id", "state", "worker_id", "trace"}]}]}`.
        #[arg(long, value_parser = text_or_json(), default_value = "text")]
        format: OutputFormat,
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
        ConnectCommand::Status { target, names, format } => {
            let client = target.client()?;
            let names = if names.is_empty() {
                client.connectors()?
            } else {
                names.clone()
            };
            let mut healthy = true;
            let mut shown = Vec::new();
            for name in &names {
                let status = client.status(name)?;
                healthy &= status.as_ref().is_some_and(|s| !s.failed());
                if format.is_json() {
                    shown.push(report::json(name, status.as_ref()));
                } else {
                    match status {
                        Some(status) => println!("{}", report::render(name, &status)),
                        None => println!("{name}: no such connector"),
                    }
                }
            }
            if format.is_json() {
                print_json(&json!({
                    "connect_url": client.url(),
                    "healthy": healthy,
                    "connectors": shown,
                }));
            } else if names.is_empty() {
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
