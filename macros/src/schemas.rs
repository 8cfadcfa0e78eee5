//! Loading the schema a derive names, through avrokit-codegen's loader, with a cache:
//! a crate with a thousand derived types over one schema directory loads it once.

use crate::attrs::ContainerAttrs;
use avrokit_schema::ir::{NamedKind, Schema, SchemaSet, TypeId};
use avrokit_schema::source::SourceFile;
use avrokit_schema::{LoadOptions, load_files};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use syn::LitStr;

/// The schema of one derived type.
pub struct Loaded {
    pub set: Arc<SchemaSet>,
    pub root: Schema,
}

impl Loaded {
    /// The files whose content the type depends on (its own and those of every named type
    /// it reaches), so the crate rebuilds when one changes.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut pending = Vec::new();
        collect_named(&self.root, &mut pending);
        while let Some(id) = pending.pop() {
            if !seen.insert(id) {
                continue;
            }
            let named = self.set.get(id);
            files.insert(self.set.file(named.origin).path().to_path_buf());
            if let NamedKind::Record(record) = &named.kind {
                for field in &record.fields {
                    collect_named(&field.schema, &mut pending);
                }
            }
        }
        files.into_iter().filter(|p| p.is_absolute()).collect()
    }

    /// The fixed types with a logical type that the root's own definition refers to:
    /// they have no Rust type of their own to carry their definition.
    pub fn logical_fixeds(&self) -> Vec<TypeId> {
        let mut direct = Vec::new();
        match &self.root {
            Schema::Named(id) => {
                if let NamedKind::Record(record) = &self.set.get(*id).kind {
                    for field in &record.fields {
                        collect_named(&field.schema, &mut direct);
                    }
                }
            }
            other => collect_named(other, &mut direct),
        }
        let mut fixeds: Vec<TypeId> = direct
            .into_iter()
            .filter(|id| matches!(&self.set.get(*id).kind, NamedKind::Fixed(f) if f.logical.is_some()))
            .collect();
        fixeds.sort();
        fixeds.dedup();
        fixeds
    }

    /// The files of [`Loaded::files`] that no earlier derive of the crate being compiled
    /// has tracked yet. Cargo rebuilds a whole crate when any tracked file changes, so
    /// tracking each file once per crate suffices; tracking every reachable file in every
    /// derive made a crate of a thousand types embed hundreds of thousands of copies.
    pub fn untracked_files(&self) -> Vec<PathBuf> {
        static TRACKED: OnceLock<Mutex<HashSet<(String, PathBuf)>>> = OnceLock::new();
        // The key includes the crate: a long-lived proc-macro server (rust-analyzer)
        // expands several crates in one process.
        let krate = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()
            + "#"
            + &std::env::var("CARGO_CRATE_NAME").unwrap_or_default();
        let mut tracked = TRACKED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        self.files()
            .into_iter()
            .filter(|file| tracked.insert((krate.clone(), file.clone())))
            .collect()
    }
}

fn collect_named(schema: &Schema, out: &mut Vec<TypeId>) {
    match schema {
        Schema::Named(id) => out.push(*id),
        Schema::Array(inner) | Schema::Map(inner) => collect_named(inner, out),
        Schema::Union(branches) => branches.iter().for_each(|b| collect_named(b, out)),
        _ => {}
    }
}

fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// `relative` under the manifest directory, with symbolic links and `..` resolved as far
/// as the path exists: messages then name the file where it really is, and two spellings
/// of one directory share a cache entry.
fn resolve(base: &Path, relative: &str) -> PathBuf {
    let joined = base.join(relative);
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            return rest.iter().rev().fold(canonical, |path, part| path.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return joined,
        }
    }
}

fn read_avsc_tree(dir: &Path) -> Result<Vec<SourceFile>, String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| format!("cannot read {}: {e}", current.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "avsc") {
                let text =
                    std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                out.push(SourceFile::new(path, text));
            }
        }
    }
    out.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(out)
}

/// Schema sets by directory (absolute), for the life of the compiler process.
fn dir_cache() -> &'static Mutex<HashMap<PathBuf, Arc<SchemaSet>>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<SchemaSet>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn load_dir_cached(dir: &Path, span: &LitStr) -> syn::Result<Arc<SchemaSet>> {
    let mut cache = dir_cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(set) = cache.get(dir) {
        return Ok(set.clone());
    }
    let files = read_avsc_tree(dir).map_err(|e| syn::Error::new(span.span(), e))?;
    // The loader's diagnostics are located in the files (FILE:LINE:COLUMN and the line);
    // any file of the directory can be the broken one, so say which directory was loaded.
    let set = Arc::new(load_files(files, &LoadOptions::default()).map_err(|d| {
        syn::Error::new(
            span.span(),
            format!("the schemas in {} do not load:\n{d}", dir.display()),
        )
    })?);
    cache.insert(dir.to_path_buf(), set.clone());
    Ok(set)
}

/// Loads what the container attributes name.
pub fn load(attrs: &ContainerAttrs, ident: &syn::Ident) -> syn::Result<Loaded> {
    let base = manifest_dir();
    let dir = attrs.schema_dir.as_ref().map(|d| (resolve(&base, &d.value()), d));
    match (&attrs.schema, &attrs.schema_json, &attrs.name) {
        (Some(file), None, _) => {
            let path = resolve(&base, &file.value());
            let (dir, lit) = dir.unwrap_or_else(|| (path.parent().map(Path::to_path_buf).unwrap_or_default(), file));
            if !path.is_file() {
                return Err(syn::Error::new(
                    file.span(),
                    format!(
                        "schema file `{}` not found (paths are relative to the crate's Cargo.toml)",
                        path.display()
                    ),
                ));
            }
            let set = load_dir_cached(&dir, lit)?;
            let index = set.files.iter().position(|f| f.path() == path).ok_or_else(|| {
                syn::Error::new(
                    file.span(),
                    format!("{} is not under the schema directory {}", path.display(), dir.display()),
                )
            })?;
            let root = match &attrs.name {
                Some(name) => named(&set, name)?,
                None => set.roots[index].clone(),
            };
            Ok(Loaded { set, root })
        }
        (None, Some(json), _) => {
            let mut files = match &dir {
                Some((dir, lit)) => read_avsc_tree(dir).map_err(|e| syn::Error::new(lit.span(), e))?,
                None => Vec::new(),
            };
            files.push(SourceFile::new(format!("<inline schema of {ident}>"), json.value()));
            let set = load_files(files, &LoadOptions::default())
                .map_err(|d| syn::Error::new(json.span(), format!("the schema does not load:\n{d}")))?;
            let root = set.roots.last().cloned().unwrap_or(Schema::Null);
            Ok(Loaded {
                set: Arc::new(set),
                root,
            })
        }
        (None, None, Some(name)) => {
            let Some((dir, lit)) = dir else {
                return Err(syn::Error::new(
                    name.span(),
                    "`name` needs `schema_dir` to say where the type is defined",
                ));
            };
            let set = load_dir_cached(&dir, lit)?;
            let root = named(&set, name)?;
            Ok(Loaded { set, root })
        }
        (Some(file), Some(_), _) => Err(syn::Error::new(
            file.span(),
            "give either `schema` or `schema_json`, not both",
        )),
        (None, None, None) => Err(syn::Error::new(
            ident.span(),
            "#[derive(AvroMessage)] needs the schema: #[avro(schema = \"path/to/type.avsc\")] or #[avro(schema_json = \"...\")]",
        )),
    }
}

fn named(set: &SchemaSet, name: &LitStr) -> syn::Result<Schema> {
    set.lookup(&name.value()).map(Schema::Named).ok_or_else(|| {
        syn::Error::new(
            name.span(),
            format!("no type named `{}` in the schema directory", name.value()),
        )
    })
}
