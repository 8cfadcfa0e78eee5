//! # avrokit-schema
//!
//! The schema model every other avrokit crate shares: `.avsc` JSON or Avro IDL (`.avdl`,
//! see [`idl`]) loaded into one
//! intermediate representation ([`ir::SchemaSet`]) whose every type, field and default
//! knows where it was written, so any problem is a [`Diagnostic`] with file, line and
//! column.
//!
//! ```
//! use avrokit_schema::{LoadOptions, load_files, source::SourceFile};
//!
//! let text = r#"{"type":"record","name":"Ping","namespace":"demo","fields":[{"name":"at","type":"long"}]}"#;
//! let set = load_files(vec![SourceFile::new("ping.avsc", text)], &LoadOptions::default())
//!     .map_err(|diagnostics| diagnostics.to_string())?;
//! let ping = set.lookup("demo.Ping").expect("the root is named");
//! assert_eq!(set.get(ping).name.to_string(), "demo.Ping");
//! assert_eq!(
//!     avrokit_schema::canonical::parsing_canonical_form(&set, &set.roots[0]),
//!     r#"{"name":"demo.Ping","type":"record","fields":[{"name":"at","type":"long"}]}"#
//! );
//! # Ok::<(), String>(())
//! ```
//!
//! The runtime (`avrokit`) reads writer schemas with it, the derive (`avrokit-macros`)
//! checks structs against it, and the code generator (`avrokit-codegen`) emits from it,
//! so all three agree on names, defaults and resolution. Beside the schemas it holds the
//! two models derived from them that both generation and the runtime need: the Rust
//! names of Avro names ([`rust_names`]) and a sink's PostgreSQL table ([`sql`]), plus the
//! registry's [`Compatibility`] levels and a topic's [`KeyFormat`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod canonical;
mod compatibility;
pub mod diagnostic;
pub mod idl;
pub mod ir;
pub mod json;
mod key_format;
pub mod load;
pub mod rust_names;
pub mod schema_json;
pub mod source;
pub mod sql;
pub mod subject;

pub use compatibility::Compatibility;
pub use diagnostic::{Diagnostic, Diagnostics, Severity, Strictness, did_you_mean};
pub use key_format::KeyFormat;
pub use load::{LoadOptions, SchemaLayout, load_dir, load_files, schema_files};
