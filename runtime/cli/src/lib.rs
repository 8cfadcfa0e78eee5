//! # avrokit-cli
//!
//! The `avrokit` command, as a library: every subcommand is a module here with a public
//! argument struct (the clap flags, each also an environment variable where it names a
//! service) and a `run` function returning the process's [`ExitCode`], so a team's own
//! `xtask` or build tooling can call exactly what the command runs.
//!
//! ```no_run
//! use avrokit_cli::generate::GenArgs;
//! // What `avrokit gen` does with no flags, from a repository that follows the
//! // conventions (`avro-schemas/` with its `catalog.toml`, output in `generated/`).
//! let code = avrokit_cli::generate::run(&GenArgs::default())?;
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! | command | module | needs |
//! |---|---|---|
//! | `gen` | [`generate`] | the schema directory |
//! | `compat` | [`compat`] | git history, or a registry |
//! | `docs` | [`docs`] | the schema directory (and git for the history) |
//! | `lint` | [`lint`] | the schema directory (and its catalog's `[lint]`) |
//! | `register` | [`register`] | a registry |
//! | `topics apply\|plan` | `topics` (feature `kafka`) | Kafka |
//! | `connect deploy\|status\|delete\|validate` | [`connect`] | Kafka Connect |
//! | `lag` | `lag` (feature `kafka`) | Kafka |
//! | `consume`, `produce` | `console` (feature `kafka`) | Kafka and a registry |
//! | `migrate` | `migrate` (feature `postgres`) | PostgreSQL |
//! | `avro tojson\|fromjson\|fingerprint\|canonical` | [`avro`] | nothing |
//! | `idl2schemata` | [`idl`] | `.avdl` files |
//! | `stack up\|down\|status\|env` | [`stack`] | Java 17, Maven, PostgreSQL binaries |
//!
//! Every service address comes from a flag, else its environment variable
//! (`SCHEMA_REGISTRY_URL`, `KAFKA_BOOTSTRAP_SERVERS`, `KAFKA_CONNECT_URL`,
//! `DATABASE_URL`, as `avrokit stack env` prints them), else the dev stack of the current
//! repository when it runs ([`endpoints`]). So is every path: `--schemas`
//! (`AVROKIT_SCHEMAS`), `--catalog` (`AVROKIT_CATALOG`) and `--out` (`AVROKIT_OUT`)
//! ([`schema_dir`]).
//!
//! Output: `--format json` on `compat`, `register`, `topics plan|apply`, `connect status`,
//! `lag`, `migrate` and `stack status` prints one JSON document on stdout ([`output`]; each
//! flag's help names its fields); progress on long work (the stack's first fetch, topic
//! changes, waiting for connectors, migrations) goes to stderr.
//!
//! Exit codes, for every command: **0** success, **1** a finding (an incompatible schema,
//! a stale generated file, a failed connector, a changed migration, a lint error), **2** a
//! usage or environment error (bad flags, an unreachable or refusing service, input that
//! does not load), printed as one `error: ...` line on stderr.
//!
//! Features: `kafka` (default; implies `registry`) brings librdkafka for `topics`, `lag`,
//! `consume` and `produce`; `registry` the registry client for `register` and `compat
//! --registry`; `postgres` (default) tokio-postgres for `migrate`. Without any of them the
//! crate builds neither librdkafka, an HTTP/TLS stack for the registry nor a PostgreSQL
//! client: `gen`, `compat` (against git), `connect`, `avro` and `stack` remain.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod avro;
pub mod compat;
pub mod connect;
#[cfg(feature = "kafka")]
pub mod console;
pub mod docs;
pub mod endpoints;
pub mod generate;
pub mod idl;
#[cfg(feature = "kafka")]
pub mod lag;
pub mod lint;
#[cfg(feature = "postgres")]
pub mod migrate;
pub mod output;
#[cfg(feature = "registry")]
pub mod register;
mod rustfmt;
pub mod schema_dir;
pub mod stack;
#[cfg(feature = "kafka")]
pub mod topics;

pub use std::process::ExitCode;

/// Exit status 1: the command ran and found something (incompatible, stale, failed).
pub const FINDING: u8 = 1;
/// Exit status 2: the command could not run (usage, unreachable service, bad input).
pub const ERROR: u8 = 2;
