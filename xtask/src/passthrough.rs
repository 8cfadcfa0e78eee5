//! The tasks that need librdkafka or the registry client (reqwest, rustls, tokio) run the
//! `avrokit` command itself (`cargo run -p avrokit-cli`), so that xtask, and with it
//! `cargo xtask gen`, builds neither.

use clap::Args;
use std::process::{Command, ExitCode};

/// Everything after the task's name, given to `avrokit TASK` unchanged.
#[derive(Args)]
#[command(trailing_var_arg = true)]
pub struct Passthrough {
    /// The arguments of `avrokit TASK` (see `avrokit TASK --help`).
    #[arg(allow_hyphen_values = true)]
    args: Vec<String>,
}

impl Passthrough {
    /// Runs `avrokit TASK ARGS...` from the workspace root; its exit status.
    pub fn run(self, task: &str) -> anyhow::Result<ExitCode> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "run",
                "--quiet",
                "--package",
                "avrokit-cli",
                "--bin",
                "avrokit",
                "--",
                task,
            ])
            .args(&self.args)
            .status()?;
        Ok(match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(avrokit_cli::ERROR)),
            None => ExitCode::from(avrokit_cli::ERROR),
        })
    }
}
