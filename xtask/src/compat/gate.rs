//! The whole-repository forms of `cargo xtask compat`: `--against GIT_REF`,
//! `--against-merge-base BRANCH` (what CI runs) and `--registry URL`. Parses their flags,
//! runs [`super::against`] or [`super::registry`] over the schema directory, prints
//! through [`super::format`] and turns the outcome into the exit code: 0 compatible, 1
//! not, 2 when the gate cannot decide (a missing ref, schemas that do not load, a registry
//! that cannot be asked), which is never a pass.

use super::against::{self, Baseline};
use super::format::{self, Checked, Format, Problem};
use super::registry::{self, Auth, Client, Outcome};
use super::snapshot;
use crate::workspace;
use avrokit_codegen::compat::{Position, Verdict};
use avrokit_codegen::ir::Schema;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Flags of the whole-repository forms.
#[derive(Args, Debug)]
pub struct GateArgs {
    /// Check every schema against its earlier versions in git up to this ref (branch,
    /// tag, commit): the version at the ref for non-transitive modes, every version up to
    /// it for transitive ones.
    #[arg(long, value_name = "GIT_REF", conflicts_with_all = ["against_merge_base", "registry"])]
    pub against: Option<String>,
    /// Like `--against`, with the merge base of HEAD and this branch (falls back to
    /// `origin/BRANCH`): what a change adds to it. CI runs `--against-merge-base main`.
    #[arg(long, value_name = "BRANCH", conflicts_with = "registry")]
    pub against_merge_base: Option<String>,
    /// Ask this Schema Registry (Confluent API base URL) about every catalog subject.
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,
    /// Registry user (Confluent Cloud: the API key); needs `--password`.
    #[arg(long, requires = "password", conflicts_with = "token")]
    pub user: Option<String>,
    /// Registry password (Confluent Cloud: the API secret).
    #[arg(long, requires = "user")]
    pub password: Option<String>,
    /// Registry bearer token.
    #[arg(long)]
    pub token: Option<String>,
    /// The schema directory (with `catalog.toml`), relative to the workspace root.
    #[arg(long, default_value = "avro-schemas")]
    pub schemas: PathBuf,
    /// Output: `text` (`FILE:LINE:COL: RULE: message`), `json`, or `github` annotations.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Fail on warnings too (logical-type changes the registry accepts).
    #[arg(long)]
    pub strict: bool,
}

impl GateArgs {
    /// Whether any whole-repository form was asked for.
    pub fn requested(&self) -> bool {
        self.against.is_some() || self.against_merge_base.is_some() || self.registry.is_some()
    }
}

/// Runs the requested form.
pub fn run(args: GateArgs) -> anyhow::Result<ExitCode> {
    let schemas = workspace::root().join(&args.schemas);
    if let Some(url) = &args.registry {
        return run_registry(&args, url, &schemas);
    }
    let baseline = match (&args.against, &args.against_merge_base) {
        (Some(rev), _) => Baseline::Ref(rev.clone()),
        (_, Some(branch)) => Baseline::MergeBase(branch.clone()),
        _ => anyhow::bail!("pass --against GIT_REF, --against-merge-base BRANCH or --registry URL"),
    };
    let outcome = against::run(&schemas, &baseline)?;
    for note in &outcome.notes {
        eprintln!("note: {note}");
    }
    if args.format != Format::Json {
        println!("compat: against {}", outcome.baseline);
    }
    let passed = format::print_with_problems(&outcome.checked, &outcome.problems, args.format, args.strict);
    Ok(exit(passed))
}

fn run_registry(args: &GateArgs, url: &str, schemas: &std::path::Path) -> anyhow::Result<ExitCode> {
    let auth = match (&args.user, &args.password, &args.token) {
        (Some(user), Some(password), _) => Some(Auth::Basic {
            user: user.clone(),
            password: password.clone(),
        }),
        (_, _, Some(token)) => Some(Auth::Bearer(token.clone())),
        _ => None,
    };
    let client = Client::new(url, auth);
    // Paths in messages read from the workspace root, as in every other command.
    std::env::set_current_dir(workspace::root())?;
    let dir = schemas.strip_prefix(workspace::root()).unwrap_or(schemas);
    let current = snapshot::working_files(&dir.to_string_lossy())?
        .load()
        .map_err(|diagnostics| anyhow::anyhow!("the current schemas do not load:\n{diagnostics}"))?;
    let Some(catalog) = &current.catalog else {
        anyhow::bail!(
            "{} has no catalog.toml: the registry's subjects come from its topics",
            dir.display()
        );
    };
    // Status lines go where they do not break the one JSON object on stdout.
    let say = |line: String| {
        if args.format == Format::Json {
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
    let passed = format::print_with_problems(&results, &problems, args.format, args.strict);
    Ok(exit(passed))
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

fn exit(passed: bool) -> ExitCode {
    if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
