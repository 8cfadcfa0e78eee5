//! `cargo xtask register [--registry URL] [--dry-run]`: registers the current schema of
//! every catalog subject (`<topic>-value`, and `<topic>-key` for Avro keys), after the
//! compatibility gate has asked the registry about each one.
//!
//! The gate (`avrokit_codegen::gate::against_registry`) runs first and prints its
//! report; if any subject is incompatible (or cannot be asked), nothing is registered, so
//! a run never leaves half the catalog at the new schemas. Each schema is sent
//! self-contained (named types it uses inlined, as `schema_json::to_json` writes it and the
//! generated types' `schema_json()` return), which is what a `Serializer` registers on
//! first use, so the ids agree with what producers will frame.

use crate::{stack, workspace};
use anyhow::{Context, bail};
use avrokit::registry_client::{BlockingRegistryClient, RegistryConfig, RegistryErrorKind};
use avrokit_codegen::gate::{self, Format, Options, Status};
use avrokit_codegen::ir::{Schema, SchemaSet};
use avrokit_codegen::schema_json;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `cargo xtask register`.
#[derive(Args, Debug)]
pub struct RegisterArgs {
    /// The registry's Confluent API base URL (Apicurio: `…/apis/ccompat/v7`).
    /// Default: $SCHEMA_REGISTRY_URL, else the running stack's (`cargo xtask stack env`).
    #[arg(long)]
    registry: Option<String>,
    /// Check compatibility and print what would be registered, registering nothing.
    #[arg(long)]
    dry_run: bool,
    /// The schema directory, with its `catalog.toml` (relative to the workspace root).
    #[arg(long, default_value = "avro-schemas")]
    schemas: PathBuf,
}

/// One subject to register: its name and self-contained schema JSON.
struct Planned {
    subject: String,
    schema: String,
}

/// Runs `cargo xtask register`: exit 0 when every subject is registered (or would be),
/// 1 when the gate finds an incompatible subject, 2 when something cannot be decided.
pub fn run(args: RegisterArgs) -> anyhow::Result<ExitCode> {
    // Paths in the gate's messages read from the workspace root, as in every other task.
    std::env::set_current_dir(workspace::root())?;
    let url = registry_url(args.registry)?;
    let options = Options {
        schemas: args.schemas.clone(),
        catalog: None,
        format: Format::Text,
        strict: false,
    };
    match gate::against_registry(&options, &url, None)? {
        Status::Compatible => {}
        status => {
            println!("register: nothing registered: the registry would refuse the schemas above");
            return Ok(ExitCode::from(status.code()));
        }
    }
    let planned = plan(&args.schemas)?;
    let client = BlockingRegistryClient::new(RegistryConfig::new(&url))?;
    for Planned { subject, schema } in &planned {
        if args.dry_run {
            println!("{}", dry_run_line(&client, subject, schema)?);
            continue;
        }
        let id = client
            .register(subject, schema, false)
            .with_context(|| format!("registering {subject}"))?;
        // Registration answers only the id; the lookup names the version it is.
        let version = client
            .lookup(subject, schema, false)
            .with_context(|| format!("looking up {subject} after registering it"))?;
        println!("{subject:<32} version {:<4} id {id}", version.version);
    }
    let verb = if args.dry_run { "would register" } else { "registered" };
    println!("register: {verb} {} subject(s) at {url}", planned.len());
    Ok(ExitCode::SUCCESS)
}

/// `--registry`, else `$SCHEMA_REGISTRY_URL`, else the running stack's registry.
fn registry_url(given: Option<String>) -> anyhow::Result<String> {
    match given.or_else(|| stack::client_setting("SCHEMA_REGISTRY_URL")) {
        Some(url) => Ok(url),
        None => bail!(
            "no registry: pass --registry URL, set SCHEMA_REGISTRY_URL, or start the stack \
             (`cargo xtask stack up`)"
        ),
    }
}

/// Every catalog subject with its self-contained schema, in catalog order.
fn plan(schemas: &std::path::Path) -> anyhow::Result<Vec<Planned>> {
    let (set, catalog) = crate::catalog_dir::load(schemas)?;
    let entry = |subject: String, schema: &Schema, set: &SchemaSet| Planned {
        subject,
        schema: schema_json::to_json(set, schema),
    };
    let mut planned = Vec::new();
    for topic in &catalog.topics {
        planned.push(entry(topic.value_subject(), &topic.value, &set));
        if let (Some(subject), Some(key)) = (topic.key_subject(), &topic.key) {
            planned.push(entry(subject, key, &set));
        }
    }
    Ok(planned)
}

/// What registering `schema` under `subject` would do, found without changing anything.
fn dry_run_line(client: &BlockingRegistryClient, subject: &str, schema: &str) -> anyhow::Result<String> {
    match client.lookup(subject, schema, false) {
        Ok(found) => Ok(format!(
            "{subject:<32} version {:<4} id {}  (already registered: would stay)",
            found.version, found.id
        )),
        Err(err) => match err.kind() {
            RegistryErrorKind::SubjectNotFound { .. } => Ok(format!("{subject:<32} would register as version 1")),
            RegistryErrorKind::SchemaNotFound { .. } => {
                let latest = client
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
