//! `avrokit connect deploy`: validate every connector first, then create or update
//! each, then wait until each and all its tasks run.

use super::client::{Applied, ConnectClient, Status};
use super::report;
use anyhow::{Context, bail};
use avrokit_codegen::connect::ConnectorFile;
use std::collections::BTreeMap;
use std::thread;
use std::time::{Duration, Instant};

/// Deploys `connectors` to `client`'s cluster, waiting up to `timeout` for each to run.
pub fn deploy(client: &ConnectClient, connectors: &[ConnectorFile], timeout: Duration) -> anyhow::Result<()> {
    // Preflight all before writing any: a bad file must not leave half the set deployed.
    let invalid = validate(client, connectors)?;
    if !invalid.is_empty() {
        bail!(
            "Connect's validation refused {} connector(s), nothing deployed:\n{}",
            invalid.len(),
            invalid.join("\n")
        );
    }
    for connector in connectors {
        let applied = client
            .put_config(&connector.name, &connector.config)
            .with_context(|| format!("deploying {}", connector.name))?;
        let verb = match applied {
            Applied::Created => "created",
            Applied::Updated => "updated",
        };
        println!("connect: {verb} {}", connector.name);
    }
    for connector in connectors {
        eprintln!(
            "connect: waiting for {} and its tasks to run (up to {} s)",
            connector.name,
            timeout.as_secs()
        );
        let status = wait_running(client, &connector.name, timeout)?;
        println!("{}", report::render(&connector.name, &status));
    }
    Ok(())
}

/// Validates every connector with the cluster's plugins: `NAME:` and its problems, for
/// each connector Connect refuses (empty when all pass).
pub fn validate(client: &ConnectClient, connectors: &[ConnectorFile]) -> anyhow::Result<Vec<String>> {
    let mut invalid = Vec::new();
    for connector in connectors {
        let problems = preflight(client, connector)?;
        if !problems.is_empty() {
            invalid.push(format!("{}:\n{}", connector.name, problems.join("\n")));
        }
    }
    Ok(invalid)
}

/// Each error Connect's validation finds in `connector`, as `  key: error`.
fn preflight(client: &ConnectClient, connector: &ConnectorFile) -> anyhow::Result<Vec<String>> {
    let Some(class) = connector.config.get("connector.class") else {
        bail!("{} has no connector.class", connector.name);
    };
    let mut config: BTreeMap<String, String> = connector.config.clone();
    config.insert("name".to_owned(), connector.name.clone());
    let validation = client
        .validate(class, &config)
        .with_context(|| format!("validating {}", connector.name))?;
    Ok(validation
        .errors
        .iter()
        .flat_map(|(key, errors)| errors.iter().map(move |e| format!("  {key}: {e}")))
        .collect())
}

/// Polls until `name` and its tasks run; fails when they stay FAILED, with the traces.
///
/// Just after an update Connect still reports the previous tasks for a moment (RUNNING or
/// FAILED) while it restarts them with the new configuration, so a state counts only once
/// it holds for [`SETTLED_POLLS`] polls in a row.
fn wait_running(client: &ConnectClient, name: &str, timeout: Duration) -> anyhow::Result<Status> {
    let started = Instant::now();
    let mut last: Option<Status> = None;
    let (mut running, mut failed) = (0, 0);
    loop {
        let status = client.status(name)?;
        running = if status.as_ref().is_some_and(Status::running) {
            running + 1
        } else {
            0
        };
        failed = if status.as_ref().is_some_and(Status::failed) {
            failed + 1
        } else {
            0
        };
        last = status.or(last);
        if let Some(status) = &last {
            if running == SETTLED_POLLS {
                return Ok(status.clone());
            }
            if failed == SETTLED_POLLS {
                bail!("{}", report::render(name, status));
            }
        }
        if started.elapsed() > timeout {
            let seen = last.map_or_else(|| format!("{name}: no status yet"), |s| report::render(name, &s));
            bail!(
                "{name} is not running after {} s; last status:\n{seen}",
                timeout.as_secs()
            );
        }
        thread::sleep(POLL_INTERVAL);
    }
}

/// How many polls in a row make a state settled.
const SETTLED_POLLS: u32 = 3;
/// The pause between two polls.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
