//! Loading the schema a derive names, through avrokit-codegen's loader, with a cache:
//! a crate with a thousand derived types over one schema directory loads it once, and
//! again only when one of its `.avsc` files changes.

use crate::attrs::ContainerAttrs;
use crate::cache::{Cache, Sources, Stamp, Tracked};
use avrokit_schema::ir::{NamedKind, Schema, SchemaSet, TypeId};
use avrokit_schema::source::SourceFile;
use avrokit_schema::{LoadOptions, load_files};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use syn::LitStr;

/// The schema of one derived type.
pub struct Loaded {
    /// Every named type of the files loaded with it.
    pub set: Arc<SchemaSet>,
    /// The derived type's schema, in `set`.
    pub root: Schema,
    /// The schema files `set` was read from, with the stamps they had then.
    sources: Arc<Sources>,
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
    /// has tracked yet, in the version this derive read. Cargo rebuilds a whole crate when
    /// any tracked file changes, so tracking each file once per crate suffices; tracking
    /// every reachable file in every derive made a crate of a thousand types embed
    /// hundreds of thousands of copies.
    pub fn untracked_files(&self) -> Vec<PathBuf> {
        static TRACKED: OnceLock<Tracked> = OnceLock::new();
        // The key includes the crate: a long-lived proc-macro server (rust-analyzer)
        // expands several crates in one process.
        let krate = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()
            + "#"
            + &std::env::var("CARGO_CRATE_NAME").unwrap_or_default();
        self.untracked_in(TRACKED.get_or_init(Tracked::default), &krate)
    }

    // "Already tracked" has to mean "tracked in this version": in a long-lived server an
    // edited file brings a new compilation of the crate, and if the file counted as tracked
    // from the last one, no derive of the new expansion would name it and the output would
    // no longer depend on it. Keyed by the stamp it was read at, the first derive to read
    // the new version tracks it again. (A rustc process is one compilation and starts empty.)
    fn untracked_in(&self, tracked: &Tracked, krate: &str) -> Vec<PathBuf> {
        let files = self.files().into_iter().map(|file| {
            let stamp = self.sources.get(&file).copied();
            (file, stamp)
        });
        tracked.untracked(krate, files)
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

/// The `.avsc` and `.avdl` files under `dir` (subdirectories included, links followed) with their
/// stamps, read from metadata alone: every derive checks its cached directory this way,
/// so only the entries that may be schemas or directories cost a `stat`.
fn avsc_sources(dir: &Path) -> Result<Sources, String> {
    let mut out = Sources::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| format!("cannot read {}: {e}", current.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let path = entry.path();
            let file_type = entry
                .file_type()
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            if file_type.is_dir() {
                pending.push(path);
                continue;
            }
            // `.avdl` (Avro IDL) files are schema files too: the loader reads both.
            let is_avsc = path.extension().is_some_and(|e| e == "avsc" || e == "avdl");
            if !is_avsc && !file_type.is_symlink() {
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(metadata) if metadata.is_dir() => pending.push(path),
                Ok(metadata) if is_avsc => {
                    out.insert(path, Stamp::of(&metadata));
                }
                Err(e) if is_avsc => return Err(format!("cannot read {}: {e}", path.display())),
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The text of every file of `sources`, in path order. The stamps were taken before these
/// reads, so a file written in between looks changed at the next check and is read again;
/// the other order could pair a new stamp with the old text for good.
fn read_sources(sources: &Sources) -> Result<Vec<SourceFile>, String> {
    sources
        .keys()
        .map(|path| {
            std::fs::read_to_string(path)
                .map(|text| SourceFile::new(path.clone(), text))
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        })
        .collect()
}

/// Schema sets by directory (absolute), each with the `.avsc` files it was loaded from.
type DirCache = Cache<Arc<SchemaSet>>;

/// The process's [`DirCache`]: it lives as long as the compiler or the proc-macro server.
fn dir_cache() -> &'static DirCache {
    static CACHE: OnceLock<DirCache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn load_dir_cached(dir: &Path, span: &LitStr) -> syn::Result<(Arc<SchemaSet>, Arc<Sources>)> {
    load_dir(dir_cache(), dir, span)
}

fn load_dir(cache: &DirCache, dir: &Path, span: &LitStr) -> syn::Result<(Arc<SchemaSet>, Arc<Sources>)> {
    let error = |message: String| syn::Error::new(span.span(), message);
    let current = avsc_sources(dir).map_err(error)?;
    cache.get_or_load(dir, current, |sources| {
        let files = read_sources(sources).map_err(error)?;
        // The loader's diagnostics are located in the files (FILE:LINE:COLUMN and the
        // line); any file of the directory can be the broken one, so say which directory
        // was loaded.
        load_files(files, &LoadOptions::default())
            .map(Arc::new)
            .map_err(|d| error(format!("the schemas in {} do not load:\n{d}", dir.display())))
    })
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
            let (set, sources) = load_dir_cached(&dir, lit)?;
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
            Ok(Loaded { set, root, sources })
        }
        (None, Some(json), _) => {
            let (sources, mut files) = match &dir {
                Some((dir, lit)) => {
                    let error = |e| syn::Error::new(lit.span(), e);
                    let sources = avsc_sources(dir).map_err(error)?;
                    let files = read_sources(&sources).map_err(error)?;
                    (sources, files)
                }
                None => (Sources::new(), Vec::new()),
            };
            files.push(SourceFile::new(format!("<inline schema of {ident}>"), json.value()));
            let set = load_files(files, &LoadOptions::default())
                .map_err(|d| syn::Error::new(json.span(), format!("the schema does not load:\n{d}")))?;
            let root = set.roots.last().cloned().unwrap_or(Schema::Null);
            Ok(Loaded {
                set: Arc::new(set),
                root,
                sources: Arc::new(sources),
            })
        }
        (None, None, Some(name)) => {
            let Some((dir, lit)) = dir else {
                return Err(syn::Error::new(
                    name.span(),
                    "`name` needs `schema_dir` to say where the type is defined",
                ));
            };
            let (set, sources) = load_dir_cached(&dir, lit)?;
            let root = named(&set, name)?;
            Ok(Loaded { set, root, sources })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A fresh directory under the system's temporary directory, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("avrokit-macros-{}-{n}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            // Canonical, as `resolve` makes the directories derives name.
            Self(std::fs::canonicalize(dir).unwrap())
        }

        fn write(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, text).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn record(name: &str, field: &str) -> String {
        format!(
            r#"{{"type": "record", "name": "{name}", "namespace": "t", "fields": [{{"name": "{field}", "type": "int"}}]}}"#
        )
    }

    fn lit(text: &str) -> LitStr {
        LitStr::new(text, proc_macro2::Span::call_site())
    }

    fn load(cache: &DirCache, dir: &TempDir) -> (Arc<SchemaSet>, Arc<Sources>) {
        load_dir(cache, &dir.0, &lit("schemas")).unwrap_or_else(|e| panic!("{e}"))
    }

    fn field_names(set: &SchemaSet, name: &str) -> Vec<String> {
        let id = set.lookup(name).unwrap_or_else(|| panic!("no type {name}"));
        match &set.get(id).kind {
            NamedKind::Record(record) => record.fields.iter().map(|f| f.name.clone()).collect(),
            _ => panic!("{name} is not a record"),
        }
    }

    fn bump_mtime(path: &Path) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        let modified = file.metadata().unwrap().modified().unwrap();
        file.set_modified(modified + Duration::from_secs(5)).unwrap();
    }

    #[test]
    fn an_unchanged_directory_is_read_and_parsed_once() {
        let dir = TempDir::new("unchanged");
        dir.write("a.avsc", &record("A", "x"));
        let cache = DirCache::default();
        let (first, _) = load(&cache, &dir);
        for _ in 0..100 {
            let (again, _) = load(&cache, &dir);
            assert!(Arc::ptr_eq(&first, &again));
        }
        assert_eq!(cache.loads(), 1);
    }

    #[test]
    fn an_edit_that_changes_the_length_is_seen() {
        let dir = TempDir::new("length");
        dir.write("a.avsc", &record("A", "x"));
        let cache = DirCache::default();
        assert_eq!(field_names(&load(&cache, &dir).0, "t.A"), ["x"]);
        dir.write("a.avsc", &record("A", "longer"));
        assert_eq!(field_names(&load(&cache, &dir).0, "t.A"), ["longer"]);
        assert_eq!(field_names(&load(&cache, &dir).0, "t.A"), ["longer"]);
        assert_eq!(cache.loads(), 2);
    }

    #[test]
    fn an_edit_of_the_same_length_with_a_new_mtime_is_seen() {
        let dir = TempDir::new("mtime");
        let path = dir.write("a.avsc", &record("A", "x"));
        let cache = DirCache::default();
        assert_eq!(field_names(&load(&cache, &dir).0, "t.A"), ["x"]);
        dir.write("a.avsc", &record("A", "y"));
        bump_mtime(&path);
        assert_eq!(field_names(&load(&cache, &dir).0, "t.A"), ["y"]);
        assert_eq!(cache.loads(), 2);
    }

    #[test]
    fn a_file_added_to_or_removed_from_the_directory_is_seen() {
        let dir = TempDir::new("added");
        dir.write("a.avsc", &record("A", "x"));
        let cache = DirCache::default();
        assert!(load(&cache, &dir).0.lookup("t.B").is_none());
        std::fs::create_dir(dir.0.join("sub")).unwrap();
        let added = dir.write("sub/b.avsc", &record("B", "y"));
        let (set, sources) = load(&cache, &dir);
        assert_eq!(field_names(&set, "t.B"), ["y"]);
        assert!(sources.contains_key(&added));
        std::fs::remove_file(&added).unwrap();
        assert!(load(&cache, &dir).0.lookup("t.B").is_none());
        // Files that are not schemas are not sources.
        dir.write("notes.txt", "not a schema");
        load(&cache, &dir);
        assert_eq!(cache.loads(), 3);
    }

    #[test]
    fn a_derive_sees_the_edited_file_through_the_process_cache() {
        let dir = TempDir::new("derive");
        let path = dir.write("a.avsc", &record("A", "x"));
        let attrs = ContainerAttrs {
            schema: Some(lit(path.to_str().unwrap())),
            ..ContainerAttrs::default()
        };
        let ident = syn::Ident::new("A", proc_macro2::Span::call_site());
        let fields = || {
            let loaded = super::load(&attrs, &ident).unwrap_or_else(|e| panic!("{e}"));
            let Schema::Named(id) = loaded.root else {
                panic!("not named")
            };
            field_names(&loaded.set, &loaded.set.get(id).name.to_string())
        };
        assert_eq!(fields(), ["x"]);
        dir.write("a.avsc", &record("A", "y"));
        bump_mtime(&path);
        assert_eq!(fields(), ["y"]);
    }

    #[test]
    fn a_changed_file_is_tracked_again_in_the_same_crate() {
        let dir = TempDir::new("tracked");
        let a = dir.write("a.avsc", &record("A", "x"));
        let cache = DirCache::default();
        let tracked = Tracked::default();
        let loaded = || {
            let (set, sources) = load(&cache, &dir);
            let root = Schema::Named(set.lookup("t.A").unwrap());
            Loaded { set, root, sources }
        };
        // One compilation of the crate: the first derive tracks the file, the next do not.
        assert_eq!(loaded().untracked_in(&tracked, "crate"), std::slice::from_ref(&a));
        assert!(loaded().untracked_in(&tracked, "crate").is_empty());
        // The file is edited and the same server compiles the crate again.
        dir.write("a.avsc", &record("A", "y"));
        bump_mtime(&a);
        assert_eq!(loaded().untracked_in(&tracked, "crate"), std::slice::from_ref(&a));
        assert!(loaded().untracked_in(&tracked, "crate").is_empty());
    }
}
