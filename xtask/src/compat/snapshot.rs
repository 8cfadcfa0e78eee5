//! One state of the schema directory, loaded: every `.avsc` file together (types refer
//! to each other across files) and the topic catalog beside them. States come from the
//! working tree or from a commit's tree in git.

use super::git::{Repo, TreeFile};
use avrokit_codegen::catalog::{self, Catalog};
use avrokit_codegen::ir::SchemaSet;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{Diagnostics, LoadOptions};
use std::collections::HashMap;

/// The loader options `cargo xtask gen` uses, so a state loads here exactly when it
/// generates there.
pub fn load_options() -> LoadOptions {
    LoadOptions {
        one_type_per_file: true,
    }
}

/// A loaded state of the schema directory.
pub struct Snapshot {
    /// The files and their types.
    pub set: SchemaSet,
    /// The topic catalog, when the directory has a `catalog.toml`.
    pub catalog: Option<Catalog>,
}

/// The files of one state, not loaded yet: `.avsc` files (sorted by path) and the
/// catalog's text, paths relative to the repository root.
#[derive(Clone, Default)]
pub struct Files {
    /// The `.avsc` files.
    pub schemas: Vec<SourceFile>,
    /// `catalog.toml`, if present.
    pub catalog: Option<SourceFile>,
}

impl Files {
    /// The files of `dir` (relative to the repository root) in a git tree, from `blobs`.
    pub fn from_tree(tree: &[TreeFile], dir: &str, blobs: &HashMap<String, String>) -> Files {
        let catalog_path = format!("{dir}/catalog.toml");
        let mut files = Files::default();
        for file in tree {
            let Some(text) = blobs.get(&file.blob) else { continue };
            if file.path == catalog_path {
                files.catalog = Some(SourceFile::new(&file.path, text.clone()));
            } else if file.path.ends_with(".avsc") {
                files.schemas.push(SourceFile::new(&file.path, text.clone()));
            }
        }
        files.schemas.sort_by(|a, b| a.path().cmp(b.path()));
        files
    }

    /// The blobs [`Files::from_tree`] needs.
    pub fn wanted(tree: &[TreeFile]) -> impl Iterator<Item = &str> {
        tree.iter()
            .filter(|f| f.path.ends_with(".avsc") || f.path.ends_with("/catalog.toml"))
            .map(|f| f.blob.as_str())
    }

    /// Loads the schemas, then the catalog against them.
    pub fn load(self) -> Result<Snapshot, Diagnostics> {
        let set = avrokit_codegen::load_files(self.schemas, &load_options())?;
        let catalog = self
            .catalog
            .map(|file| catalog::parse_catalog(file, &set))
            .transpose()?;
        Ok(Snapshot { set, catalog })
    }
}

/// The files of `dir` at `commit`, read from git objects.
pub fn files_at(repo: &Repo, commit: &str, dir: &str) -> anyhow::Result<Files> {
    let tree = repo.tree(commit, dir)?;
    let blobs = repo.read_blobs(Files::wanted(&tree))?;
    Ok(Files::from_tree(&tree, dir, &blobs))
}

/// The files of `dir` in the working tree (`dir` relative to the repository root, which
/// is the current directory, so paths read as a person would type them).
pub fn working_files(dir: &str) -> anyhow::Result<Files> {
    let mut files = Files::default();
    let mut pending = vec![std::path::PathBuf::from(dir)];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current)
            .map_err(|err| anyhow::anyhow!("cannot read the schema directory {}: {err}", current.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "avsc") {
                let text = std::fs::read_to_string(&path)?;
                files.schemas.push(SourceFile::new(path, text));
            }
        }
    }
    files.schemas.sort_by(|a, b| a.path().cmp(b.path()));
    let catalog = std::path::Path::new(dir).join("catalog.toml");
    if catalog.exists() {
        files.catalog = Some(SourceFile::new(&catalog, std::fs::read_to_string(&catalog)?));
    }
    Ok(files)
}
