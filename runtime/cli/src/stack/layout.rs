//! Where the stack keeps its files, all under one directory: `$AVROKIT_STACK_DIR`, else
//! `target/stack/` of the repository (the git top level of the current directory, else
//! the current directory itself), so each repository has its own stack.
//!
//! ```text
//! target/stack/
//!   recipe/     the Maven project that fetches the jars (written from the binary)
//!   cache/      jars the recipe fetched (kept across `down`; delete to refetch)
//!   data/<svc>  each service's data (removed by `down`)
//!   run/        pid files, generated configs, the port offset (removed by `down`)
//!   logs/<svc>.log
//!   stack.env   KEY=VALUE lines for clients (removed by `down`)
//!   venv/       the smoke test's Python environment
//! ```

use super::topology::Service;
use std::path::{Path, PathBuf};

/// The variable that moves the stack's directory.
pub const STACK_DIR_VAR: &str = "AVROKIT_STACK_DIR";

/// Paths of the stack's files.
#[derive(Clone, Debug)]
pub struct Layout {
    base: PathBuf,
}

impl Layout {
    /// The stack of the current repository: `$AVROKIT_STACK_DIR`, else `target/stack` of
    /// the git top level (else of the current directory).
    pub fn current() -> Layout {
        if let Some(dir) = std::env::var_os(STACK_DIR_VAR).filter(|d| !d.is_empty()) {
            return Layout::at(PathBuf::from(dir));
        }
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let top = std::process::Command::new("git")
            .args(["rev-parse", "--show-toplevel"])
            .current_dir(&cwd)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
            .unwrap_or(cwd);
        Layout::new(&top)
    }

    /// The stack of the repository at `root`: `root/target/stack`.
    pub fn new(root: &Path) -> Layout {
        // A git worktree may link its `target/` to the main checkout's: resolved, both
        // name one stack, so either can recognise (and stop) the processes the other began.
        let target = root.join("target");
        let target = target.canonicalize().unwrap_or(target);
        Layout::at(target.join("stack"))
    }

    /// The stack whose files are all under `base`.
    pub fn at(base: PathBuf) -> Layout {
        Layout { base }
    }

    /// `target/stack`: every path of the stack lives below it.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// The Maven project that fetches the jars (its root pom; modules beside it).
    pub fn fetch_pom(&self) -> PathBuf {
        self.base.join("recipe").join("pom.xml")
    }

    /// Fetched jars and distributions.
    pub fn cache(&self) -> PathBuf {
        self.base.join("cache")
    }

    /// The classpath directory of the Kafka broker and the Connect worker.
    pub fn kafka_libs(&self) -> PathBuf {
        self.cache().join("kafka-libs")
    }

    /// Connect's `plugin.path` (one subdirectory per plugin).
    pub fn connect_plugins(&self) -> PathBuf {
        self.cache().join("connect-plugins")
    }

    /// The unpacked Apicurio Registry distribution.
    pub fn apicurio(&self) -> PathBuf {
        self.cache().join("apicurio")
    }

    /// Data directory of `service`.
    pub fn data(&self, service: Service) -> PathBuf {
        self.base.join("data").join(service.name())
    }

    /// Parent of every data directory.
    pub fn data_root(&self) -> PathBuf {
        self.base.join("data")
    }

    /// Pid files and generated configuration.
    pub fn run(&self) -> PathBuf {
        self.base.join("run")
    }

    /// The pid file of `service`.
    pub fn pid_file(&self, service: Service) -> PathBuf {
        self.run().join(format!("{}.pid", service.name()))
    }

    /// The file holding the running stack's port offset.
    pub fn port_offset_file(&self) -> PathBuf {
        self.run().join("port-offset")
    }

    /// The directory of every service's log.
    pub fn logs(&self) -> PathBuf {
        self.base.join("logs")
    }

    /// The log of `service` (stdout and stderr of its process).
    pub fn log(&self, service: Service) -> PathBuf {
        self.logs().join(format!("{}.log", service.name()))
    }

    /// The client environment file that `stack up` writes.
    pub fn env_file(&self) -> PathBuf {
        self.base.join("stack.env")
    }
}
