//! [`Generator`]: the library entry point, for `cargo xtask gen`, the `avrokit` CLI and
//! downstream `build.rs` files alike.

use crate::Strictness;
use crate::catalog::{Catalog, load_catalog};
use crate::diagnostic::Diagnostics;
use crate::ir::SchemaSet;
use crate::load::{LoadOptions, SchemaLayout, load_dir};
use crate::output::{GeneratedFile, Staleness, WriteSummary, check_files, write_files};
use crate::rust::{BytesType, CodegenConfig, Layout, RustOptions, StringType};
use std::io;
use std::path::{Path, PathBuf};

/// Configures and runs code generation.
///
/// In a `build.rs`:
///
/// ```no_run
/// // build.rs of a crate that depends on `avrokit` (and `avrokit-codegen` as a
/// // build-dependency); the types land in OUT_DIR/avro.rs.
/// let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
/// let generated = avrokit_codegen::Generator::new("avro-schemas")
///     .single_file("avro.rs")
///     .generate()
///     .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
/// generated.write_rust(&out).unwrap();
/// generated.print_rerun_if_changed();
/// // src/lib.rs: include!(concat!(env!("OUT_DIR"), "/avro.rs"));
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    schema_dir: PathBuf,
    catalog: Option<PathBuf>,
    migrations: Option<PathBuf>,
    load: LoadOptions,
    rust: RustOptions,
    /// A file whose `[codegen]` table is read (beside the catalog's).
    codegen_file: Option<PathBuf>,
    /// The string and bytes types chosen here, over any file's.
    string_type: Option<StringType>,
    bytes_type: Option<BytesType>,
}

/// Everything one run produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The loaded schemas.
    pub schemas: SchemaSet,
    /// The loaded catalog, if one was configured.
    pub catalog: Option<Catalog>,
    /// The Rust source files, relative to the output directory.
    pub rust: Vec<GeneratedFile>,
    /// The sink DDL, one `<table>.sql` per catalog sink (none without a catalog), and
    /// with [`Generator::migrations`] the migrations directory as it must be after this
    /// run, under `migrations/`.
    pub sql: Vec<GeneratedFile>,
    /// The connector JSON, `<environment>/<connector>.json` per connector sink.
    pub connect: Vec<GeneratedFile>,
    catalog_path: Option<PathBuf>,
    schema_dir: PathBuf,
}

impl Generator {
    /// A generator for the `.avsc` files under `schema_dir`, with default options: files
    /// per module with `lib.rs` at the root, serde derives behind the feature `serde`, no
    /// catalog, no layout rule.
    pub fn new(schema_dir: impl Into<PathBuf>) -> Self {
        Self {
            schema_dir: schema_dir.into(),
            catalog: None,
            migrations: None,
            load: LoadOptions::default(),
            rust: RustOptions::default(),
            codegen_file: None,
            string_type: None,
            bytes_type: None,
        }
    }

    /// Also load and check a topic catalog.
    pub fn catalog(mut self, path: impl Into<PathBuf>) -> Self {
        self.catalog = Some(path.into());
        self
    }

    /// Keep numbered migrations of the sink tables in `dir` (with the catalog): the ones
    /// there are read and kept as they are, and a sink table that changed since the shapes
    /// locked in `tables.lock.json` gets a new one (`NNNN_<table>_<what>.sql`), or the
    /// change is refused at the field when the table cannot follow it. The directory is
    /// normally [`MIGRATIONS_DIR`](crate::sql::MIGRATIONS_DIR) under the directory
    /// [`Generated::write_sql`] writes to.
    pub fn migrations(mut self, dir: impl Into<PathBuf>) -> Self {
        self.migrations = Some(dir.into());
        self
    }

    /// How the schema files must be laid out ([`SchemaLayout::OneTypePerFile`]: one named
    /// type per file, named after the type); by default any layout loads.
    pub fn schema_layout(mut self, layout: SchemaLayout) -> Self {
        self.load.layout = layout;
        self
    }

    /// [`Strictness::Strict`]: refuse, as errors, what the loader would only warn about
    /// (a logical type that does not fit its underlying type, a record that never ends);
    /// see [`LoadOptions::strictness`].
    pub fn strictness(mut self, strictness: Strictness) -> Self {
        self.load.strictness = strictness;
        self
    }

    /// The cargo feature that enables serde derives on the generated types; `None` emits
    /// no serde attributes.
    pub fn serde_feature(mut self, feature: Option<&str>) -> Self {
        self.rust.serde_feature = feature.map(str::to_owned);
        self
    }

    /// Write one file with inline modules (for `include!`) instead of a file per module.
    pub fn single_file(mut self, file: impl Into<String>) -> Self {
        self.rust.layout = Layout::SingleFile { file: file.into() };
        self
    }

    /// The name of the root module's file in the files-per-module layout (default `lib.rs`).
    pub fn root_file(mut self, file: impl Into<String>) -> Self {
        self.rust.layout = Layout::Files { root_file: file.into() };
        self
    }

    /// Derive `avrokit::AvroMessage` (direct codecs) on every generated type; the derive
    /// reads the schemas from `schema_dir`, a path relative to the manifest directory of
    /// the crate that compiles the generated code.
    pub fn derive_codecs(mut self, schema_dir: impl Into<String>) -> Self {
        self.rust.derive_schema_dir = Some(schema_dir.into());
        self
    }

    /// Read the `[codegen]` table of `path` (a TOML file holding just that table); the
    /// catalog's `[codegen]` table is read without this. Settings given to the builder
    /// apply over the files'.
    pub fn codegen_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.codegen_file = Some(path.into());
        self
    }

    /// The generated code's configuration: string and bytes types, overrides, extra
    /// derives and attributes ([`CodegenConfig`]), over what the files say.
    pub fn codegen(mut self, config: CodegenConfig) -> Self {
        self.rust.codegen.merge(config);
        self
    }

    /// The Rust type of `string` values (default `String`), over the files' choice.
    pub fn string_type(mut self, string_type: StringType) -> Self {
        self.string_type = Some(string_type);
        self
    }

    /// The Rust type of `bytes` values (default `Vec<u8>`), over the files' choice.
    pub fn bytes_type(mut self, bytes_type: BytesType) -> Self {
        self.bytes_type = Some(bytes_type);
        self
    }

    /// Derive `derive` (a path: `PartialOrd`, `schemars::JsonSchema`) on every type.
    pub fn derive(mut self, derive: impl Into<String>) -> Self {
        self.rust.codegen.derives.push(derive.into());
        self
    }

    /// Put the outer attribute `attribute` (`#[non_exhaustive]`) on every type.
    pub fn attribute(mut self, attribute: impl Into<String>) -> Self {
        self.rust.codegen.attributes.push(attribute.into());
        self
    }

    /// Fields whose type is the named type `full_name` hold `rust_type` instead, an
    /// `avrokit::AvroAdapter` over the generated type.
    pub fn type_override(mut self, full_name: &str, rust_type: impl Into<String>) -> Self {
        self.rust.codegen.type_settings(full_name).rust_type = Some(rust_type.into());
        self
    }

    /// Field `field` of record `record` holds `rust_type`, an `avrokit::AvroAdapter` over
    /// the field's natural type.
    pub fn field_override(mut self, record: &str, field: &str, rust_type: impl Into<String>) -> Self {
        self.rust.codegen.field_type(record, field, rust_type);
        self
    }

    /// Values of the custom `logicalType` `name` are `rust_type`, an
    /// `avrokit::AvroAdapter` over the underlying type's Rust type.
    pub fn logical_type(mut self, name: &str, rust_type: impl Into<String>) -> Self {
        self.rust.codegen.logical_type(name, rust_type);
        self
    }

    /// The doc comment of the root module.
    pub fn root_doc(mut self, doc: impl Into<String>) -> Self {
        self.rust.root_doc = doc.into();
        self
    }

    /// Loads, checks and generates. All problems come back together, located.
    pub fn generate(&self) -> Result<Generated, Diagnostics> {
        let schemas = load_dir(&self.schema_dir, &self.load)?;
        let catalog = match &self.catalog {
            Some(path) => Some(load_catalog(path, &schemas)?),
            None => None,
        };
        // The files' settings first, the builder's over them.
        let mut codegen = CodegenConfig::default();
        for path in self.catalog.iter().chain(&self.codegen_file) {
            codegen.merge(CodegenConfig::load(path)?);
        }
        codegen.merge(self.rust.codegen.clone());
        codegen.string_type = self.string_type.unwrap_or(codegen.string_type);
        codegen.bytes_type = self.bytes_type.unwrap_or(codegen.bytes_type);
        let rust_options = RustOptions {
            codegen,
            ..self.rust.clone()
        };
        let rust = match &catalog {
            Some(catalog) => crate::rust::generate_with_topics(&schemas, &rust_options, catalog)?,
            None => crate::rust::generate(&schemas, &rust_options)?,
        };
        let existing = match &self.migrations {
            Some(dir) => Some(
                crate::sql::migrations::Existing::read(dir)
                    .map_err(|e| crate::Diagnostic::file(dir, format!("cannot read the migrations directory: {e}")))?,
            ),
            None => None,
        };
        let sql = match &catalog {
            Some(catalog) => crate::sql::generate(&schemas, catalog, existing.as_ref())?,
            None => Vec::new(),
        };
        let connect = match &catalog {
            Some(catalog) => crate::connect::generate(catalog)?,
            None => Vec::new(),
        };
        Ok(Generated {
            schemas,
            catalog,
            rust,
            sql,
            connect,
            catalog_path: self.catalog.clone(),
            schema_dir: self.schema_dir.clone(),
        })
    }
}

impl Generated {
    /// Writes the Rust files under `dir`, touching only changed files and removing `.rs`
    /// files that are no longer generated.
    pub fn write_rust(&self, dir: &Path) -> io::Result<WriteSummary> {
        write_files(dir, &self.rust, &["rs"])
    }

    /// How `dir` differs from the Rust files this run would write.
    pub fn check_rust(&self, dir: &Path) -> io::Result<Vec<Staleness>> {
        check_files(dir, &self.rust, &["rs"])
    }

    /// Writes the sink DDL (and migrations) under `dir`, touching only changed files and
    /// removing `.sql` and `.json` files that are no longer generated. Existing migrations
    /// are among the files as they were read, so they are never touched.
    pub fn write_sql(&self, dir: &Path) -> io::Result<WriteSummary> {
        write_files(dir, &self.sql, &["sql", "json"])
    }

    /// How `dir` differs from the sink DDL (and migrations) this run would write.
    pub fn check_sql(&self, dir: &Path) -> io::Result<Vec<Staleness>> {
        check_files(dir, &self.sql, &["sql", "json"])
    }

    /// Writes the connector JSON under `dir`, touching only changed files and removing
    /// `.json` files that are no longer generated.
    pub fn write_connect(&self, dir: &Path) -> io::Result<WriteSummary> {
        write_files(dir, &self.connect, &["json"])
    }

    /// How `dir` differs from the connector JSON this run would write.
    pub fn check_connect(&self, dir: &Path) -> io::Result<Vec<Staleness>> {
        check_files(dir, &self.connect, &["json"])
    }

    /// Prints `cargo:rerun-if-changed` for the schema directory, every schema file and
    /// the catalog, so a `build.rs` reruns exactly when an input changes.
    pub fn print_rerun_if_changed(&self) {
        println!("cargo:rerun-if-changed={}", self.schema_dir.display());
        for file in &self.schemas.files {
            println!("cargo:rerun-if-changed={}", file.path().display());
        }
        if let Some(catalog) = &self.catalog_path {
            println!("cargo:rerun-if-changed={}", catalog.display());
        }
    }
}
