//! `avrokit topics apply|plan [--env dev|prod]`: brings the broker's topics to what the
//! catalog (`avro-schemas/catalog.toml`) says for an environment.
//!
//! The whole plan is printed before anything changes, and a single refused topic (fewer
//! partitions, another replication factor) stops the run with nothing applied, so a run
//! never leaves the cluster half-way between two catalogs.

use crate::endpoints::KafkaArgs;
use crate::output::{OutputFormat, print_json, text_or_json};
use crate::schema_dir::SchemaPaths;
use anyhow::{Context, bail};
use avrokit::kafka::rdkafka::ClientConfig;
use avrokit::kafka::topics::{TopicAction, TopicAdmin, TopicPlan, TopicSpec};
use avrokit_codegen::catalog::Catalog;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
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
    /// `text` (the plan, then what was done) or `json`: one object, `{"environment",
    /// "bootstrap_servers", "dry_run", "applied" (whether changes were made), "create",
    /// "alter", "unchanged", "refused" (counts), "topics": [{"name", "action"
    /// (`create`, `alter`, `unchanged` or `refused`), "partitions", "replication_factor",
    /// "configs" (the wanted ones), "partitions_from" (an alter's old count, else null),
    /// "config_changes": [{"key", "from", "to"}], "reasons" (a refusal's),
    /// "warnings"}]}`.
    #[arg(long, value_parser = text_or_json(), default_value = "text")]
    pub format: OutputFormat,
    /// The brokers.
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// The schemas and the catalog.
    #[command(flatten)]
    pub paths: SchemaPaths,
}

impl Default for ApplyArgs {
    fn default() -> Self {
        ApplyArgs {
            env: "dev".to_owned(),
            dry_run: false,
            format: OutputFormat::Text,
            kafka: KafkaArgs::default(),
            paths: SchemaPaths::default(),
        }
    }
}

/// Runs `avrokit topics ...`: exit 0 when the cluster matches (or would), 1 when a topic
/// is refused, 2 when the catalog or the broker cannot be read.
pub fn run(args: &TopicsArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        TopicsCommand::Apply(apply_args) => apply(apply_args, apply_args.dry_run),
        // `plan` is `apply --dry-run`.
        TopicsCommand::Plan(apply_args) => apply(apply_args, true),
    }
}

/// The plan for the catalog's environment, printed; applied unless `dry_run` (the flag,
/// or the `plan` subcommand). Callers go through [`run`] with a [`TopicsCommand`].
fn apply(args: &ApplyArgs, dry_run: bool) -> anyhow::Result<ExitCode> {
    let (_, catalog) = crate::schema_dir::load(&args.paths)?;
    if !catalog.environments.contains(&args.env) {
        bail!(
            "environment `{}` is not in the catalog's environments ({})",
            args.env,
            catalog.environments.join(", ")
        );
    }
    let bootstrap = args.kafka.bootstrap()?;
    let specs = specs(&catalog, &args.env);
    let json = args.format.is_json();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .context("starting the async runtime")?;
    // Unreachable brokers answer no metadata request: say so at once, in one line, rather
    // than after every topic's own timeout.
    crate::endpoints::reachable(&args.kafka)?;
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", &bootstrap);
    for (key, value) in args.kafka.extra()? {
        config.set(key, value);
    }
    runtime.block_on(async {
        let admin = TopicAdmin::from_config(&config)?;
        eprintln!("topics: reading {} topic(s) from {bootstrap}", specs.len());
        let plans = admin
            .plan(specs)
            .await
            .with_context(|| format!("reading the topics of {bootstrap}"))?;
        let count = |f: fn(&TopicAction) -> bool| plans.iter().filter(|p| f(&p.action)).count();
        let counts = Counts {
            create: count(|a| matches!(a, TopicAction::Create)),
            alter: count(|a| matches!(a, TopicAction::Alter { .. })),
            unchanged: count(|a| matches!(a, TopicAction::Unchanged)),
            refused: count(|a| matches!(a, TopicAction::Refused { .. })),
        };
        let report = |applied: bool| {
            print_json(&json_report(&args.env, &bootstrap, dry_run, applied, &plans, &counts));
        };
        if !json {
            println!("topics: plan for environment `{}` on {bootstrap}:", args.env);
            for plan in &plans {
                println!("  {}", plan.to_string().replace('\n', "\n  "));
            }
        }
        let totals = format!(
            "{} to create, {} to alter, {} unchanged, {} refused",
            counts.create, counts.alter, counts.unchanged, counts.refused
        );
        if counts.refused > 0 {
            if json {
                report(false);
                eprintln!("topics: {totals}; nothing applied: fix the refused topics first");
            } else {
                println!("topics: {totals}; nothing applied: fix the refused topics (see above) first");
            }
            return Ok(ExitCode::from(crate::FINDING));
        }
        if dry_run {
            if json {
                report(false);
            } else {
                println!("topics: {totals}; dry run, nothing applied");
            }
            return Ok(ExitCode::SUCCESS);
        }
        let changing: Vec<_> = plans.iter().filter(|p| p.changes_something()).collect();
        for (done, plan) in changing.iter().enumerate() {
            eprintln!("topics: [{}/{}] {}", done + 1, changing.len(), plan.spec.name);
            admin.apply(plan).await?;
        }
        if json {
            report(!changing.is_empty());
        } else {
            println!(
                "topics: {} created, {} altered, {} unchanged",
                counts.create, counts.alter, counts.unchanged
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// How many topics each action concerns.
struct Counts {
    create: usize,
    alter: usize,
    unchanged: usize,
    refused: usize,
}

/// The plan (and whether it was applied) as `--format json` prints it.
fn json_report(
    environment: &str,
    bootstrap: &str,
    dry_run: bool,
    applied: bool,
    plans: &[TopicPlan],
    counts: &Counts,
) -> Value {
    let topics: Vec<Value> = plans.iter().map(plan_json).collect();
    json!({
        "environment": environment,
        "bootstrap_servers": bootstrap,
        "dry_run": dry_run,
        "applied": applied,
        "create": counts.create,
        "alter": counts.alter,
        "unchanged": counts.unchanged,
        "refused": counts.refused,
        "topics": topics,
    })
}

/// One topic's plan as JSON.
fn plan_json(plan: &TopicPlan) -> Value {
    let spec = &plan.spec;
    let (action, partitions_from, changes, reasons) = match &plan.action {
        TopicAction::Create => ("create", None, Vec::new(), Vec::new()),
        TopicAction::Alter {
            configs, partitions, ..
        } => (
            "alter",
            partitions.map(|(from, _)| from),
            configs
                .iter()
                .map(|c| json!({"key": c.key, "from": c.from, "to": c.to}))
                .collect(),
            Vec::new(),
        ),
        TopicAction::Unchanged => ("unchanged", None, Vec::new(), Vec::new()),
        TopicAction::Refused { reasons } => ("refused", None, Vec::new(), reasons.clone()),
    };
    json!({
        "name": spec.name,
        "action": action,
        "partitions": spec.partitions,
        "replication_factor": spec.replication_factor,
        "configs": spec.configs,
        "partitions_from": partitions_from,
        "config_changes": changes,
        "reasons": reasons,
        "warnings": plan.warnings,
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
