//! Workspace-level tests of avrokit (in `tests/`), and the tricky schema corpus compiled
//! into Rust.
//!
//! `build.rs` generates `corpus/tricky/` (and the sink corpus `corpus/sql/ok/`) with
//! `avrokit_codegen::Generator` in its single-file layout, exactly as a downstream
//! `build.rs` would; compiling this crate proves the generated code compiles, and the
//! tests use its types.
//!
//! # Offline tests and stack tests
//!
//! A test file in `tests/tests/` whose name starts with `stack_` needs the running stack
//! (Kafka, the schema registry, Kafka Connect, PostgreSQL: `cargo xtask stack up`); every
//! other file runs offline. Without a stack a `stack_` test prints
//! `SKIPPED <test>: <why>; run it with ...` and passes; when `cargo xtask test` exported
//! the stack's variables, a service that does not answer fails it. The same prefix marks
//! the stack tests of `runtime/cli/tests/`. So:
//!
//! ```text
//! cargo test -p avrokit-tests                     # all; without a stack, stack tests skip
//! cargo test -p avrokit-tests --test 'stack_*'    # the stack tests only (a glob cargo expands)
//! cargo test -p avrokit-tests --test stack_kafka_glue
//! ```
//!
//! The modules below are the stack tests' shared helpers ([`stack_env`],
//! [`stack_registry`], [`kafka_scratch`], [`pg_scratch`], [`psql`], [`stack_python`]) and
//! the registry of every generated type ([`registry`]).
//!
//! # Corpus cases and their expected output
//!
//! Each case of `corpus/` sits beside its expected output, an insta snapshot:
//!
//! | corpus | a case | its expected output |
//! |---|---|---|
//! | `malformed/`, `layout/` | `<case>.avsc`, or a directory `<case>/` of files | `<case>.snap` (the diagnostics) |
//! | `lenient/` | `<case>.avsc` | `<case>.snap` (the warnings), `<case>.strict.snap` (the errors when strict), `<case>.generate.snap` (the generator's refusal, for shapes without a value) |
//! | `malformed-catalog/` | `<case>.toml`, against `catalog-schemas/` | `<case>.snap` |
//! | `sql/` | `refused/` (one case, a directory) | `refused.snap` |
//! | `sql/ok/`, `connect/`, `tricky/` | the directory, generated as one | `snapshots/<generated file>.snap` |
//!
//! The snapshots of what `avro-schemas/` generates, and of the migration steps, are in
//! `tests/snapshots/`. Review changes with `cargo insta review`; `INSTA_UPDATE=no cargo test`
//! fails on a difference without writing anything.

/// The types of `corpus/tricky/`, one module per Avro namespace.
pub mod corpus {
    include!(concat!(env!("OUT_DIR"), "/tricky/tricky.rs"));
}

/// The types of `corpus/sql/ok/`, the sink corpus (one sink per writer over every type
/// it can fill).
pub mod sql_corpus {
    include!(concat!(env!("OUT_DIR"), "/sql/sql.rs"));
}

/// The types of `avro-schemas/` with `string` as `Box<str>` and `bytes` as
/// `bytes::Bytes`.
pub mod seed_box_str_bytes {
    include!(concat!(env!("OUT_DIR"), "/seed_box_str_bytes/seed_box_str_bytes.rs"));
}

/// The types of `avro-schemas/` with `string` as `Arc<str>`.
pub mod seed_arc_str {
    include!(concat!(env!("OUT_DIR"), "/seed_arc_str/seed_arc_str.rs"));
}

/// The types of `corpus/codegen-options/`, configured by its catalog's `[codegen]`
/// table (over the user types of [`codegen_adapters`]).
pub mod codegen_options {
    include!(concat!(env!("OUT_DIR"), "/codegen_options/codegen_options.rs"));
}

/// The types of `corpus/codegen-options/` without configuration.
pub mod codegen_options_plain {
    include!(concat!(
        env!("OUT_DIR"),
        "/codegen_options_plain/codegen_options_plain.rs"
    ));
}

/// The types and topics of `corpus/event-types/`: topics of several event types, each
/// value an enum of them.
pub mod event_types {
    include!(concat!(env!("OUT_DIR"), "/event_types/event_types.rs"));
}

pub mod codegen_adapters;
pub mod kafka_scratch;
pub mod pg_scratch;
pub mod psql;
pub mod registry;
pub mod stack_env;
pub mod stack_python;
pub mod stack_registry;

/// The Rust blocks of `README.md`, compiled and run as doctests
/// (`cargo test --doc -p avrokit-tests`), so the README's examples stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
