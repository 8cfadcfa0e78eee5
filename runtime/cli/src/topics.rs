//! `avrokit topics apply|plan [--env dev|prod]`: brings the broker's topics to what the
//! catalog (`avro-schemas/catalog.toml`) says for an environment.
//!
//! The whole plan is printed before anything changes, and a single refused topic (fewer
//! partitions, another replication factor) stops the run with nothing applied, so a run
//! never leaves the cluster half-way between two catalogs.

use crate::endpoints::KafkaArgs;
use anyhow::{Context, bail};
use avrokit::kafka::topics::{TopicAction, TopicAdmin, TopicSpec};
use avrokit_codegen::catalog::Catalog;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `avrokit topics`.
#[derive(Args, Debug)]
pub struct TopicsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: TopicsCommand,
}

/// The subcommands of `avrokit topics`.
#[derive(Subcommand, Debug)]
pub enum TopicsCommand {
    /// Create missing topics and alter changed ones (partitions, retention, cleanup,
    /// compression, min.insync.replicas), after printing the plan.
    Apply(ApplyArgs),
    /// Print the plan and change nothing (`apply --dry-run`).
    Plan(ApplyArgs),
}

/// Arguments of `avrokit topics apply` and `plan`.
#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The catalog environment whose settings apply.
    #[arg(long, default_value = "dev")]
    pub env: String,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The brokers.
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// The schema directory with its `catalog.toml`.
    #[arg(long, default_value = "avro-schemas")]
    pub schemas: PathBuf,
}

impl Default for ApplyArgs {
    fn default() -> Self {
        ApplyArgs {
            env: "dev".to_owned(),
            dry_run: false,
            kafka: KafkaArgs::default(),
            schemas: PathBuf::from("avro-schemas"),
        }
    }
}

/// Runs `avrokit topics ...`: exit 0 when the cluster matches (or would), 1 when a topic
/// is refused, 2 when the catalog or the broker cannot be read.
pub fn run(args: &TopicsArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        TopicsCommand::Apply(apply_args) => apply(apply_args, apply_args.dry_run),
        TopicsCommand::Plan(apply_args) => apply(apply_args, true),
    }
}

/// The plan for the catalog's environment, printed; applied unless `dry_run`.
pub fn apply(args: &ApplyArgs, dry_run: bool) -> anyhow::Result<ExitCode> {
    let (_, catalog) = crate::schema_dir::load(&args.schemas)?;
    if !catalog.environments.contains(&args.env) {
        bail!(
            "environment `{}` is not in the catalog's environments ({})",
            args.env,
            catalog.environments.join(", ")
        );
    }
    let bootstrap = args.kafka.bootstrap()?;
    let specs = specs(&catalog, &args.env);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let admin = TopicAdmin::connect(&bootstrap)?;
        eprintln!("topics: reading {} topic(s) from {bootstrap}", specs.len());
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
            return Ok(ExitCode::from(crate::FINDING));
        }
        if dry_run {
            println!("topics: {totals}; dry run, nothing applied");
            return Ok(ExitCode::SUCCESS);
        }
        let changing: Vec<_> = plans.iter().filter(|p| p.changes_something()).collect();
        for (done, plan) in changing.iter().enumerate() {
            eprintln!("topics: [{}/{}] {}", done + 1, changing.len(), plan.spec.name);
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
            TopicSpec::new(topic.name.clone())
                .with_partitions(i32::try_from(settings.partitions).unwrap_or(i32::MAX))
                .with_replication_factor(i32::from(settings.replication_factor))
                .with_configs(settings.kafka_configs())
        })
        .collect()
}
