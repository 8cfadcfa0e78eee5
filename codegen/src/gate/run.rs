//! The whole-directory forms of the gate: against git history (`--against GIT_REF`,
//! `--against-merge-base BRANCH`, what CI runs) and against a live registry
//! (`--registry URL`). Runs [`super::against`] or [`super::registry`] over the schema
//! directory, prints through [`super::format`] and turns the outcome into a [`Status`]:
//! compatible, incompatible, or an [`Error`] when the gate cannot decide (a missing ref,
//! schemas that do not load, a registry that cannot be asked), which is never a pass.

use super::against::{self, Baseline};
use super::format::{self, Checked, Format, Problem};
use super::registry::{self, Auth, Client, Outcome};
use super::snapshot::{self, Layout};
use super::{Error, Status};
use crate::compat::{Position, Verdict};
use crate::ir::Schema;
use std::path::PathBuf;

/// What both whole-directory forms read and how they print.
#[derive(Debug, Clone)]
pub struct Options {
    /// The schema directory (searched recursively for `.avsc` files).
    pub schemas: PathBuf,
    /// The topic catalog; `None`: `catalog.toml` in [`Options::schemas`].
    pub catalog: Option<PathBuf>,
    /// How to print.
    pub format: Format,
    /// Fail on warnings too (logical-type changes the registry accepts).
    pub strict: bool,
}

impl Options {
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
    let outcome = against::run(&options.schemas, options.catalog.as_deref(), baseline)?;
    for note in &outcome.notes {
        eprintln!("note: {note}");
    }
    if options.format != Format::Json {
        println!("compat: against {}", outcome.baseline);
    }
    let passed = format::print_with_problems(&outcome.checked, &outcome.problems, options.format, options.strict);
    Ok(Status::from_passed(passed))
}

/// Asks the Schema Registry at `url` (the Confluent API's base URL; Apicurio:
/// `…/apis/ccompat/v7`) whether it would accept the current schema of every subject of
/// the catalog, and prints its answers. Paths in messages read from the current directory.
pub fn against_registry(options: &Options, url: &str, auth: Option<Auth>) -> Result<Status, Error> {
    let client = Client::new(url, auth);
    let layout = options.layout();
    let current = snapshot::working_files(&layout)?
        .load()
        .map_err(|diagnostics| Error::Undecided(format!("the current schemas do not load:\n{diagnostics}")))?;
    let Some(catalog) = &current.catalog else {
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
    // Status lines go where they do not break the one JSON object on stdout.
    let say = |line: String| {
        if options.format == Format::Json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    say(format!("compat: against the schema registry at {url}"));
    let mut results = Vec::new();
    let mut problems = Vec::new();
    for topic in &catalog.topics {
        let mut subjects = vec![(topic.value_subject(), &topic.value)];
        if let (Some(subject), Some(key)) = (topic.key_subject(), &topic.key) {
            subjects.push((subject, key));
        }
        for (subject, schema) in subjects {
            let check = registry::check_subject(&client, &subject, &current.set, schema, topic.compatibility)?;
            if check.registry_level == "NONE" {
                say(format!(
                    "note: {subject}: the registry enforces no compatibility for it (level NONE; Apicurio enforces \
                     nothing until `PUT /config`), so it would accept any schema; the catalog says {}",
                    check.catalog_mode.as_str()
                ));
            } else if check.registry_level != check.catalog_mode.as_str() {
                say(format!(
                    "note: {subject}: the registry applies {} while the catalog says {}; the answers below are the \
                     registry's (set it with `PUT /config/{subject}`)",
                    check.registry_level,
                    check.catalog_mode.as_str()
                ));
            }
            let mode = registry::parse_level(&check.registry_level).unwrap_or(check.catalog_mode);
            let pass = |mode| Verdict {
                compatible: true,
                mode,
                messages: Vec::new(),
                warnings: Vec::new(),
                failed_version: None,
            };
            match check.outcome {
                Outcome::New => {
                    say(format!(
                        "{subject}: new subject (the registry has no version of it): compatible"
                    ));
                    results.push(Checked {
                        subject,
                        verdict: pass(mode),
                        failed_json: None,
                    });
                }
                Outcome::Compatible(versions) => {
                    let list: Vec<String> = versions.iter().map(u32::to_string).collect();
                    say(format!(
                        "{subject}: compatible with version {} ({})",
                        list.join(", "),
                        check.registry_level
                    ));
                    results.push(Checked {
                        subject,
                        verdict: pass(mode),
                        failed_json: None,
                    });
                }
                Outcome::Incompatible {
                    version,
                    messages,
                    explanation,
                } => {
                    say(format!(
                        "{subject}: NOT compatible with version {version} ({})",
                        check.registry_level
                    ));
                    for message in &messages {
                        say(format!("{subject}: registry: {message}"));
                    }
                    if messages.is_empty() {
                        say(format!(
                            "{subject}: the registry gave no reasons (Apicurio ignores `verbose=true`); the offline \
                             engine's reasons for the same pair follow"
                        ));
                    }
                    let mut verdict = explanation.unwrap_or_else(|| pass(mode));
                    if verdict.messages.is_empty() {
                        // The registry is the authority here: a disagreement fails, said plainly.
                        problems.push(Problem {
                            position: subject_position(&current, schema),
                            rule: "REGISTRY_INCOMPATIBLE",
                            message: format!(
                                "the registry says {subject} is not compatible with its version {version} ({}), and \
                                 the offline engine finds no reason: compare with `GET /subjects/{subject}/versions/{version}`",
                                check.registry_level
                            ),
                        });
                    }
                    verdict.compatible = false;
                    verdict.failed_version = Some(version);
                    results.push(Checked {
                        subject,
                        verdict,
                        failed_json: None,
                    });
                }
            }
        }
    }
    let passed = format::print_with_problems(&results, &problems, options.format, options.strict);
    Ok(Status::from_passed(passed))
}

/// Where a subject's schema is written: its named type's definition.
fn subject_position(state: &snapshot::Snapshot, schema: &Schema) -> Position {
    match schema {
        Schema::Named(id) => {
            let named = state.set.get(*id);
            let file = state.set.file(named.origin);
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
