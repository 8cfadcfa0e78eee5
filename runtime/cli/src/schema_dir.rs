//! The repository's paths every command agrees on — the schema directory, its
//! `catalog.toml` and the generated output — as flags that are also environment
//! variables, and the schema directory loaded the way `avrokit gen` loads it (one named
//! type per file) for the tasks that work from the catalog.

use avrokit_codegen::ir::SchemaSet;
use clap::Args;
use std::path::PathBuf;
#[cfg(feature = "registry")]
use {
    avrokit_codegen::catalog::{Catalog, load_catalog},
    avrokit_codegen::{LoadOptions, load_dir},
};

/// The schema directory's variable (`--schemas`).
pub const SCHEMAS_VAR: &str = "AVROKIT_SCHEMAS";
/// The catalog's variable (`--catalog`).
pub const CATALOG_VAR: &str = "AVROKIT_CATALOG";
/// The generated output's variable (`--out`).
pub const OUT_VAR: &str = "AVROKIT_OUT";
/// The conventional schema directory.
pub const DEFAULT_SCHEMAS: &str = "avro-schemas";
/// The conventional output directory.
pub const DEFAULT_OUT: &str = "generated";

/// The schema directory and its catalog: `--schemas DIR` (or `AVROKIT_SCHEMAS`) and
/// `--catalog FILE` (or `AVROKIT_CATALOG`); shared by every command that reads them.
#[derive(Args, Debug, Clone)]
pub struct SchemaPaths {
    /// The directory of `.avsc` and `.avdl` (Avro IDL) files (searched recursively),
    /// relative to the current directory.
    #[arg(long, env = SCHEMAS_VAR, default_value = DEFAULT_SCHEMAS, value_name = "DIR")]
    pub schemas: PathBuf,
    /// The topic catalog, whose topics give the subjects, their modes and the sinks
    /// [default: SCHEMAS/catalog.toml].
    #[arg(long, env = CATALOG_VAR, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

impl Default for SchemaPaths {
    fn default() -> Self {
        SchemaPaths {
            schemas: PathBuf::from(DEFAULT_SCHEMAS),
            catalog: None,
        }
    }
}

impl SchemaPaths {
    /// The catalog file: `--catalog`, else `SCHEMAS/catalog.toml` (which may not exist).
    pub fn catalog_file(&self) -> PathBuf {
        self.catalog
            .clone()
            .unwrap_or_else(|| self.schemas.join("catalog.toml"))
    }

    /// The catalog file when one was given or the conventional one exists.
    pub fn catalog_if_any(&self) -> Option<PathBuf> {
        self.catalog.clone().or_else(|| {
            let conventional = self.schemas.join("catalog.toml");
            conventional.is_file().then_some(conventional)
        })
    }
}

/// The generated output: `--out DIR` (or `AVROKIT_OUT`); Rust in `OUT/src`, SQL in
/// `OUT/sql`, connectors in `OUT/connect`.
#[derive(Args, Debug, Clone)]
pub struct OutDir {
    /// The generated crate's directory: Rust in OUT/src, SQL DDL and migrations in
    /// OUT/sql, connectors in OUT/connect.
    #[arg(long, env = OUT_VAR, default_value = DEFAULT_OUT, value_name = "DIR")]
    pub out: PathBuf,
}

impl Default for OutDir {
    fn default() -> Self {
        OutDir {
            out: PathBuf::from(DEFAULT_OUT),
        }
    }
}

impl OutDir {
    /// `OUT/sql`: the sink tables' DDL and `migrations/`.
    pub fn sql(&self) -> PathBuf {
        self.out.join("sql")
    }

    /// `OUT/connect`: the connector files, a directory per environment.
    pub fn connect(&self) -> PathBuf {
        self.out.join("connect")
    }
}

/// The schemas of `paths` and its catalog, or every problem, as an error to print.
#[cfg(feature = "registry")]
pub fn load(paths: &SchemaPaths) -> anyhow::Result<(SchemaSet, Catalog)> {
    let dir = &paths.schemas;
    let set = load_dir(
        dir,
        &LoadOptions::default().with_layout(avrokit_codegen::SchemaLayout::OneTypePerFile),
    )
    .map_err(|diagnostics| anyhow::anyhow!("the schemas do not load:\n{diagnostics}"))?;
    let path = paths.catalog_file();
    let catalog = load_catalog(&path, &set)
        .map_err(|diagnostics| anyhow::anyhow!("{} does not load:\n{diagnostics}", path.display()))?;
    Ok((set, catalog))
}

/// The catalog's entry for `topic`, with the schemas it names, when there is a catalog
/// (`None` when there is none or it does not list the topic).
#[cfg(feature = "kafka")]
pub fn catalog_topic(
    paths: &SchemaPaths,
    topic: &str,
) -> anyhow::Result<Option<(SchemaSet, avrokit_codegen::catalog::Topic)>> {
    if !paths.catalog_file().is_file() {
        return Ok(None);
    }
    let (set, catalog) = load(paths)?;
    Ok(catalog.topics.into_iter().find(|t| t.name == topic).map(|t| (set, t)))
}

/// The self-contained schema of `schema` (a type of `set`), as the runtime reads it.
pub fn runtime_schema(set: &SchemaSet, schema: &avrokit_codegen::ir::Schema) -> anyhow::Result<avrokit::Schema> {
    let json = avrokit_codegen::schema_json::to_json(set, schema);
    avrokit::Schema::parse(&json).map_err(|err| anyhow::anyhow!("the schema does not load:\n{err}"))
}
