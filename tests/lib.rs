//! Workspace-level tests of avrokit (in `tests/`), and the tricky schema corpus compiled
//! into Rust.
//!
//! `build.rs` generates `corpus/tricky/` with `avrokit_codegen::Generator` in its
//! single-file layout, exactly as a downstream `build.rs` would; compiling this crate
//! proves the generated code compiles, and the tests use its types.

/// The types of `corpus/tricky/`, one module per Avro namespace.
pub mod corpus {
    include!(concat!(env!("OUT_DIR"), "/tricky.rs"));
}

pub mod registry;
pub mod stack_env;
pub mod stack_registry;
