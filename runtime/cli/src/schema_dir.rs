//! A schema directory and its `catalog.toml`, loaded the way `cargo xtask gen` loads
//! them (one named type per file), for the tasks that work from the catalog.

use avrokit_codegen::ir::SchemaSet;
#[cfg(feature = "registry")]
use {
    avrokit_codegen::catalog::{Catalog, load_catalog},
    avrokit_codegen::{LoadOptions, load_dir},
    std::path::Path,
};

/// The schemas of `dir` and its catalog, or every problem, as an error to print.
#[cfg(feature = "registry")]
pub fn load(dir: &Path) -> anyhow::Result<(SchemaSet, Catalog)> {
    let set = load_dir(
        dir,
        &LoadOptions::default().with_layout(avrokit_codegen::SchemaLayout::OneTypePerFile),
    )
    .map_err(|diagnostics| anyhow::anyhow!("the schemas do not load:\n{diagnostics}"))?;
    let path = dir.join("catalog.toml");
    let catalog = load_catalog(&path, &set)
        .map_err(|diagnostics| anyhow::anyhow!("{} does not load:\n{diagnostics}", path.display()))?;
    Ok((set, catalog))
}

/// The catalog's entry for `topic`, with the schemas it names, when `dir` has a
/// `catalog.toml` (`None` when it has none or does not list the topic).
#[cfg(feature = "kafka")]
pub fn catalog_topic(dir: &Path, topic: &str) -> anyhow::Result<Option<(SchemaSet, avrokit_codegen::catalog::Topic)>> {
    if !dir.join("catalog.toml").is_file() {
        return Ok(None);
    }
    let (set, catalog) = load(dir)?;
    Ok(catalog.topics.into_iter().find(|t| t.name == topic).map(|t| (set, t)))
}

/// The self-contained schema of `schema` (a type of `set`), as the runtime reads it.
pub fn runtime_schema(set: &SchemaSet, schema: &avrokit_codegen::ir::Schema) -> anyhow::Result<avrokit::Schema> {
    let json = avrokit_codegen::schema_json::to_json(set, schema);
    avrokit::Schema::parse(&json).map_err(|err| anyhow::anyhow!("the schema does not load:\n{err}"))
}
