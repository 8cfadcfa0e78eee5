//! Workspace-level tests of avrokit (in `tests/`), and the tricky schema corpus compiled
//! into Rust.
//!
//! `build.rs` generates `corpus/tricky/` (and the sink corpus `corpus/sql/ok/`) with `avrokit_codegen::Generator` in its
//! single-file layout, exactly as a downstream `build.rs` would; compiling this crate
//! proves the generated code compiles, and the tests use its types.

/// The types of `corpus/tricky/`, one module per Avro namespace.
pub mod corpus {
    include!(concat!(env!("OUT_DIR"), "/tricky/tricky.rs"));
}

/// The types of `corpus/sql/ok/`, the sink corpus (one sink per writer over every type
/// it can fill).
pub mod sql_corpus {
    include!(concat!(env!("OUT_DIR"), "/sql/sql.rs"));
}

pub mod kafka_scratch;
pub mod pg_scratch;
pub mod psql;
pub mod registry;
pub mod stack_env;
pub mod stack_registry;
