//! Generated files: writing them only when their content changes, and checking that a
//! directory is up to date.

use std::io;
use std::path::{Path, PathBuf};

/// One generated file: a path relative to the output directory, and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output directory.
    pub path: PathBuf,
    /// The full content.
    pub contents: String,
}

impl GeneratedFile {
    /// A file at `path` (relative) with `contents`.
    pub fn new(path: impl Into<PathBuf>, contents: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// How a directory differs from what would be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    /// The file should exist and does not.
    Missing(PathBuf),
    /// The file exists with other content.
    Changed(PathBuf),
    /// The file exists but would not be generated (a removed schema or namespace).
    Extra(PathBuf),
}

impl std::fmt::Display for Staleness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Staleness::Missing(p) => write!(f, "missing:  {}", p.display()),
            Staleness::Changed(p) => write!(f, "changed:  {}", p.display()),
            Staleness::Extra(p) => write!(f, "obsolete: {}", p.display()),
        }
    }
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files created or rewritten.
    pub written: usize,
    /// Files already up to date (left untouched, so their timestamps do not change and
    /// nothing rebuilds).
    pub unchanged: usize,
    /// Obsolete files removed.
    pub removed: usize,
}

/// Writes `files` under `dir`, touching only files whose content changed, and removes
/// files under `dir` with one of `owned_extensions` that are not among them.
pub(crate) fn write_files(dir: &Path, files: &[GeneratedFile], owned_extensions: &[&str]) -> io::Result<WriteSummary> {
    let mut summary = WriteSummary::default();
    for file in files {
        let path = dir.join(&file.path);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == file.contents) {
            summary.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &file.contents)?;
        summary.written += 1;
    }
    for extra in extra_files(dir, files, owned_extensions)? {
        std::fs::remove_file(dir.join(&extra))?;
        summary.removed += 1;
    }
    Ok(summary)
}

/// Every difference between `dir` and `files`, without writing anything.
pub(crate) fn check_files(
    dir: &Path,
    files: &[GeneratedFile],
    owned_extensions: &[&str],
) -> io::Result<Vec<Staleness>> {
    let mut stale = Vec::new();
    for file in files {
        match std::fs::read_to_string(dir.join(&file.path)) {
            Ok(old) if old == file.contents => {}
            Ok(_) => stale.push(Staleness::Changed(file.path.clone())),
            Err(err) if err.kind() == io::ErrorKind::NotFound => stale.push(Staleness::Missing(file.path.clone())),
            Err(err) => return Err(err),
        }
    }
    stale.extend(
        extra_files(dir, files, owned_extensions)?
            .into_iter()
            .map(Staleness::Extra),
    );
    Ok(stale)
}

fn extra_files(dir: &Path, files: &[GeneratedFile], owned_extensions: &[&str]) -> io::Result<Vec<PathBuf>> {
    let mut extra = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let entries = match std::fs::read_dir(dir.join(&relative)) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err),
        };
        for entry in entries {
            let entry = entry?;
            let path = relative.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|ext| owned_extensions.iter().any(|owned| ext == *owned))
                && !files.iter().any(|f| f.path == path)
            {
                extra.push(path);
            }
        }
    }
    extra.sort();
    Ok(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_changes_and_reports_staleness() {
        let dir = std::env::temp_dir().join(format!("avrokit-output-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = vec![GeneratedFile::new("lib.rs", "a"), GeneratedFile::new("x/y.rs", "b")];
        assert_eq!(write_files(&dir, &files, &["rs"]).unwrap().written, 2);
        assert!(check_files(&dir, &files, &["rs"]).unwrap().is_empty());
        std::fs::write(dir.join("old.rs"), "stale").unwrap();
        std::fs::write(dir.join("notes.txt"), "kept").unwrap();
        let changed = vec![GeneratedFile::new("lib.rs", "a2"), GeneratedFile::new("x/y.rs", "b")];
        assert_eq!(
            check_files(&dir, &changed, &["rs"]).unwrap(),
            vec![Staleness::Changed("lib.rs".into()), Staleness::Extra("old.rs".into())]
        );
        let summary = write_files(&dir, &changed, &["rs"]).unwrap();
        assert_eq!((summary.written, summary.unchanged, summary.removed), (1, 1, 1));
        assert!(dir.join("notes.txt").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
