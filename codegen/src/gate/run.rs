//! The whole-directory form of the gate against git history (`--against GIT_REF`,
//! `--against-merge-base BRANCH`, what CI runs), and the working tree as the online form
//! (`avrokit compat --registry`, in `avrokit-cli`, above the registry client) reads it.
//! Runs [`super::against`] over the schema directory, prints through [`super::format`] and
//! turns the outcome into a [`Status`]: compatible, incompatible, or an [`Error`] when the
//! gate cannot decide (a missing ref, schemas that do not load), which is never a pass.

use super::accept::AcceptFile;
use super::against::{self, Baseline};
use super::format::{self, Format};
use super::snapshot::{self, Layout};
use super::{Error, Status};
use crate::Strictness;
use crate::catalog::Catalog;
use crate::compat::Position;
use crate::ir::{Schema, SchemaSet};
use std::path::PathBuf;

/// What both whole-directory forms read and how they print.
///
/// ```
/// use avrokit_codegen::Strictness;
/// use avrokit_codegen::gate::{Format, Options};
/// let options = Options::new("avro-schemas")
///     .with_format(Format::Github)
///     .with_strictness(Strictness::Strict);
/// assert_eq!(options.catalog, None);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The schema directory (searched recursively for `.avsc` files).
    pub schemas: PathBuf,
    /// The topic catalog; `None`: `catalog.toml` in [`Options::schemas`].
    pub catalog: Option<PathBuf>,
    /// How to print.
    pub format: Format,
    /// [`Strictness::Strict`]: fail on warnings too (logical-type changes the registry
    /// accepts), and on stale entries of the accept file.
    pub strictness: Strictness,
    /// Findings accepted on purpose ([`AcceptFile`]); `None`: every finding counts.
    pub accept: Option<AcceptFile>,
}

impl Options {
    /// The schema directory `schemas`, its own `catalog.toml`, text output, warnings
    /// reported without failing.
    pub fn new(schemas: impl Into<PathBuf>) -> Self {
        Self {
            schemas: schemas.into(),
            catalog: None,
            format: Format::Text,
            strictness: Strictness::Lenient,
            accept: None,
        }
    }

    /// The same options accepting the findings of `accept`.
    pub fn with_accept(mut self, accept: AcceptFile) -> Self {
        self.accept = Some(accept);
        self
    }

    /// The same options with the topic catalog at `catalog` (`None`: `catalog.toml` in
    /// the schema directory).
    pub fn with_catalog(mut self, catalog: impl Into<Option<PathBuf>>) -> Self {
        self.catalog = catalog.into();
        self
    }

    /// The same options printing in `format`.
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// The same options with `strictness` ([`Strictness::Strict`]: warnings fail).
    pub fn with_strictness(mut self, strictness: Strictness) -> Self {
        self.strictness = strictness;
        self
    }

    /// The directory and catalog as given, for reading the working tree.
    fn layout(&self) -> Layout {
        let catalog = self
            .catalog
            .clone()
            .unwrap_or_else(|| self.schemas.join("catalog.toml"));
        Layout {
            dir: self.schemas.to_string_lossy().into_owned(),
            catalog: catalog.to_string_lossy().into_owned(),
        }
    }
}

/// Checks every subject of the schema directory (any path inside a git repository)
/// against its earlier versions in git up to `baseline`. Changes the current directory to
/// the repository root, so every path printed reads from there.
pub fn against_git(options: &Options, baseline: &Baseline) -> Result<Status, Error> {
    let outcome = against::run(
        &options.schemas,
        options.catalog.as_deref(),
        baseline,
        options.accept.as_ref(),
    )?;
    for note in &outcome.notes {
        eprintln!("note: {note}");
    }
    if options.format != Format::Json {
        println!("compat: against {}", outcome.baseline);
    }
    let passed = format::print_with_problems(
        &outcome.checked,
        &outcome.problems,
        options.accept.as_ref(),
        options.format,
        options.strictness,
    );
    Ok(Status::from_passed(passed))
}

/// `compat --write-baseline`: checks like [`against_git`], then writes `accept` back so
/// that it accepts every finding: entries still matching keep their reasons, stale ones
/// go, new findings get `reason` (without one, new findings are an [`Error::Undecided`]
/// and nothing is written). Removed schemas still in use cannot be accepted: they are
/// printed and fail.
pub fn write_baseline(
    options: &Options,
    baseline: &Baseline,
    accept: &AcceptFile,
    reason: Option<&str>,
) -> Result<Status, Error> {
    let outcome = against::run(&options.schemas, options.catalog.as_deref(), baseline, Some(accept))?;
    for note in &outcome.notes {
        eprintln!("note: {note}");
    }
    let (written, change) = accept.baseline(&outcome.checked, reason).map_err(Error::Undecided)?;
    std::fs::write(written.path(), written.to_toml())?;
    println!(
        "compat: wrote {} against {}: {} entr{} ({} kept, {} added, {} removed)",
        written.path().display(),
        outcome.baseline,
        written.entries().len(),
        if written.entries().len() == 1 { "y" } else { "ies" },
        change.kept,
        change.added,
        change.removed
    );
    if outcome.problems.is_empty() {
        return Ok(Status::Compatible);
    }
    format::print_with_problems(&[], &outcome.problems, None, options.format, options.strictness);
    Ok(Status::Incompatible)
}

/// The schema directory's current schemas and catalog, as the gate reads them (one named
/// type per file), with every subject's definition locatable.
#[derive(Debug)]
pub struct WorkingTree {
    /// The schemas.
    pub set: SchemaSet,
    /// The catalog.
    pub catalog: Catalog,
}

impl WorkingTree {
    /// Loads the working tree of `options`: an [`Error::Undecided`] when the schemas do not
    /// load or there is no catalog (the subjects come from its topics).
    pub fn load(options: &Options) -> Result<WorkingTree, Error> {
        let layout = options.layout();
        let current = snapshot::working_files(&layout)?
            .load()
            .map_err(|diagnostics| Error::Undecided(format!("the current schemas do not load:\n{diagnostics}")))?;
        let Some(catalog) = current.catalog else {
            return Err(Error::Undecided(if options.catalog.is_some() {
                format!(
                    "{} does not exist: the registry's subjects come from its topics",
                    layout.catalog
                )
            } else {
                format!(
                    "{} has no catalog.toml: the registry's subjects come from its topics",
                    layout.dir
                )
            }));
        };
        Ok(WorkingTree {
            set: current.set,
            catalog,
        })
    }

    /// Where a subject's schema is written: its named type's definition.
    pub fn position(&self, schema: &Schema) -> Position {
        match schema {
            Schema::Named(id) => {
                let named = self.set.get(*id);
                let file = self.set.file(named.origin);
                let at = file.line_column(named.origin.span.start);
                Position {
                    file: file.path().to_owned(),
                    line: at.line,
                    column: at.column,
                }
            }
            _ => Position::default(),
        }
    }
}
