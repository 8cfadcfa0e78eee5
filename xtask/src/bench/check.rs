//! `cargo check` time of generated code: a throwaway crate around each generator's output,
//! with its dependencies checked beforehand so that only the generated code is timed.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A throwaway crate whose `src/` holds generated code (with `src/lib.rs` as its root).
pub struct ThrowawayCrate {
    /// The crate's directory.
    pub dir: PathBuf,
    /// The package name.
    pub name: &'static str,
    /// The body of its `[dependencies]` table.
    pub dependencies: String,
    /// The body of its `[features]` table.
    pub features: &'static str,
    /// A lock file to start from when the crate has none yet (the workspace's, so the
    /// runtime's dependencies resolve to the versions the workspace tests, offline).
    pub seed_lock: Option<PathBuf>,
}

/// What a timed check found.
pub struct CheckResult {
    /// Wall time of `cargo check` on the generated code alone.
    pub time: Duration,
    /// Warnings rustc reported on the generated code.
    pub warnings: usize,
}

impl ThrowawayCrate {
    /// Checks the crate's dependencies (with an empty library, untimed), then times
    /// `cargo check` of the library with the generated code, without incremental state,
    /// in `target_dir`.
    pub fn time_check(&self, target_dir: &Path) -> anyhow::Result<CheckResult> {
        if let Some(lock) = &self.seed_lock {
            let own = self.dir.join("Cargo.lock");
            if !own.exists() {
                std::fs::copy(lock, own)?;
            }
        }
        // Same package, same dependencies, another library root: switching the root
        // rebuilds only this package, so the timed run below measures the generated code
        // plus cargo's fixed start-up cost (resolution, fingerprints), nothing else.
        std::fs::write(
            self.dir.join("warm.rs"),
            "//! Empty root: only the dependencies get checked.\n",
        )?;
        self.write_manifest("warm.rs")?;
        let warm = self.cargo_check(target_dir)?;
        if !warm.status.success() {
            bail!(
                "checking the dependencies of {} failed:\n{}",
                self.dir.display(),
                String::from_utf8_lossy(&warm.stderr)
            );
        }
        self.write_manifest("src/lib.rs")?;
        let start = Instant::now();
        let output = self.cargo_check(target_dir)?;
        let time = start.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            let errors: Vec<&str> = stderr.lines().filter(|line| line.contains("error")).take(40).collect();
            bail!("`cargo check` of {} failed:\n{}", self.dir.display(), errors.join("\n"));
        }
        let warnings = stderr.lines().filter(|line| line.contains(": warning: ")).count();
        Ok(CheckResult { time, warnings })
    }

    fn write_manifest(&self, lib_path: &str) -> anyhow::Result<()> {
        // The empty `[workspace]` keeps cargo from adopting this crate into avrokit's
        // workspace, which it sits under (in target/).
        let manifest = format!(
            "# Written by `cargo xtask bench gen`; throwaway.\n[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[lib]\npath = \"{lib_path}\"\n\n[dependencies]\n{}\n[features]\n{}\n[workspace]\n",
            self.name, self.dependencies, self.features
        );
        std::fs::write(self.dir.join("Cargo.toml"), manifest)?;
        Ok(())
    }

    fn cargo_check(&self, target_dir: &Path) -> anyhow::Result<Output> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        Command::new(cargo)
            .args(["check", "--lib", "--message-format", "short"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", target_dir)
            // Incremental state from an earlier bench run would make the check cheaper
            // than what a fresh checkout sees.
            .env("CARGO_INCREMENTAL", "0")
            .output()
            .with_context(|| format!("cannot run cargo check in {}", self.dir.display()))
    }
}
