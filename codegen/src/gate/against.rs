//! `compat --against GIT_REF`: every subject of the schema directory against
//! its earlier versions in git, the offline gate CI runs on every change.
//!
//! The baseline is read from git objects ([`super::git`]); each state of the directory is
//! loaded whole ([`super::snapshot`]) because types refer to each other across files. The
//! subjects and their modes come from the current catalog ([`super::subjects`]).
//! Non-transitive modes compare with the state at the ref; transitive ones with every
//! distinct version in the history up to it (`git log REF -- DIR [CATALOG]`), oldest first, as the
//! registry numbers versions. A schema file that is gone while the catalog or another
//! schema still uses its type is a `SCHEMA_REMOVED` problem located at the use.

use super::Error;
use super::accept::AcceptFile;
use super::format::{Checked, Problem};
use super::git::Repo;
use super::snapshot::{self, Files, Layout, Snapshot};
use super::subjects::{self, Subject};
use crate::compat::{self, Position, Version};
use crate::ir::{NamedKind, Schema, TypeId};
use crate::schema_json;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What to compare with.
#[derive(Debug, Clone)]
pub enum Baseline {
    /// A commit-ish: branch, tag, sha, `HEAD~1`, ...
    Ref(String),
    /// The merge base of `HEAD` and this branch (CI: what a change adds to `main`).
    MergeBase(String),
}

/// Everything the gate found.
pub struct Outcome {
    /// How the baseline reads in messages: `main (merge base 1a2b3c4)`.
    pub baseline: String,
    /// Every subject checked, in catalog then file order.
    pub checked: Vec<Checked>,
    /// Removed schemas still in use.
    pub problems: Vec<Problem>,
    /// Things worth saying that change no verdict (skipped commits, new subjects, ...).
    pub notes: Vec<String>,
}

/// Runs the gate on the schema directory `schemas` (any path inside a git repository)
/// with its catalog `catalog` (`None`: `catalog.toml` in `schemas`) against `baseline`.
/// Changes the current directory to the repository root, so every path in the outcome
/// reads from there.
pub fn run(
    schemas: &Path,
    catalog: Option<&Path>,
    baseline: &Baseline,
    accept: Option<&AcceptFile>,
) -> Result<Outcome, Error> {
    let repo = Repo::discover(schemas)?;
    let dir = repo_relative(&repo, schemas, "the schema directory")?;
    let catalog = match catalog {
        Some(catalog) => repo_relative(&repo, catalog, "the catalog")?,
        None => format!("{dir}/catalog.toml"),
    };
    let layout = Layout { dir, catalog };
    let dir = &layout.dir;
    std::env::set_current_dir(repo.root())?;
    let mut notes = Vec::new();
    let (commit, label) = resolve_baseline(&repo, baseline, &mut notes)?;
    let short = &commit[..7.min(commit.len())];

    let baseline_files = snapshot::files_at(&repo, &commit, &layout)?;
    let current_files = snapshot::working_files(&layout)?;
    let mut problems = Vec::new();
    let current = match current_files.clone().load() {
        Ok(current) => current,
        Err(diagnostics) => restore_removed(current_files, &baseline_files, &label, &mut problems)
            .ok_or_else(|| Error::Undecided(format!("the current schemas do not load:\n{diagnostics}")))?,
    };
    if baseline_files.schemas.is_empty() {
        notes.push(format!("{dir}/ has no schemas at {label}: every subject is new"));
    }
    let subjects = subjects::subjects(&current);
    let transitive = subjects.iter().any(|s| s.mode.is_transitive());

    // The states to compare with, oldest first, each with its short commit.
    let mut states: Vec<(Snapshot, String)> = Vec::new();
    if transitive {
        history(&repo, &commit, &layout, &mut states, &mut notes)?;
    } else if !baseline_files.schemas.is_empty() {
        let state = baseline_files.load().map_err(|diagnostics| {
            Error::Undecided(format!(
                "the schemas at {label} do not load, so there is nothing to compare with:\n{diagnostics}"
            ))
        })?;
        states.push((state, short.to_owned()));
    }

    let mut checked = Vec::with_capacity(subjects.len());
    for subject in &subjects {
        checked.push(check_subject(&current, subject, &states, accept, &mut notes));
    }
    Ok(Outcome {
        baseline: label,
        checked,
        problems,
        notes,
    })
}

/// The baseline's commit and how to name it.
fn resolve_baseline(repo: &Repo, baseline: &Baseline, notes: &mut Vec<String>) -> Result<(String, String), Error> {
    match baseline {
        Baseline::Ref(rev) => {
            let commit = repo.require(rev)?;
            let label = if commit.starts_with(rev.as_str()) {
                commit[..7].to_owned()
            } else {
                format!("{rev} ({})", &commit[..7])
            };
            Ok((commit, label))
        }
        Baseline::MergeBase(branch) => {
            // CI checkouts often have only the remote-tracking branch.
            let remote_branch = format!("origin/{branch}");
            let Some(tip) = repo.resolve(branch)?.or(repo.resolve(&remote_branch)?) else {
                return Err(Error::MissingRef(repo.missing_ref_message(&remote_branch)?));
            };
            let head = repo.require("HEAD")?;
            let Some(base) = repo.merge_base(&head, &tip)? else {
                if repo.is_shallow()? {
                    return Err(Error::MissingRef(format!(
                        "HEAD and {branch} have no common commit in this shallow clone. {}",
                        repo.missing_ref_message(&remote_branch)?
                    )));
                }
                return Err(Error::Undecided(format!(
                    "HEAD and {branch} share no history: nothing to compare with"
                )));
            };
            if base == head {
                notes.push(format!(
                    "HEAD is on {branch}'s history, so the merge base is HEAD itself: no committed change to \
                     compare; the working tree is compared with HEAD"
                ));
            }
            Ok((base.clone(), format!("{branch} (merge base {})", &base[..7])))
        }
    }
}

/// Every distinct state of `layout` in the history up to `commit`, oldest first. A shallow
/// clone whose history is cut would silently check fewer versions: that is an error.
fn history(
    repo: &Repo,
    commit: &str,
    layout: &Layout,
    states: &mut Vec<(Snapshot, String)>,
    notes: &mut Vec<String>,
) -> Result<(), Error> {
    let boundary = repo.shallow_boundary()?;
    let commits = repo.commits_touching(commit, &layout.git_paths())?;
    let cut = repo.is_shallow()?
        && boundary
            .iter()
            .any(|b| repo.merge_base(b, commit).ok().flatten().as_deref() == Some(b.as_str()));
    if cut {
        return Err(Error::MissingRef(format!(
            "transitive modes compare with every earlier version, but this shallow clone lacks history before {}. \
             Fetch it, then run again:\n    git fetch --no-tags --unshallow origin\n(in GitHub Actions: `fetch-depth: 0`)",
            commits.last().map_or("the baseline", |c| &c[..7])
        )));
    }
    let trees = commits
        .iter()
        .map(|c| repo.tree(c, &layout.git_paths()))
        .collect::<Result<Vec<_>, Error>>()?;
    let blobs = repo.read_blobs(trees.iter().flat_map(|t| Files::wanted(t, layout)))?;
    for (commit, tree) in commits.iter().zip(&trees).rev() {
        let short = commit[..7].to_owned();
        match Files::from_tree(tree, layout, &blobs).load() {
            Ok(state) => states.push((state, short)),
            Err(diagnostics) => notes.push(format!(
                "skipped commit {short}: its schemas do not load ({} problems), so it holds no version to compare with",
                diagnostics.0.len()
            )),
        }
    }
    Ok(())
}

/// Checks one subject against its versions in `states`.
fn check_subject(
    current: &Snapshot,
    subject: &Subject,
    states: &[(Snapshot, String)],
    accept: Option<&AcceptFile>,
    notes: &mut Vec<String>,
) -> Checked {
    // The registry stores a subject's schema once per distinct text: consecutive states
    // with the same self-contained schema are one version.
    let mut versions: Vec<(Version<'_>, String, String)> = Vec::new();
    for (state, short) in states {
        let Some(schema) = subject.in_state(state) else {
            continue;
        };
        let json = schema_json::to_json(&state.set, schema);
        if versions.last().is_some_and(|(_, _, last)| *last == json) {
            continue;
        }
        let number = versions.len() as u32 + 1;
        versions.push((
            Version {
                number,
                set: &state.set,
                schema,
            },
            short.clone(),
            json,
        ));
    }
    if versions.is_empty() && !states.is_empty() {
        notes.push(format!("{}: new subject, nothing to compare with", subject.name));
    }
    let previous: Vec<Version<'_>> = versions.iter().map(|(v, _, _)| *v).collect();
    let accepts = |rule: &str, pointer: &str| accept.is_some_and(|a| a.accepts(&subject.name, rule, pointer));
    let verdict = compat::check_accepting((&current.set, &subject.schema), &previous, subject.mode, &accepts);
    let failed = verdict
        .failed_version
        .and_then(|n| versions.iter().find(|(v, _, _)| v.number == n));
    // Non-transitive modes compare with the baseline only: its number says nothing.
    if let Some((version, short, _)) = failed.filter(|_| subject.mode.is_transitive()) {
        notes.push(format!(
            "{}: version {} of {} (in git history order) is the schema at commit {short}",
            subject.name,
            version.number,
            versions.len()
        ));
    }
    Checked {
        subject: subject.name.clone(),
        failed_json: failed.map(|(_, _, json)| json.clone()),
        verdict,
    }
}

/// When the current schemas do not load, tries again with the baseline's files of every
/// schema file that is gone: if that loads, the removal is the problem, and each use of a
/// removed type (a catalog topic, another schema) becomes a located `SCHEMA_REMOVED`.
fn restore_removed(current: Files, baseline: &Files, label: &str, problems: &mut Vec<Problem>) -> Option<Snapshot> {
    let present: HashSet<&Path> = current.schemas.iter().map(|f| f.path()).collect();
    let removed: Vec<_> = baseline
        .schemas
        .iter()
        .filter(|f| !present.contains(f.path()))
        .cloned()
        .collect();
    if removed.is_empty() {
        return None;
    }
    let removed_paths: HashSet<PathBuf> = removed.iter().map(|f| f.path().to_owned()).collect();
    let mut files = current;
    files.schemas.extend(removed);
    files.schemas.sort_by(|a, b| a.path().cmp(b.path()));
    let state = files.load().ok()?;
    let removed_types: HashSet<TypeId> = state
        .set
        .iter()
        .filter(|(_, t)| removed_paths.contains(state.set.file(t.origin).path()))
        .map(|(id, _)| id)
        .collect();
    let describe = |id: TypeId| {
        let named = state.set.get(id);
        format!(
            "{} (its file {} was removed; it exists at {label})",
            named.name,
            state.set.file(named.origin).path().display()
        )
    };
    if let Some(catalog) = &state.catalog {
        for topic in &catalog.topics {
            let mut used = Vec::new();
            for value in &topic.value_types {
                names_in(value, &mut used);
            }
            if let Some(key) = &topic.key {
                names_in(key, &mut used);
            }
            for id in used.iter().filter(|id| removed_types.contains(id)) {
                let at = catalog.file.line_column(topic.span.start);
                problems.push(Problem {
                    position: Position {
                        file: catalog.file.path().to_owned(),
                        line: at.line,
                        column: at.column,
                    },
                    rule: "SCHEMA_REMOVED",
                    message: format!("topic `{}` still uses {}", topic.name, describe(*id)),
                });
            }
        }
    }
    for (_, named) in state.set.iter().filter(|(id, _)| !removed_types.contains(id)) {
        let mut uses = Vec::new();
        if let NamedKind::Record(record) = &named.kind {
            record.fields.iter().for_each(|f| names_in(&f.schema, &mut uses));
        }
        uses.dedup();
        for used in uses.iter().filter(|used| removed_types.contains(used)) {
            let file = state.set.file(named.origin);
            let at = file.line_column(named.origin.span.start);
            problems.push(Problem {
                position: Position {
                    file: file.path().to_owned(),
                    line: at.line,
                    column: at.column,
                },
                rule: "SCHEMA_REMOVED",
                message: format!("{} still refers to {}", named.name, describe(*used)),
            });
        }
    }
    problems.sort_by(|a, b| {
        let key = |p: &Problem| (p.position.file.clone(), p.position.line, p.position.column);
        key(a).cmp(&key(b))
    });
    (!problems.is_empty()).then_some(state)
}

/// The named types `schema` names directly (not those inside them).
fn names_in(schema: &Schema, out: &mut Vec<TypeId>) {
    match schema {
        Schema::Array(inner) | Schema::Map(inner) => names_in(inner, out),
        Schema::Union(branches) => branches.iter().for_each(|b| names_in(b, out)),
        Schema::Named(id) => out.push(*id),
        _ => {}
    }
}

/// `path` (`what`: the schema directory or the catalog) as a path from the repository
/// root; the root itself names no directory of schemas.
fn repo_relative(repo: &Repo, path: &Path, what: &str) -> Result<String, Error> {
    let relative = repo.path_of(path, what)?;
    if relative.is_empty() {
        return Err(Error::Undecided(format!("pass {what}, not the repository root")));
    }
    Ok(relative)
}
