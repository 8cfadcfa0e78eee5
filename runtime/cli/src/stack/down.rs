//! `stack down`: stop exactly what `stack up` started (pid files), then remove its data.

use super::Stack;
use super::process;
use super::topology::Service;
use anyhow::Context;
use std::fs;
use std::time::Duration;

/// Stops every service (reverse start order) and removes data, pid files and the env file.
/// Logs stay in `target/stack/logs` for a post-mortem.
pub fn down(stack: &Stack) -> anyhow::Result<()> {
    stop_all(stack)?;
    eprintln!("stack: down; logs kept in {}", stack.layout.logs().display());
    Ok(())
}

/// Stops every recorded process and removes the stack's data; used by `down` and by a
/// failed `up`.
pub fn stop_all(stack: &Stack) -> anyhow::Result<()> {
    let layout = &stack.layout;
    let mut errors = Vec::new();
    for service in Service::PROCESSES.iter().rev() {
        // PostgreSQL: SIGINT is its "fast" shutdown; the JVMs run their shutdown hooks on TERM.
        let signal = if *service == Service::Postgres { "INT" } else { "TERM" };
        match process::stop(layout, *service, signal, Duration::from_secs(30)) {
            Ok(Some(pid)) => eprintln!("stack: stopped {service} (pid {pid})"),
            Ok(None) => {}
            Err(err) => errors.push(format!("{service}: {err:#}")),
        }
    }
    if !errors.is_empty() {
        anyhow::bail!("could not stop: {}", errors.join("; "));
    }
    for dir in [layout.data_root(), layout.run()] {
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    let env = layout.env_file();
    if env.exists() {
        fs::remove_file(&env).with_context(|| format!("removing {}", env.display()))?;
    }
    Ok(())
}
