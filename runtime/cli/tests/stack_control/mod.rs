//! Stopping and starting one service of the running stack from a fault test, with a
//! guard that starts it again even when an assertion fails first, so the tests that
//! follow never find the stack without it.

#![allow(dead_code)] // Each test file uses its own part.

use std::process::Command;

/// `avrokit stack ARGS`; its stderr (where the stack reports), or the failure.
pub fn stack(args: &[&str]) -> Result<String, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .arg("stack")
        .args(args)
        .output()
        .map_err(|e| format!("running avrokit stack {args:?}: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok(stderr)
    } else {
        Err(format!("avrokit stack {args:?} failed ({}): {stderr}", output.status))
    }
}

/// A stopped service, started again by [`Restart::now`] or, failing that, on drop.
pub struct Restart {
    service: &'static str,
    done: bool,
    /// What `stack stop` reported (it says `stopped <service>` when it stopped one).
    pub stopped: String,
}

impl Restart {
    /// Stops `service` (`schema-registry`, `kafka`, ...).
    pub fn stop(service: &'static str) -> Result<Restart, String> {
        let stopped = stack(&["stop", service])?;
        // Nothing stopped (not the native stack's process): nothing to start again.
        let done = !stopped.contains(&format!("stopped {service}"));
        Ok(Restart { service, done, stopped })
    }

    /// Whether `stop` stopped a process (Docker's, say, it cannot).
    pub fn was_stopped(&self) -> bool {
        !self.done
    }

    /// Starts it again and waits until it is healthy.
    pub fn now(&mut self) {
        self.done = true;
        stack(&["start", self.service]).unwrap();
    }
}

impl Drop for Restart {
    fn drop(&mut self) {
        if !self.done {
            let _ = stack(&["start", self.service]);
        }
    }
}
