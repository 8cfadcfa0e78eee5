//! A stack that lives as long as a value: `cargo xtask test` holds one around the tests.

use super::topology::client_env;
use super::{Stack, UpArgs, down, up};

/// Brings the stack up on creation and down on drop, unless it was already up (a
/// developer's running stack is left alone).
pub struct StackGuard {
    stack: Stack,
    started: bool,
}

impl StackGuard {
    /// Starts the stack if it is not up yet.
    pub fn up() -> anyhow::Result<StackGuard> {
        let args = UpArgs::default();
        let stack = Stack::open(args.port_offset)?;
        let started = !up::all_running(&stack.layout);
        up::up(&stack)?;
        Ok(StackGuard { stack, started })
    }

    /// The client environment (`KAFKA_BOOTSTRAP_SERVERS`, ...) to export to test processes.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        client_env(self.stack.ports)
    }
}

impl Drop for StackGuard {
    fn drop(&mut self) {
        if self.started
            && let Err(err) = down::down(&self.stack)
        {
            eprintln!("stack: stopping the stack failed: {err:#}");
        }
    }
}
