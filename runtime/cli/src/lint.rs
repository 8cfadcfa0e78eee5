//! `avrokit lint`: the schema linter ([`avrokit_codegen::lint`]) over a schema directory,
//! configured by the catalog's `[lint]` table and `--config FILE`.
//!
//! It prints one `FILE:LINE:COL: RULE: message at POINTER (severity)` line per finding and
//! a summary (`--format text`), one JSON document (`json`: `passed`, `deny_warnings`,
//! `files`, `types`, `errors`, `warnings` and `findings`, each with `rule`, `severity`,
//! `file`, `line`, `column`, `pointer`, `element` and `message`), or GitHub annotations
//! (`github`). Exit 0 when nothing fails, 1 on an error finding (or a warning with
//! `--deny-warnings`), 2 when the schemas or the configuration do not load.

use crate::output::OutputFormat;
use crate::schema_dir::SchemaPaths;
use avrokit_codegen::lint::{self, LintConfig};
use avrokit_codegen::{LoadOptions, Strictness, load_dir};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `avrokit lint`.
#[derive(Args, Debug, Clone, Default)]
pub struct LintArgs {
    /// The schemas, and the catalog whose `[lint]` table configures the rules (used when
    /// it exists).
    #[command(flatten)]
    pub paths: SchemaPaths,
    /// A TOML file with a `[lint]` table, applied over the catalog's.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output: `text` (`FILE:LINE:COL: RULE: message` lines and a summary), `json` (one
    /// document: `passed`, the counts and `findings`), or `github` annotations.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

impl LintArgs {
    /// The findings of the schema directory under the configuration, with the set they
    /// are about; an error (exit 2) when the schemas or the configuration do not load.
    pub fn findings(&self) -> anyhow::Result<(avrokit_codegen::ir::SchemaSet, Vec<lint::Finding>)> {
        let catalog = self.paths.catalog_if_any();
        if let Some(path) = &self.paths.catalog
            && !path.is_file()
        {
            anyhow::bail!("the catalog {} does not exist", path.display());
        }
        let config = LintConfig::load(catalog.as_deref(), self.config.as_deref())
            .map_err(|diagnostics| anyhow::anyhow!("the lint configuration does not load:\n{diagnostics}"))?;
        let set = load_dir(&self.paths.schemas, &LoadOptions::default())
            .map_err(|diagnostics| anyhow::anyhow!("the schemas do not load:\n{diagnostics}"))?;
        for warning in &set.warnings {
            eprintln!("{warning}");
        }
        let findings = lint::run(&set, &config);
        Ok((set, findings))
    }
}

/// Runs `avrokit lint`: exit 0 clean, 1 on findings that fail, 2 when nothing could be
/// checked (the error).
pub fn run(args: &LintArgs) -> anyhow::Result<ExitCode> {
    let (set, findings) = args.findings()?;
    let strictness = if args.deny_warnings {
        Strictness::Strict
    } else {
        Strictness::Lenient
    };
    let passed = lint::print(&findings, &set, args.format.into(), strictness);
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::FINDING)
    })
}
