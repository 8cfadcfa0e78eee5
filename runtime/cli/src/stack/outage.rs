//! [`Outage`]: one service of the running stack taken away by a fault test and brought
//! back, also when the test fails first, so the tests that follow (and the other users
//! of a shared stack) never find it missing.

use super::topology::Service;
use super::{Stack, process, service};
use std::time::Duration;

/// A service of the running stack stopped (or killed) for a fault test: started again by
/// [`Outage::end`] or, failing that, when it is dropped.
///
/// ```no_run
/// use avrokit_cli::stack::Outage;
/// let mut outage = Outage::stop("postgres")?;
/// // ... what must survive PostgreSQL's absence ...
/// outage.end()?; // healthy again (on drop otherwise, even after a panic)
/// # Ok::<(), anyhow::Error>(())
/// ```
pub struct Outage {
    stack: Stack,
    service: Service,
    /// The pid stopped; `None` when nothing was running (not the native stack's process,
    /// a Docker container say), and after [`Outage::end`].
    stopped: Option<u32>,
}

impl std::fmt::Debug for Outage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outage")
            .field("service", &self.service.name())
            .field("stopped", &self.stopped)
            .finish()
    }
}

impl Outage {
    /// Stops `service` (`postgres`, `kafka`, `schema-registry`, `connect`) as `avrokit
    /// stack stop` does: a clean shutdown (SIGINT for PostgreSQL, SIGTERM for the JVMs).
    pub fn stop(service: &str) -> anyhow::Result<Outage> {
        let (stack, service) = Self::open(service)?;
        let stopped = service::stop(&stack, service)?;
        Ok(Outage {
            stack,
            service,
            stopped,
        })
    }

    /// Kills `service` with SIGKILL: a crash, no shutdown hook runs.
    pub fn kill(service: &str) -> anyhow::Result<Outage> {
        let (stack, service) = Self::open(service)?;
        let stopped = process::stop(&stack.layout, service, "KILL", Duration::from_secs(5))?;
        if let Some(pid) = stopped {
            eprintln!("stack: killed {service} (pid {pid})");
        }
        Ok(Outage {
            stack,
            service,
            stopped,
        })
    }

    fn open(service: &str) -> anyhow::Result<(Stack, Service)> {
        Ok((Stack::open(None)?, service::parse(service)?))
    }

    /// Whether a process was stopped: `false` when the service was not the native
    /// stack's (nothing here can stop it), so the test cannot run its fault.
    pub fn was_stopped(&self) -> bool {
        self.stopped.is_some()
    }

    /// Starts the service again and waits until it is healthy (a no-op when nothing was
    /// stopped, or it has been started already).
    pub fn end(&mut self) -> anyhow::Result<()> {
        if self.stopped.take().is_some() {
            service::start(&self.stack, self.service)?;
        }
        Ok(())
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        if let Err(error) = self.end() {
            eprintln!("stack: starting {} again failed: {error:#}", self.service);
        }
    }
}
