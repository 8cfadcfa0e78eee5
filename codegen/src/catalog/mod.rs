//! The topic catalog: which topics exist, what they carry and how they are configured.
//!
//! It lives beside the schemas as `catalog.toml` (format in README.md) and names, per
//! topic: key and value types, partitions, replication, retention by time and size,
//! cleanup policy, compression, minimum in-sync replicas, per-environment overrides, the
//! subject compatibility mode and an optional PostgreSQL sink. Loading checks it against
//! the [`SchemaSet`](crate::ir::SchemaSet), with every problem located in the file.
//!
//! [`load_catalog`] (or [`parse_catalog`] for text in memory) returns a [`Catalog`]:
//!
//! ```
//! use avrokit_codegen::catalog::{KeyFormat, parse_catalog};
//! use avrokit_codegen::{LoadOptions, load_files, source::SourceFile};
//!
//! let schema = r#"{"type":"record","name":"Placed","namespace":"orders","fields":[{"name":"id","type":"long"}]}"#;
//! let schemas = load_files(vec![SourceFile::new("placed.avsc", schema)], &LoadOptions::default())
//!     .map_err(|diagnostics| diagnostics.to_string())?;
//! let text = "[topics.\"orders.placed\"]\nkey = \"string\"\nkey_format = \"raw\"\nvalue = \"orders.Placed\"\npartitions = 6\n";
//! let catalog = parse_catalog(SourceFile::new("catalog.toml", text), &schemas)
//!     .map_err(|diagnostics| diagnostics.to_string())?;
//! let topic = &catalog.topics[0];
//! assert_eq!((topic.key_format, topic.settings.partitions), (KeyFormat::Raw, 6));
//! assert_eq!(topic.value_subject(), "orders.placed-value");
//! # Ok::<(), String>(())
//! ```
//!
//! Inside, each file has one job: `raw` is the file as written (every value with its
//! span), `load` reads and parses it, `check` applies every rule and builds the model
//! (`model`, re-exported here), `names` holds Kafka's and Connect's naming rules, `units`
//! reads `7d` and `100GiB`, and `connect` the `[connect]` table.

mod check;
mod connect;
mod load;
mod model;
mod names;
mod raw;
mod tombstones;
pub(crate) mod toml_error;
mod units;
mod value_types;

pub use avrokit_schema::sql::{Index, Sink, SinkWriter};
pub use avrokit_schema::{Compatibility, KeyFormat};
pub use connect::{
    AvroConverter, ConnectSettings, DATABASE_PASSWORD_VAR, DATABASE_URL_VAR, DATABASE_USER_VAR, REGISTRY_URL_VAR,
};
pub use load::{load_catalog, parse_catalog};
pub use model::{Catalog, CleanupPolicy, Compression, Topic, TopicSettings};
pub(crate) use names::connector_name_problem;
