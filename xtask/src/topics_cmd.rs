//! `cargo xtask topics apply [--env dev|prod] [--dry-run]`: brings the broker's topics to
//! what `avro-schemas/catalog.toml` says for an environment.
//!
//! The whole plan is printed before anything changes, and a single refused topic (fewer
//! partitions, another replication factor) stops the run with nothing applied, so a run
//! never leaves the cluster half-way between two catalogs.

use crate::{stack, workspace};
use anyhow::{Context, bail};
use avrokit::kafka::topics::{TopicAction, TopicAdmin, TopicSpec};
use avrokit_codegen::catalog::Catalog;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `cargo xtask topics`.
#[derive(Args, Debug)]
pub struct TopicsArgs {
    #[command(subcommand)]
    command: TopicsCommand,
}

#[derive(Subcommand, Debug)]
enum TopicsCommand {
    /// Create missing topics and alter changed ones (partitions, retention, cleanup,
    /// compression, min.insync.replicas), after printing the plan.
    Apply(ApplyArgs),
}

/// Arguments of `cargo xtask topics apply`.
#[derive(Args, Debug)]
struct ApplyArgs {
    /// The catalog environment whose settings apply.
    #[arg(long, default_value = "dev")]
    env: String,
    /// Print the plan and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// The brokers. Default: $KAFKA_BOOTSTRAP_SERVERS, else the running stack's.
    #[arg(long)]
    bootstrap_servers: Option<String>,
    /// The schema directory with its `catalog.toml` (relative to the workspace root).
    #[arg(long, default_value = "avro-schemas")]
    schemas: PathBuf,
}

/// Runs `cargo xtask topics ...`: exit 0 when the cluster matches (or would), 1 when a
/// topic is refused, 2 when the catalog or the broker cannot be read.
pub fn run(args: TopicsArgs) -> anyhow::Result<ExitCode> {
    let TopicsCommand::Apply(args) = args.command;
    std::env::set_current_dir(workspace::root())?;
    let (_, catalog) = crate::catalog_dir::load(&args.schemas)?;
    if !catalog.environments.contains(&args.env) {
        bail!(
            "environment `{}` is not in the catalog's environments ({})",
            args.env,
            catalog.environments.join(", ")
        );
    }
    let Some(bootstrap) = args
        .bootstrap_servers
        .or_else(|| stack::client_setting("KAFKA_BOOTSTRAP_SERVERS"))
    else {
        bail!(
            "no Kafka: pass --bootstrap-servers, set KAFKA_BOOTSTRAP_SERVERS, or start the stack (`cargo xtask stack up`)"
        );
    };
    let specs = specs(&catalog, &args.env);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let admin = TopicAdmin::connect(&bootstrap)?;
        let plans = admin
            .plan(specs)
            .await
            .with_context(|| format!("reading the topics of {bootstrap}"))?;
        println!("topics: plan for environment `{}` on {bootstrap}:", args.env);
        for plan in &plans {
            println!("  {}", plan.to_string().replace('\n', "\n  "));
        }
        let count = |f: fn(&TopicAction) -> bool| plans.iter().filter(|p| f(&p.action)).count();
        let created = count(|a| matches!(a, TopicAction::Create));
        let altered = count(|a| matches!(a, TopicAction::Alter { .. }));
        let unchanged = count(|a| matches!(a, TopicAction::Unchanged));
        let refused = count(|a| matches!(a, TopicAction::Refused { .. }));
        let totals = format!("{created} to create, {altered} to alter, {unchanged} unchanged, {refused} refused");
        if refused > 0 {
            println!("topics: {totals}; nothing applied: fix the refused topics (see above) first");
            return Ok(ExitCode::FAILURE);
        }
        if args.dry_run {
            println!("topics: {totals}; dry run, nothing applied");
            return Ok(ExitCode::SUCCESS);
        }
        for plan in plans.iter().filter(|p| p.changes_something()) {
            admin.apply(plan).await?;
        }
        println!("topics: {created} created, {altered} altered, {unchanged} unchanged");
        Ok(ExitCode::SUCCESS)
    })
}

/// Every catalog topic as the broker should have it in `environment`.
fn specs(catalog: &Catalog, environment: &str) -> Vec<TopicSpec> {
    catalog
        .topics
        .iter()
        .map(|topic| {
            let settings = topic.settings_for(environment);
            TopicSpec {
                name: topic.name.clone(),
                partitions: i32::try_from(settings.partitions).unwrap_or(i32::MAX),
                replication_factor: i32::from(settings.replication_factor),
                configs: settings
                    .kafka_configs()
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            }
        })
        .collect()
}
