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

use crate::compat::registry::against_registry;
use crate::endpoints::RegistryArgs;
use anyhow::Context;
use avrokit::registry_client::Normalize;
use avrokit::registry_client::{BlockingRegistryClient, Compatibility, RegistryErrorKind};
use avrokit_codegen::gate::{Format, Options, Status};
use avrokit_codegen::ir::{Schema, SchemaSet};
use avrokit_codegen::schema_json;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `avrokit register`.
#[derive(Args, Debug)]
pub struct RegisterArgs {
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Check compatibility and print what would be registered, registering nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The schema directory, with its `catalog.toml`.
    #[arg(long, default_value = "avro-schemas")]
    pub schemas: PathBuf,
}

impl Default for RegisterArgs {
    fn default() -> Self {
        RegisterArgs {
            registry: RegistryArgs::default(),
            dry_run: false,
            schemas: PathBuf::from("avro-schemas"),
        }
    }
}

/// One subject to register: its name, self-contained schema JSON and the catalog's level.
struct Planned {
    subject: String,
    schema: String,
    level: Compatibility,
}

/// Runs `avrokit register`: exit 0 when every subject is registered (or would be), 1 when
/// the gate finds an incompatible subject, 2 when something cannot be decided.
pub fn run(args: &RegisterArgs) -> anyhow::Result<ExitCode> {
    let client = args.registry.blocking_client()?;
    let url = client.url().to_owned();
    let options = Options::new(&args.schemas).with_format(Format::Text);
    match against_registry(&options, &client)? {
        Status::Compatible => {}
        status => {
            println!("register: nothing registered: the registry would refuse the schemas above");
            return Ok(ExitCode::from(status.code()));
        }
    }
    let planned = plan(&args.schemas)?;
    for Planned { subject, schema, level } in &planned {
        if args.dry_run {
            println!("{}", dry_run_line(&client, subject, schema)?);
            continue;
        }
        let id = client
            .register(subject, schema, Normalize::AsSent)
            .with_context(|| format!("registering {subject}"))?;
        // Registration answers only the id; the lookup names the version it is.
        let version = client
            .rest()
            .lookup(subject, schema, Normalize::AsSent)
            .with_context(|| format!("looking up {subject} after registering it"))?;
        println!("{subject:<32} version {:<4} id {id}", version.version);
        // After registering: a registry may know no level for a subject it has never
        // seen. From here on it enforces the catalog's mode itself, whoever registers next.
        let current = client
            .config(Some(subject))
            .with_context(|| format!("reading the compatibility level of {subject}"))?;
        if current != *level {
            client
                .set_config(Some(subject), *level)
                .with_context(|| format!("setting the compatibility level of {subject} to {level}"))?;
            println!("{subject:<32} level {current} -> {level} (the catalog's)");
        }
    }
    let verb = if args.dry_run { "would register" } else { "registered" };
    println!("register: {verb} {} subject(s) at {url}", planned.len());
    Ok(ExitCode::SUCCESS)
}

/// Every catalog subject with its self-contained schema, in catalog order.
fn plan(schemas: &std::path::Path) -> anyhow::Result<Vec<Planned>> {
    let (set, catalog) = crate::schema_dir::load(schemas)?;
    let entry = |subject: String, schema: &Schema, set: &SchemaSet, level| Planned {
        subject,
        schema: schema_json::to_json(set, schema),
        level,
    };
    let mut planned = Vec::new();
    for topic in &catalog.topics {
        planned.push(entry(topic.value_subject(), &topic.value, &set, topic.compatibility));
        if let (Some(subject), Some(key)) = (topic.key_subject(), &topic.key) {
            planned.push(entry(subject, key, &set, topic.compatibility));
        }
    }
    Ok(planned)
}

/// What registering `schema` under `subject` would do, found without changing anything.
fn dry_run_line(client: &BlockingRegistryClient, subject: &str, schema: &str) -> anyhow::Result<String> {
    match client.rest().lookup(subject, schema, Normalize::AsSent) {
        Ok(found) => Ok(format!(
            "{subject:<32} version {:<4} id {}  (already registered: would stay)",
            found.version, found.id
        )),
        Err(err) => match err.kind() {
            RegistryErrorKind::SubjectNotFound { .. } => Ok(format!("{subject:<32} would register as version 1")),
            RegistryErrorKind::SchemaNotFound { .. } => {
                let latest = client
                    .rest()
                    .latest(subject)
                    .with_context(|| format!("the latest version of {subject}"))?;
                Ok(format!(
                    "{subject:<32} would register as version {}",
                    latest.version + 1
                ))
            }
            _ => Err(err).with_context(|| format!("looking up {subject}")),
        },
    }
}
