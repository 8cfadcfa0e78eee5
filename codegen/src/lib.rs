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

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "catalog")]
pub mod catalog;
#[cfg(feature = "catalog")]
pub mod compat;
#[cfg(feature = "catalog")]
pub mod connect;
#[cfg(feature = "gate")]
pub mod gate;
#[cfg(feature = "lint")]
pub mod lint;
#[cfg(all(feature = "rust", feature = "catalog"))]
mod generator;
#[cfg(any(feature = "rust", feature = "catalog"))]
pub mod output;
#[cfg(feature = "rust")]
pub mod rust;
#[cfg(feature = "catalog")]
pub mod sql;

// The schema model moved to `avrokit-schema`; its modules stay reachable here, so
// generation code and users of this crate name them as before.
pub use avrokit_schema::{
    Compatibility, Diagnostic, Diagnostics, KeyFormat, LoadOptions, canonical, diagnostic, ir, json, load, load_dir,
    load_files, rust_names, schema_json, source,
};
#[cfg(all(feature = "rust", feature = "catalog"))]
pub use generator::{Generated, Generator};
