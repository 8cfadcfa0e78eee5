//! Loading a catalog: reading `catalog.toml`, parsing its TOML into the [`raw`](super::raw)
//! tables (every value with its span), and handing them to the [`check`](super::check)er,
//! which turns them into a [`Catalog`] or every problem found.

use super::Catalog;
use super::raw::RawCatalog;
use super::{check, toml_error};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::SchemaSet;
use crate::source::SourceFile;
use std::path::Path;

/// Loads `path` and checks it against `schemas`.
pub fn load_catalog(path: &Path, schemas: &SchemaSet) -> Result<Catalog, Diagnostics> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| Diagnostic::file(path, format!("cannot read the topic catalog: {err}")))?;
    parse_catalog(SourceFile::new(path, text), schemas)
}

/// Parses and checks a catalog already in memory.
pub fn parse_catalog(file: SourceFile, schemas: &SchemaSet) -> Result<Catalog, Diagnostics> {
    let raw: RawCatalog = toml::from_str(file.text()).map_err(|err| toml_error::diagnostic(&file, &err))?;
    check::catalog(&file, &raw, schemas)
}
