//! # avrokit-codegen
//!
//! The schema compiler of avrokit. It loads a directory of `.avsc` files (and the topic
//! catalog beside them) into one intermediate representation, [`ir::SchemaSet`], and
//! emits artifacts from it; each backend is a pure function of the IR.
//!
//! ```no_run
//! let generated = avrokit_codegen::Generator::new("avro-schemas")
//!     .catalog("avro-schemas/catalog.toml")
//!     .generate()
//!     .map_err(|diagnostics| diagnostics.to_string())?;
//! generated.write_rust("generated/src".as_ref())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every problem in the input is a [`Diagnostic`] with file, line and column; loading
//! reports all of them at once as [`Diagnostics`].
//!
//! # The public surface
//!
//! * [`Generator`] and [`Generated`]: load, check and generate the Rust types, the sink
//!   DDL and migrations and the connector JSON of a schema directory, then write or check
//!   them ([`output`]). The Rust backend itself is private: the generator's builder
//!   methods are its options.
//! * The schema model of `avrokit-schema`, re-exported whole: [`load_dir`] and
//!   [`load_files`] with [`LoadOptions`], and the modules [`ir`], [`diagnostic`],
//!   [`source`], [`canonical`], [`schema_json`], [`json`], [`rust_names`] and [`load`].
//! * [`catalog`]: the topic catalog, loaded and checked against a schema set.
//! * [`compat`]: the offline compatibility engine, Java's rules with every problem
//!   located, and the registry's modes.
//! * [`gate`] (feature `gate`): `avrokit compat`'s offline forms, over files and git
//!   history, and the report every form prints.
//! * [`lint`] (feature `lint`): `avrokit lint`'s rules over a schema set, their `[lint]`
//!   configuration and the report.
//! * [`connect`] and [`sql`]: the connector JSON and the sink tables, and the names and
//!   classes other tools need to agree with them.
//! * [`site`]: the static schema catalog site `avrokit docs` writes (pages per topic, type
//!   and sink table, search, a graph, and each type's git history with `gate`).
//!
//! Settings structs ([`LoadOptions`], [`gate::Options`], [`catalog::TopicSettings`],
//! [`catalog::ConnectSettings`]) are `#[non_exhaustive]`: build them from `default()` or
//! `new` and their `with_*` methods, so new settings do not break callers.
//!
//! # Features
//!
//! `catalog` (default): the topic catalog, the compatibility engine and the SQL and
//! Connect backends. `rust` (default, implies `catalog`): the Rust backend and
//! [`Generator`]. `gate` (implies `catalog`): the offline compatibility gate. `lint`
//! (implies `gate`): the schema linter, [`lint`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "catalog")]
pub mod catalog;
#[cfg(feature = "catalog")]
pub mod compat;
#[cfg(feature = "catalog")]
pub mod connect;
#[cfg(feature = "gate")]
pub mod gate;
#[cfg(feature = "rust")]
mod generator;
#[cfg(feature = "lint")]
pub mod lint;
#[cfg(feature = "catalog")]
pub mod output;
#[cfg(feature = "rust")]
mod rust;
#[cfg(feature = "catalog")]
pub mod site;
#[cfg(feature = "catalog")]
pub mod sql;

// The schema model lives in `avrokit-schema`; its modules are reachable here too, so
// generation code and users of this crate need one dependency.
pub use avrokit_schema::{
    Compatibility, Diagnostic, Diagnostics, KeyFormat, LoadOptions, SchemaLayout, Severity, Strictness, canonical,
    diagnostic, did_you_mean, idl, ir, json, load, load_dir, load_files, rust_names, schema_files, schema_json, source,
};
#[cfg(feature = "rust")]
pub use generator::{Generated, Generator};
#[cfg(feature = "rust")]
pub use rust::{BytesType, CodegenConfig, StringType, TypeSettings};
