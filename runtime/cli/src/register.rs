//! `avrokit register [--registry URL] [--dry-run]`: registers the current schema of every
//! catalog subject (`<topic>-value`, and `<topic>-key` for Avro keys), after the
//! compatibility gate has asked the registry about each one, and sets each subject's
//! compatibility level to the catalog's.
//!
//! The gate ([`crate::compat::registry::against_registry`]) runs first and prints its
//! report; if any subject is incompatible (or cannot be asked), nothing is registered, so
//! a run never leaves half the catalog at the new schemas. Each schema is sent
//! self-contained (named types it uses inlined, as `schema_json::to_json` writes it and the
//! generated types' `schema_json()` return), which is what a `Serializer` registers on
//! first use, so the ids agree with what producers will frame.
//!
//! With `--references` each named type a subject's schema uses is registered as its own
//! subject instead, named by the type's full name (`shared.Money`: the subject Confluent's
//! `RecordNameStrategy` gives the type, and the one its Java and Python serializers look
//! references up by), before the schemas that use it; each schema is then registered as its
//! own definition, the types it uses referred to by name, with Confluent's `references`
//! array (`[{"name": "shared.Money", "subject": "shared.Money", "version": 3}]`) naming the
//! version just registered (or found). A type's subject gets the level of the first topic
//! that uses it.

use crate::compat::registry::{against_registry, ask_registry};
use crate::endpoints::RegistryArgs;
use crate::output::{OutputFormat, print_json, text_or_json};
use crate::schema_dir::SchemaPaths;
use anyhow::Context;
use avrokit::registry_client::{BlockingRegistryClient, Compatibility, RegistryErrorKind};
use avrokit::registry_client::{Normalize, SchemaReference};
use avrokit_codegen::gate::{Checked, Format, Options, Problem, Status};
use avrokit_codegen::ir::{NamedKind, Schema, SchemaSet, TypeId};
use avrokit_codegen::schema_json;
use clap::Args;
use serde_json::{Value, json};
use std::process::ExitCode;

/// Arguments of `avrokit register`.
#[derive(Args, Debug, Default)]
pub struct RegisterArgs {
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Check compatibility and print what would be registered, registering nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The schemas and the catalog whose subjects to register.
    #[command(flatten)]
    pub paths: SchemaPaths,
    /// Register every named type a schema uses as its own subject (the type's full name)
    /// and the schema with `references` to them, instead of self-contained.
    #[arg(long)]
    pub references: bool,
    /// `text` (the gate's report, then a line per subject) or `json`: one object,
    /// `{"registry" (URL), "dry_run", "compatible" (the gate passed), "registered" (new
    /// versions, or that would be), "unchanged", "gate": [{"subject", "compatible",
    /// "mode", "failed_version", "messages": [{"kind", "location", "message"}]}],
    /// "problems": [{"rule", "message"}], "subjects": [{"subject", "action"
    /// (`registered`, `would_register` or `unchanged`), "version", "id" (null when only
    /// planned), "level" (the catalog's), "level_from" (the level it replaced, else
    /// null)}]}`; nothing is registered (`subjects` empty) when the gate fails.
    #[arg(long, value_parser = text_or_json(), default_value = "text")]
    pub format: OutputFormat,
}

/// One subject to register: its name, schema JSON (self-contained, or its own
/// definition with `references`) and the catalog's level.
struct Planned {
    subject: String,
    schema: String,
    /// The named types the schema uses by name: (full name, subject), the subject planned
    /// earlier; its version is known once that subject is registered.
    references: Vec<(String, String)>,
    level: Compatibility,
}

/// What happened (or would) to one subject.
struct Outcome {
    subject: String,
    action: &'static str,
    version: u32,
    id: Option<u32>,
    level: Compatibility,
    level_from: Option<Compatibility>,
}

impl Outcome {
    /// The line `register` prints for it.
    fn line(&self, dry_run: bool) -> String {
        let subject = &self.subject;
        let id = self.id.map_or_else(|| "-".to_owned(), |id| id.to_string());
        match self.action {
            "would_register" => format!("{subject:<32} would register as version {}", self.version),
            "unchanged" if dry_run => format!(
                "{subject:<32} version {:<4} id {id}  (already registered: would stay)",
                self.version
            ),
            "unchanged" => format!(
                "{subject:<32} version {:<4} id {id}  (already registered)",
                self.version
            ),
            _ => format!("{subject:<32} version {:<4} id {id}", self.version),
        }
    }

    fn json(&self) -> Value {
        json!({
            "subject": self.subject,
            "action": self.action,
            "version": self.version,
            "id": self.id,
            "level": self.level.as_str(),
            "level_from": self.level_from.map(|l| l.as_str()),
        })
    }
}

/// Runs `avrokit register`: exit 0 when every subject is registered (or would be), 1 when
/// the gate finds an incompatible subject, 2 when something cannot be decided.
pub fn run(args: &RegisterArgs) -> anyhow::Result<ExitCode> {
    let client = args.registry.blocking_client()?;
    let url = client.url().to_owned();
    let json = args.format.is_json();
    let options = Options::new(&args.paths.schemas)
        .with_catalog(args.paths.catalog.clone())
        .with_format(if json { Format::Json } else { Format::Text });
    let report = |compatible: bool, gate: &[Checked], problems: &[Problem], outcomes: &[Outcome]| {
        let count = |action: &str| outcomes.iter().filter(|o| o.action == action).count();
        print_json(&json!({
            "registry": url,
            "dry_run": args.dry_run,
            "compatible": compatible,
            "registered": count("registered") + count("would_register"),
            "unchanged": count("unchanged"),
            "gate": gate.iter().map(gate_json).collect::<Vec<_>>(),
            "problems": problems
                .iter()
                .map(|p| json!({"rule": p.rule, "message": p.message}))
                .collect::<Vec<_>>(),
            "subjects": outcomes.iter().map(Outcome::json).collect::<Vec<_>>(),
        }));
    };
    // The gate first: every subject asked before any is registered.
    let (gate, problems) = if json {
        let (gate, problems) = ask_registry(&options, &client)?;
        let passed = problems.is_empty() && gate.iter().all(|c| c.verdict.compatible);
        if !passed {
            report(false, &gate, &problems, &[]);
            eprintln!("register: nothing registered: the registry would refuse the schemas");
            return Ok(ExitCode::from(crate::FINDING));
        }
        (gate, problems)
    } else {
        match against_registry(&options, &client)? {
            Status::Compatible => {}
            status => {
                println!("register: nothing registered: the registry would refuse the schemas above");
                return Ok(ExitCode::from(status.code()));
            }
        }
        (Vec::new(), Vec::new())
    };
    let planned = plan(&args.paths, args.references)?;
    let mut outcomes: Vec<Outcome> = Vec::new();
    for entry in &planned {
        let references = entry
            .references
            .iter()
            .map(|(name, subject)| {
                let version = outcomes
                    .iter()
                    .find(|o| &o.subject == subject)
                    .map(|o| o.version)
                    .with_context(|| format!("{subject} is referenced before it is planned"))?;
                Ok(SchemaReference::new(name, subject, version))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let outcome = if args.dry_run {
            would_register(&client, entry, &references)?
        } else {
            register(&client, entry, &references)?
        };
        if !json {
            println!("{}", outcome.line(args.dry_run));
            if let Some(from) = outcome.level_from {
                println!(
                    "{:<32} level {from} -> {} (the catalog's)",
                    outcome.subject, outcome.level
                );
            }
        }
        outcomes.push(outcome);
    }
    if json {
        report(true, &gate, &problems, &outcomes);
    } else {
        let verb = if args.dry_run { "would register" } else { "registered" };
        println!("register: {verb} {} subject(s) at {url}", planned.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// One subject's verdict as `register --format json` prints it.
fn gate_json(checked: &Checked) -> Value {
    let verdict = &checked.verdict;
    json!({
        "subject": checked.subject,
        "compatible": verdict.compatible,
        "mode": verdict.mode.as_str(),
        "failed_version": verdict.failed_version,
        "messages": verdict
            .messages
            .iter()
            .map(|m| json!({"kind": m.kind.as_str(), "location": m.location, "message": m.message}))
            .collect::<Vec<_>>(),
    })
}

/// Registers `entry` (a no-op for a schema the subject already has), then sets the
/// subject's level to the catalog's.
fn register(
    client: &BlockingRegistryClient,
    entry: &Planned,
    references: &[SchemaReference],
) -> anyhow::Result<Outcome> {
    let Planned {
        subject, schema, level, ..
    } = entry;
    let rest = client.rest();
    let known = match rest.lookup_with_references(subject, schema, references, Normalize::AsSent) {
        Ok(found) => Some(found),
        Err(err)
            if matches!(
                err.kind(),
                RegistryErrorKind::SubjectNotFound { .. } | RegistryErrorKind::SchemaNotFound { .. }
            ) =>
        {
            None
        }
        Err(err) => return Err(err).with_context(|| format!("looking up {subject}")),
    };
    let (action, version, id) = match known {
        Some(found) => ("unchanged", found.version, found.id),
        None => {
            let id = rest
                .register_with_references(subject, schema, references, Normalize::AsSent)
                .with_context(|| format!("registering {subject}"))?;
            // Registration answers only the id; the lookup names the version it is.
            let version = rest
                .lookup_with_references(subject, schema, references, Normalize::AsSent)
                .with_context(|| format!("looking up {subject} after registering it"))?;
            ("registered", version.version, id)
        }
    };
    // After registering: a registry may know no level for a subject it has never
    // seen. From here on it enforces the catalog's mode itself, whoever registers next.
    let current = client
        .config(Some(subject))
        .with_context(|| format!("reading the compatibility level of {subject}"))?;
    let level_from = if current != *level {
        client
            .set_config(Some(subject), *level)
            .with_context(|| format!("setting the compatibility level of {subject} to {level}"))?;
        Some(current)
    } else {
        None
    };
    Ok(Outcome {
        subject: subject.clone(),
        action,
        version,
        id: Some(id),
        level: *level,
        level_from,
    })
}

/// Every catalog subject with its schema, in catalog order: self-contained, or (with
/// `references`) preceded by the subjects of the named types it uses.
fn plan(paths: &SchemaPaths, references: bool) -> anyhow::Result<Vec<Planned>> {
    let (set, catalog) = crate::schema_dir::load(paths)?;
    let mut planner = Planner {
        set: &set,
        planned: Vec::new(),
        in_progress: Vec::new(),
    };
    for topic in &catalog.topics {
        let mut subjects: Vec<(String, &Schema)> = (topic.value_subjects_with_types())
            .map(|(subject, schema)| (subject.to_owned(), schema))
            .collect();
        if let (Some(subject), Some(key)) = (topic.key_subject(), &topic.key) {
            subjects.push((subject, key));
        }
        for (subject, schema) in subjects {
            if references {
                planner.with_references(subject, schema, topic.compatibility)?;
            } else {
                planner.planned.push(Planned {
                    subject,
                    schema: schema_json::to_json(&set, schema),
                    references: Vec::new(),
                    level: topic.compatibility,
                });
            }
        }
    }
    Ok(planner.planned)
}

/// Plans subjects whose schemas refer to the named types they use.
struct Planner<'a> {
    set: &'a SchemaSet,
    planned: Vec<Planned>,
    /// The types being planned, innermost last: a type met again here uses itself
    /// through others.
    in_progress: Vec<TypeId>,
}

impl Planner<'_> {
    /// Plans `subject` for `schema` after the subjects of the named types it uses (each
    /// once, named by its full name), referring to them.
    fn with_references(&mut self, subject: String, schema: &Schema, level: Compatibility) -> anyhow::Result<()> {
        let own = match schema {
            Schema::Named(id) => Some(*id),
            _ => None,
        };
        let mut used = Vec::new();
        match own.map(|id| &self.set.get(id).kind) {
            Some(NamedKind::Record(record)) => {
                for field in &record.fields {
                    named_types(&field.schema, &mut used);
                }
            }
            Some(_) => {}
            None => named_types(schema, &mut used),
        }
        used.retain(|id| Some(*id) != own);
        self.in_progress.extend(own);
        let mut references = Vec::new();
        for id in used {
            let name = self.set.get(id).name.to_string();
            if self.in_progress.contains(&id) {
                anyhow::bail!(
                    "{name} and {subject} use each other: a registry cannot hold them as references to each other; register without --references"
                );
            }
            if !self.planned.iter().any(|p| p.subject == name) {
                self.with_references(name.clone(), &Schema::Named(id), level)?;
            }
            references.push((name.clone(), name));
        }
        self.in_progress.retain(|id| Some(*id) != own);
        self.planned.push(Planned {
            subject,
            schema: schema_json::definition_json(self.set, schema),
            references,
            level,
        });
        Ok(())
    }
}

/// Adds the named types `schema` names (not those they use in turn), each once.
fn named_types(schema: &Schema, out: &mut Vec<TypeId>) {
    match schema {
        Schema::Array(inner) | Schema::Map(inner) => named_types(inner, out),
        Schema::Union(branches) => branches.iter().for_each(|b| named_types(b, out)),
        Schema::Named(id) if !out.contains(id) => out.push(*id),
        _ => {}
    }
}

/// What registering `entry` would do, found without changing anything.
fn would_register(
    client: &BlockingRegistryClient,
    entry: &Planned,
    references: &[SchemaReference],
) -> anyhow::Result<Outcome> {
    let Planned {
        subject, schema, level, ..
    } = entry;
    let outcome = |action, version, id| Outcome {
        subject: subject.clone(),
        action,
        version,
        id,
        level: *level,
        level_from: None,
    };
    match client
        .rest()
        .lookup_with_references(subject, schema, references, Normalize::AsSent)
    {
        Ok(found) => Ok(outcome("unchanged", found.version, Some(found.id))),
        Err(err) => match err.kind() {
            RegistryErrorKind::SubjectNotFound { .. } => Ok(outcome("would_register", 1, None)),
            RegistryErrorKind::SchemaNotFound { .. } => {
                let latest = client
                    .rest()
                    .latest(subject)
                    .with_context(|| format!("the latest version of {subject}"))?;
                Ok(outcome("would_register", latest.version + 1, None))
            }
            _ => Err(err).with_context(|| format!("looking up {subject}")),
        },
    }
}
