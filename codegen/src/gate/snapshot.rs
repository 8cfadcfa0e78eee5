//! One state of the schema directory, loaded: every `.avsc` file together (types refer
//! to each other across files) and the topic catalog beside them. States come from the
//! working tree or from a commit's tree in git.

use super::Error;
use super::git::{Repo, TreeFile};
use crate::catalog::{self, Catalog};
use crate::ir::SchemaSet;
use crate::source::SourceFile;
use crate::{Diagnostics, LoadOptions, SchemaLayout};
use std::collections::HashMap;

/// Where the schemas and their catalog are: in git, paths from the repository root with
/// `/` separators; in the working tree, paths as given.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The schema directory.
    pub dir: String,
    /// The topic catalog (by default `catalog.toml` in `dir`; it need not exist).
    pub catalog: String,
}

impl Layout {
    /// The paths git commands are limited to: the directory, and the catalog when it
    /// lies outside it.
    pub fn git_paths(&self) -> Vec<&str> {
        let mut paths = vec![self.dir.as_str()];
        if !self.catalog.starts_with(&format!("{}/", self.dir)) {
            paths.push(&self.catalog);
        }
        paths
    }
}

/// The loader options `cargo xtask gen` (and `avrokit gen --one-type-per-file`) use, so a
/// state loads here exactly when it generates there.
pub fn load_options() -> LoadOptions {
    LoadOptions::default().with_layout(SchemaLayout::OneTypePerFile)
}

/// A loaded state of the schema directory.
pub struct Snapshot {
    /// The files and their types.
    pub set: SchemaSet,
    /// The topic catalog, when the directory has a `catalog.toml`.
    pub catalog: Option<Catalog>,
}

/// Whether a path in the schema directory is a schema file: `.avsc` JSON or Avro IDL
/// (`.avdl`), which the loader reads alike.
fn is_schema_path(path: &str) -> bool {
    path.ends_with(".avsc") || path.ends_with(".avdl")
}

/// The files of one state, not loaded yet: `.avsc` and `.avdl` files (sorted by path) and the
/// catalog's text, paths relative to the repository root.
#[derive(Clone, Default)]
pub struct Files {
    /// The `.avsc` and `.avdl` files.
    pub schemas: Vec<SourceFile>,
    /// `catalog.toml`, if present.
    pub catalog: Option<SourceFile>,
}

impl Files {
    /// The files of `layout` in a git tree (listed with [`Layout::git_paths`]), from `blobs`.
    pub fn from_tree(tree: &[TreeFile], layout: &Layout, blobs: &HashMap<String, String>) -> Files {
        let mut files = Files::default();
        for file in tree {
            let Some(text) = blobs.get(&file.blob) else { continue };
            if file.path == layout.catalog {
                files.catalog = Some(SourceFile::new(&file.path, text.clone()));
            } else if is_schema_path(&file.path) {
                files.schemas.push(SourceFile::new(&file.path, text.clone()));
            }
        }
        files.schemas.sort_by(|a, b| a.path().cmp(b.path()));
        files
    }

    /// The blobs [`Files::from_tree`] needs.
    pub fn wanted<'a>(tree: &'a [TreeFile], layout: &'a Layout) -> impl Iterator<Item = &'a str> {
        tree.iter()
            .filter(|f| is_schema_path(&f.path) || f.path == layout.catalog)
            .map(|f| f.blob.as_str())
    }

    /// Loads the schemas, then the catalog against them.
    pub fn load(self) -> Result<Snapshot, Diagnostics> {
        let set = crate::load_files(self.schemas, &load_options())?;
        let catalog = self
            .catalog
            .map(|file| catalog::parse_catalog(file, &set))
            .transpose()?;
        Ok(Snapshot { set, catalog })
    }
}

/// The files of `layout` at `commit`, read from git objects.
pub fn files_at(repo: &Repo, commit: &str, layout: &Layout) -> Result<Files, Error> {
    let tree = repo.tree(commit, &layout.git_paths())?;
    let blobs = repo.read_blobs(Files::wanted(&tree, layout))?;
    Ok(Files::from_tree(&tree, layout, &blobs))
}

/// The files of `layout` in the working tree (its paths relative to the current
/// directory, so paths in messages read as a person would type them).
pub fn working_files(layout: &Layout) -> Result<Files, Error> {
    let mut files = Files::default();
    let mut pending = vec![std::path::PathBuf::from(&layout.dir)];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current)
            .map_err(|err| Error::Undecided(format!("cannot read the schema directory {}: {err}", current.display())))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.to_str().is_some_and(is_schema_path) {
                let text = std::fs::read_to_string(&path)?;
                files.schemas.push(SourceFile::new(path, text));
            }
        }
    }
    files.schemas.sort_by(|a, b| a.path().cmp(b.path()));
    let catalog = std::path::Path::new(&layout.catalog);
    if catalog.exists() {
        files.catalog = Some(SourceFile::new(catalog, std::fs::read_to_string(catalog)?));
    }
    Ok(files)
}
