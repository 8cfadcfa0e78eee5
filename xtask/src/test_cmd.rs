//! `cargo xtask test`: the whole test suite, as CI runs it.

use crate::workspace;
use avrokit_cli::stack;
use clap::Args;
use std::process::{Command, ExitCode};

/// Arguments of `cargo xtask test`.
#[derive(Args)]
pub struct TestArgs {
    /// Do not start the native stack (`cargo xtask stack up`) around the tests; the
    /// end-to-end tests then skip themselves and say so.
    #[arg(long)]
    no_stack: bool,
}

/// One step of the suite: a name and a cargo command line.
struct Step {
    name: &'static str,
    args: &'static [&'static str],
}

const STEPS: &[Step] = &[
    // First: it takes a second and answers the question a schema change raises, before
    // minutes of builds. On main itself the merge base is HEAD and it says so.
    Step {
        name: "schemas compatible with main",
        args: &["xtask", "compat", "--against-merge-base", "main"],
    },
    Step {
        name: "format",
        args: &["fmt", "--all", "--", "--check"],
    },
    // Seconds, like the format check: the schemas against the lint rules.
    Step {
        name: "lint",
        args: &["xtask", "lint"],
    },
    Step {
        name: "clippy",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    },
    Step {
        name: "tests",
        args: &["test", "--workspace", "--all-features"],
    },
    Step {
        name: "docs",
        args: &["doc", "--workspace", "--no-deps", "--all-features"],
    },
    Step {
        name: "generated code is current",
        args: &["xtask", "gen", "--check"],
    },
    Step {
        name: "fastavro vectors are current",
        args: &["xtask", "vectors", "--check"],
    },
    Step {
        name: "compat reference verdicts are current",
        args: &["xtask", "compat", "vectors", "--check"],
    },
];

pub fn run(args: TestArgs) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut failed = Vec::new();
    for step in STEPS {
        // The tests run against the real stack; the guard stops it even when they fail.
        let stack = if step.name == "tests" && !args.no_stack {
            println!("==> stack: cargo xtask stack up");
            stack::StackGuard::up()
                .inspect_err(|err| {
                    println!("==> stack FAILED: {err:#}");
                    failed.push("stack");
                })
                .ok()
        } else {
            None
        };
        println!("==> {}: cargo {}", step.name, step.args.join(" "));
        let status = Command::new(&cargo)
            .args(step.args)
            .current_dir(&root)
            .env("RUSTDOCFLAGS", "-D warnings")
            .envs(stack.iter().flat_map(|s| s.env()))
            .status()?;
        drop(stack);
        if !status.success() {
            println!("==> {} FAILED", step.name);
            failed.push(step.name);
        }
    }
    if failed.is_empty() {
        println!("==> all steps passed");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("==> failed: {}", failed.join(", "));
        Ok(ExitCode::FAILURE)
    }
}
