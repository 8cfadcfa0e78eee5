//! A graceful-shutdown handle: whoever holds a clone can ask a consumer to stop after the
//! batch in flight; `on_signals` asks on SIGINT or SIGTERM (what
//! process supervisors and Kubernetes send before killing).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

/// Asks a consumer to stop; cheap to clone, shared by every clone.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    state: Arc<State>,
}

#[derive(Debug, Default)]
struct State {
    triggered: AtomicBool,
    notify: Notify,
}

impl Shutdown {
    /// A handle nobody has triggered yet.
    pub fn new() -> Shutdown {
        Shutdown::default()
    }

    /// Asks every holder to stop.
    pub fn trigger(&self) {
        self.state.triggered.store(true, Ordering::SeqCst);
        self.state.notify.notify_waiters();
    }

    /// Whether it was triggered.
    pub fn is_triggered(&self) -> bool {
        self.state.triggered.load(Ordering::SeqCst)
    }

    /// Completes once triggered (at once if it already was).
    pub async fn triggered(&self) {
        // Registered before the flag is read, so a trigger in between is not missed.
        let notified = self.state.notify.notified();
        if self.is_triggered() {
            return;
        }
        notified.await;
    }

    /// Triggers on SIGINT (Ctrl-C) or SIGTERM; spawns a task on the current tokio runtime.
    pub fn on_signals(&self) -> std::io::Result<()> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        let handle = self.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            handle.trigger();
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_trigger_reaches_every_clone_waiting_or_not() {
        let shutdown = Shutdown::new();
        let waiter = shutdown.clone();
        let task = tokio::spawn(async move { waiter.triggered().await });
        tokio::task::yield_now().await;
        assert!(!shutdown.is_triggered());
        shutdown.trigger();
        task.await.unwrap();
        // Already triggered: returns at once.
        shutdown.clone().triggered().await;
        assert!(shutdown.is_triggered());
    }
}
