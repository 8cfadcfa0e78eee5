//! The version history of each type, from git: every commit that changed the type's file
//! (following renames), and what each change means for readers under the subject's mode.

use std::collections::BTreeMap;

/// The version history of the types of a schema directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Whether history was read at all (`false`: `--no-history`, or the directory is not in
    /// a git repository); the pages say so instead of showing empty histories.
    pub collected: bool,
    /// Each type's history, by full name.
    pub types: BTreeMap<String, TypeHistory>,
    /// Things worth saying about the history as a whole (a shallow clone, a commit whose
    /// schemas do not load, ...).
    pub notes: Vec<String>,
}

/// The history of one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeHistory {
    /// The type's file, from the repository root.
    pub path: String,
    /// The compatibility mode its changes are judged under.
    pub mode: crate::catalog::Compatibility,
    /// The topic whose mode that is (`None`: no topic reaches the type, and the mode is
    /// the registry's default).
    pub mode_topic: Option<String>,
    /// The commits that changed the file, newest first.
    pub revisions: Vec<Revision>,
}

/// One commit that changed a type's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The commit's object id.
    pub commit: String,
    /// The committer date, ISO 8601.
    pub date: String,
    /// The first line of the commit message.
    pub subject: String,
    /// The file's path in that commit (it differs from [`TypeHistory::path`] before a
    /// rename).
    pub path: String,
    /// What the commit did to the type.
    pub change: Change,
}

/// What a commit did to a type, judged as the Schema Registry would judge registering
/// the type's new version under the subject's mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The first version.
    Added,
    /// The schema changed, and the registry would accept it. Logical-type changes the
    /// registry accepts but that change what values mean are listed.
    Compatible {
        /// `location: message` of each warning.
        warnings: Vec<String>,
    },
    /// The schema changed, and the registry would refuse it.
    Incompatible {
        /// The first messages, `RULE at location: message`.
        messages: Vec<String>,
        /// How many messages there were in all.
        total: usize,
    },
    /// The file changed but the type's schema did not (formatting, another type in it).
    Unchanged,
    /// The schemas of that commit do not load, or the type is not in them.
    Unreadable(String),
}

impl Change {
    /// A short verdict word: `added`, `compatible`, `incompatible`, `unchanged`,
    /// `unreadable`.
    pub fn label(&self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Compatible { .. } => "compatible",
            Change::Incompatible { .. } => "incompatible",
            Change::Unchanged => "unchanged",
            Change::Unreadable(_) => "unreadable",
        }
    }
}

#[cfg(feature = "gate")]
pub use collect::collect_history;

#[cfg(feature = "gate")]
mod collect {
    use super::{Change, History, Revision, TypeHistory};
    use crate::catalog::Catalog;
    use crate::compat::{self, Version};
    use crate::gate::Error;
    use crate::gate::git::{FileCommit, Repo};
    use crate::gate::snapshot::{Files, Layout};
    use crate::ir::{Schema, SchemaSet};
    use crate::{LoadOptions, load_files, schema_json};
    use std::collections::{BTreeMap, BTreeSet, HashMap};
    use std::path::Path;

    /// How many messages of an incompatible change are kept.
    const MESSAGES: usize = 3;

    /// Reads the history of every type of `set` (the schemas of the directory `schemas`,
    /// as loaded from the working tree) from git: for each type's file, the commits of
    /// `git log --follow` up to `HEAD`, each change judged with the compatibility engine
    /// against the type's earlier versions under its subject's mode (from `catalog`: the
    /// strictest mode among the topics that reach the type, else BACKWARD). Each commit's
    /// whole schema directory is loaded, since types refer to each other across files.
    /// Uncommitted changes are not part of the history.
    pub fn collect_history(schemas: &Path, set: &SchemaSet, catalog: Option<&Catalog>) -> Result<History, Error> {
        let repo = Repo::discover(schemas)?;
        let mut history = History {
            collected: true,
            ..History::default()
        };
        if repo.resolve("HEAD")?.is_none() {
            history.notes.push("the repository has no commits yet".into());
            return Ok(history);
        }
        if repo.is_shallow()? {
            history.notes.push(
                "this clone is shallow: versions before its cut are missing (fetch with `git fetch --unshallow`)"
                    .into(),
            );
        }
        let dir = repo.path_of(schemas, "the schema directory")?;
        // Each file's commits.
        let mut logs: BTreeMap<usize, (String, Vec<FileCommit>)> = BTreeMap::new();
        for (index, file) in set.files.iter().enumerate() {
            let Ok(path) = repo.path_of(file.path(), "schema file") else {
                continue;
            };
            let log = repo.file_log("HEAD", &path)?;
            logs.insert(index, (path, log));
        }
        // Every commit's schemas, read through one `git cat-file`: the directory, and the
        // file's own path in that commit when it lay elsewhere before a rename.
        let mut paths: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (_, log) in logs.values() {
            for entry in log {
                paths.entry(&entry.commit).or_default().insert(&entry.path);
            }
        }
        let layout = Layout {
            catalog: format!("{dir}/catalog.toml"),
            dir: dir.clone(),
        };
        let mut trees = Vec::with_capacity(paths.len());
        for (commit, files) in &paths {
            // An empty `dir` is the repository root: the whole tree.
            let mut wanted: Vec<&str> = Vec::new();
            if !dir.is_empty() {
                wanted.push(&dir);
                wanted.extend(files.iter().filter(|f| !f.starts_with(&format!("{dir}/"))));
            }
            trees.push((*commit, repo.tree(commit, &wanted)?));
        }
        let blobs = repo.read_blobs(trees.iter().flat_map(|(_, tree)| Files::wanted(tree, &layout)))?;
        let mut states: HashMap<&str, Result<SchemaSet, String>> = HashMap::new();
        for (commit, tree) in &trees {
            let files = Files::from_tree(tree, &layout, &blobs);
            let loaded = load_files(files.schemas, &LoadOptions::default()).map_err(|diagnostics| {
                let count = diagnostics.0.len();
                format!(
                    "the schemas of this commit do not load ({count} problem{})",
                    if count == 1 { "" } else { "s" }
                )
            });
            states.insert(commit, loaded);
        }

        let modes = crate::site::model::subject_modes(set, catalog);
        for (id, named) in set.iter() {
            let Some((path, log)) = logs.get(&named.origin.file) else {
                continue;
            };
            let is_root = set.roots.get(named.origin.file) == Some(&Schema::Named(id));
            let mut names = vec![named.name.to_string()];
            names.extend(named.aliases.iter().map(ToString::to_string));
            let mode = &modes[&id];
            let mut previous: Vec<(&SchemaSet, Schema, String)> = Vec::new();
            let mut revisions = Vec::with_capacity(log.len());
            for entry in log.iter().rev() {
                let change = match &states[entry.commit.as_str()] {
                    Err(problem) => Change::Unreadable(problem.clone()),
                    Ok(state) => match find(state, &names, is_root.then_some(entry.path.as_str())) {
                        None => Change::Unreadable(format!("{} is not in this commit's schemas", named.name)),
                        Some(schema) => judge(state, schema, &mut previous, mode.mode),
                    },
                };
                revisions.push(Revision {
                    commit: entry.commit.clone(),
                    date: entry.date.clone(),
                    subject: entry.subject.clone(),
                    path: entry.path.clone(),
                    change,
                });
            }
            revisions.reverse();
            history.types.insert(
                named.name.to_string(),
                TypeHistory {
                    path: path.clone(),
                    mode: mode.mode,
                    mode_topic: mode.topic.clone(),
                    revisions,
                },
            );
        }
        Ok(history)
    }

    /// The type in an older state: by its full name or an alias, else (for the root of
    /// its file) the root of the file at `path`, which follows a renamed type.
    fn find(state: &SchemaSet, names: &[String], path: Option<&str>) -> Option<Schema> {
        if let Some(id) = names.iter().find_map(|n| state.lookup(n)) {
            return Some(Schema::Named(id));
        }
        let path = path?;
        let index = state.files.iter().position(|f| f.path() == Path::new(path))?;
        let root = state.roots.get(index)?;
        matches!(root, Schema::Named(_)).then(|| root.clone())
    }

    /// Judges one version against the earlier distinct ones (oldest first) and records it.
    fn judge<'a>(
        state: &'a SchemaSet,
        schema: Schema,
        previous: &mut Vec<(&'a SchemaSet, Schema, String)>,
        mode: compat::Compatibility,
    ) -> Change {
        let json = schema_json::to_json(state, &schema);
        if previous.last().is_some_and(|(_, _, last)| *last == json) {
            return Change::Unchanged;
        }
        let change = if previous.is_empty() {
            Change::Added
        } else {
            let versions: Vec<Version<'_>> = previous
                .iter()
                .enumerate()
                .map(|(i, (set, schema, _))| Version {
                    number: i as u32 + 1,
                    set,
                    schema,
                })
                .collect();
            let verdict = compat::check((state, &schema), &versions, mode);
            if verdict.compatible {
                Change::Compatible {
                    warnings: verdict
                        .warnings
                        .iter()
                        .map(|w| format!("{}: {}", w.new_location(), w.message))
                        .collect(),
                }
            } else {
                Change::Incompatible {
                    messages: verdict
                        .messages
                        .iter()
                        .take(MESSAGES)
                        .map(|m| format!("{} at {}: {}", m.kind.as_str(), m.new_location(), m.message))
                        .collect(),
                    total: verdict.messages.len(),
                }
            }
        };
        previous.push((state, schema, json));
        change
    }
}
