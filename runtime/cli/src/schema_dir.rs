//! A schema directory and its `catalog.toml`, loaded the way `cargo xtask gen` loads
//! them (one named type per file), for the tasks that work from the catalog.

use avrokit_codegen::catalog::{Catalog, load_catalog};
use avrokit_codegen::ir::SchemaSet;
use avrokit_codegen::{LoadOptions, load_dir};
use std::path::Path;

/// The schemas of `dir` and its catalog, or every problem, as an error to print.
pub fn load(dir: &Path) -> anyhow::Result<(SchemaSet, Catalog)> {
    let set = load_dir(
        dir,
        &LoadOptions {
            one_type_per_file: true,
        },
    )
    .map_err(|diagnostics| anyhow::anyhow!("the schemas do not load:\n{diagnostics}"))?;
    let path = dir.join("catalog.toml");
    let catalog = load_catalog(&path, &set)
        .map_err(|diagnostics| anyhow::anyhow!("{} does not load:\n{diagnostics}", path.display()))?;
    Ok((set, catalog))
}
