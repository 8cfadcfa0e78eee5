//! Starting service processes in the background and stopping exactly those, by pid file.
//!
//! A pid is trusted only while `/proc/<pid>/cmdline` still mentions the stack's directory,
//! so a recycled pid is never signalled. Nothing is ever looked up or killed by name.

use super::layout::Layout;
use super::topology::Service;
use anyhow::Context;
use std::fs;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Spawns `cmd` detached (own process group, stdin closed, output to the service's log)
/// and records its pid in the service's pid file.
pub fn start(layout: &Layout, service: Service, mut cmd: Command) -> anyhow::Result<u32> {
    fs::create_dir_all(layout.logs())?;
    fs::create_dir_all(layout.run())?;
    let log_path = layout.log(service);
    let log = fs::File::create(&log_path).with_context(|| format!("creating the log {}", log_path.display()))?;
    let child = cmd
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .process_group(0)
        .spawn()
        .with_context(|| format!("starting {service}: `{}`", cmd.get_program().to_string_lossy()))?;
    let pid = child.id();
    fs::write(layout.pid_file(service), format!("{pid}\n"))
        .with_context(|| format!("writing {}", layout.pid_file(service).display()))?;
    Ok(pid)
}

/// The pid recorded for `service`, if its pid file exists and the process is still ours.
pub fn running_pid(layout: &Layout, service: Service) -> Option<u32> {
    let text = fs::read_to_string(layout.pid_file(service)).ok()?;
    let pid: u32 = text.trim().parse().ok()?;
    (is_alive(pid) && is_ours(layout, pid)).then_some(pid)
}

/// Whether `pid` exists and is not a zombie.
pub fn is_alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name: "pid (comm) S ...".
        Ok(stat) => stat
            .rsplit_once(')')
            .map(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X']))
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// Whether `pid`'s command line mentions this stack's directory (so it is one we started).
fn is_ours(layout: &Layout, pid: u32) -> bool {
    let Ok(raw) = fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
    cmdline.contains(&*layout.base().to_string_lossy())
}

/// Stops the process recorded for `service` (signal `signal`, then SIGKILL after `grace`)
/// and removes its pid file. Returns the pid that was stopped, if any.
pub fn stop(layout: &Layout, service: Service, signal: &str, grace: Duration) -> anyhow::Result<Option<u32>> {
    let pid_file = layout.pid_file(service);
    let Some(pid) = running_pid(layout, service) else {
        let _ = fs::remove_file(&pid_file);
        return Ok(None);
    };
    send(pid, signal)?;
    let deadline = Instant::now() + grace;
    while is_alive(pid) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
    }
    if is_alive(pid) {
        eprintln!(
            "stack: {service} (pid {pid}) ignored SIG{signal} for {} s; sending SIGKILL",
            grace.as_secs()
        );
        send(pid, "KILL")?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while is_alive(pid) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(100));
        }
    }
    let _ = fs::remove_file(&pid_file);
    Ok(Some(pid))
}

fn send(pid: u32, signal: &str) -> anyhow::Result<()> {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status()
        .context("running `kill`")?;
    if !status.success() && is_alive(pid) {
        anyhow::bail!("`kill -{signal} {pid}` failed ({status})");
    }
    Ok(())
}

/// The effective user id of this process (from `/proc/self/status`).
pub fn effective_uid() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}
