//! `avrokit compat`: the compatibility gate.
//!
//! * `compat check --old OLD.avsc --new NEW.avsc [--mode MODE]`: one pair of files.
//! * `compat` (alone: `--against-merge-base main`), `--against GIT_REF`,
//!   `--against-merge-base BRANCH`: every subject of the schema directory against its
//!   earlier versions in git ([`avrokit_codegen::gate::against_git`]).
//! * `compat --registry [URL]`: every catalog subject against a live registry
//!   ([`registry::against_registry`], on the runtime's registry client).
//! * `--accept-file FILE` (default `SCHEMAS/compat-accept.toml` when it exists): findings
//!   accepted on purpose, reported with their reasons and not failing; `--write-baseline
//!   [--reason TEXT]` writes that file from what the gate finds against git.
//!
//! Every form exits 0 when compatible, 1 when not, 2 when it cannot decide (a file that
//! does not load, a ref the clone lacks, a registry that cannot be asked).

#[cfg(feature = "registry")]
pub mod registry;

use crate::endpoints;
#[cfg(feature = "registry")]
use crate::endpoints::RegistryAuthArgs;
pub use crate::output::OutputFormat;
use crate::schema_dir::SchemaPaths;
use avrokit_codegen::Compatibility;
use avrokit_codegen::gate::{self, AcceptFile, Baseline, Options, Status};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `avrokit compat`.
#[derive(Args, Debug, Default)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CompatArgs {
    /// `compat check`, or none for the whole-directory forms.
    #[command(subcommand)]
    pub command: Option<CompatCommand>,
    /// `--against GIT_REF`, `--against-merge-base BRANCH`, `--registry [URL]`.
    #[command(flatten)]
    pub gate: GateArgs,
}

/// The subcommands of `avrokit compat`.
#[derive(Subcommand, Debug)]
pub enum CompatCommand {
    /// Check one pair of `.avsc` files under a compatibility mode.
    Check(CheckArgs),
}

/// A mode as the command line spells it: the registry's name in any case, with `-` or
/// `_` (`backward`, `FULL_TRANSITIVE`, `forward-transitive`).
fn parse_mode(text: &str) -> Result<Compatibility, String> {
    Compatibility::parse(&text.replace('-', "_")).ok_or_else(|| {
        let names: Vec<&str> = Compatibility::ALL.iter().map(|m| m.as_str()).collect();
        format!("unknown mode `{text}`; use one of {}", names.join(", "))
    })
}

/// Arguments of `compat check`: one pair of schema files.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The schema as registered so far (self-contained: every type it uses defined in it).
    #[arg(long, value_name = "OLD.avsc")]
    pub old: PathBuf,
    /// The proposed schema.
    #[arg(long, value_name = "NEW.avsc")]
    pub new: PathBuf,
    /// The registry's compatibility mode.
    #[arg(long, value_parser = parse_mode, default_value = "BACKWARD")]
    pub mode: Compatibility,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Fail on logical-type warnings too.
    #[arg(long)]
    pub strict: bool,
}

/// `--strict` as the gate takes it.
fn strictness(strict: bool) -> avrokit_codegen::Strictness {
    if strict {
        avrokit_codegen::Strictness::Strict
    } else {
        avrokit_codegen::Strictness::Lenient
    }
}

impl CheckArgs {
    /// Checks the pair: exit 0 compatible, 1 not, 2 when a file does not load.
    pub fn run(&self) -> Status {
        gate::check_pair(
            &self.old,
            &self.new,
            self.mode,
            self.format.into(),
            strictness(self.strict),
        )
    }
}

impl From<OutputFormat> for gate::Format {
    fn from(format: OutputFormat) -> Self {
        match format {
            OutputFormat::Text => gate::Format::Text,
            OutputFormat::Json => gate::Format::Json,
            OutputFormat::Github => gate::Format::Github,
        }
    }
}

/// Flags of the whole-directory forms.
#[derive(Args, Debug)]
pub struct GateArgs {
    /// Check every schema against its earlier versions in git up to this ref (branch,
    /// tag, commit): the version at the ref for non-transitive modes, every version up to
    /// it for transitive ones.
    #[arg(long, value_name = "GIT_REF", conflicts_with_all = ["against_merge_base", "registry"])]
    pub against: Option<String>,
    /// Like `--against`, with the merge base of HEAD and this branch (falls back to
    /// `origin/BRANCH`): what a change adds to it. The default form, with `main`.
    #[arg(long, value_name = "BRANCH", conflicts_with = "registry")]
    pub against_merge_base: Option<String>,
    /// Ask a Schema Registry about every catalog subject: this URL, else
    /// $SCHEMA_REGISTRY_URL, else the running dev stack's.
    #[arg(long, value_name = "URL", num_args = 0..=1)]
    pub registry: Option<Option<String>>,
    /// Registry credentials and TLS.
    #[cfg(feature = "registry")]
    #[command(flatten)]
    pub auth: RegistryAuthArgs,
    /// The schemas and the catalog.
    #[command(flatten)]
    pub paths: SchemaPaths,
    /// Output: `text` (`FILE:LINE:COL: RULE: message` lines and a summary), `github`
    /// (Actions annotations), or `json`: one object with `compatible` (the gate passes),
    /// `strict`, `mode`, `messages` and `warnings` (each naming its `subject`, located),
    /// `subjects` (`subject`, `compatible`, `passes`, `mode`, `failed_version`,
    /// `registry_messages`) and `problems`; with `--registry` its notes go to stderr.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Fail on warnings too (logical-type changes the registry accepts) and on stale
    /// entries of the accept file.
    #[arg(long)]
    pub strict: bool,
    /// Findings accepted on purpose: a TOML file of `[[accept]]` entries (`subject`,
    /// `rule`, `pointer`, `reason`); default `SCHEMAS/compat-accept.toml` when it exists.
    /// An accepted finding is reported with its reason and does not fail; an entry that
    /// matches nothing is reported as stale (failing only with `--strict`).
    #[arg(long, value_name = "FILE", env = "AVROKIT_ACCEPT_FILE")]
    pub accept_file: Option<PathBuf>,
    /// Write the accept file so that it accepts every current finding against git: entries
    /// that still match keep their reasons, stale ones go, new ones get `--reason`.
    #[arg(long, conflicts_with = "registry")]
    pub write_baseline: bool,
    /// The reason written beside each new entry by `--write-baseline` (needed when there
    /// are new findings).
    #[arg(long, value_name = "TEXT", requires = "write_baseline")]
    pub reason: Option<String>,
}

impl Default for GateArgs {
    fn default() -> Self {
        GateArgs {
            against: None,
            against_merge_base: None,
            registry: None,
            #[cfg(feature = "registry")]
            auth: RegistryAuthArgs::default(),
            paths: SchemaPaths::default(),
            format: OutputFormat::Text,
            strict: false,
            accept_file: None,
            write_baseline: false,
            reason: None,
        }
    }
}

impl GateArgs {
    /// Runs the form the flags ask for (against the merge base with `main` when none).
    pub fn run(&self) -> anyhow::Result<Status> {
        let mut options = Options::new(&self.paths.schemas)
            .with_catalog(self.paths.catalog.clone())
            .with_format(self.format.into())
            .with_strictness(strictness(self.strict));
        // Absolute: the git forms read from the repository root.
        let conventional = self.paths.schemas.join(gate::ACCEPT_FILE_NAME);
        let accept_path = match &self.accept_file {
            Some(path) => Some(std::path::absolute(path)?),
            None if conventional.is_file() => Some(std::path::absolute(&conventional)?),
            None => None,
        };
        let load =
            |path: &std::path::Path| AcceptFile::load(path).map_err(|diagnostics| anyhow::anyhow!("{diagnostics}"));
        if self.write_baseline {
            let accept = match accept_path {
                Some(path) if path.exists() => load(&path)?,
                Some(path) => AcceptFile::empty(path),
                None => AcceptFile::empty(std::path::absolute(&conventional)?),
            };
            return Ok(gate::write_baseline(
                &options,
                &self.baseline(),
                &accept,
                self.reason.as_deref(),
            )?);
        }
        if let Some(path) = accept_path {
            options = options.with_accept(load(&path)?);
        }
        if let Some(url) = &self.registry {
            let url = endpoints::resolve(
                url.as_deref()
                    .or(std::env::var(endpoints::REGISTRY_URL_VAR).ok().as_deref()),
                endpoints::REGISTRY_URL_VAR,
                "schema registry",
                "--registry URL",
            )?;
            #[cfg(feature = "registry")]
            {
                let client = avrokit::registry_client::BlockingRegistryClient::new(self.auth.config(&url)?)?;
                return registry::against_registry(&options, &client);
            }
            #[cfg(not(feature = "registry"))]
            anyhow::bail!(
                "this build has no registry client (feature `registry`): run `avrokit compat --registry {url}`"
            );
        }
        Ok(gate::against_git(&options, &self.baseline())?)
    }

    /// The git baseline the flags name (the merge base with `main` when none).
    fn baseline(&self) -> Baseline {
        match (&self.against, &self.against_merge_base) {
            (Some(rev), _) => Baseline::Ref(rev.clone()),
            (_, Some(branch)) => Baseline::MergeBase(branch.clone()),
            _ => Baseline::MergeBase("main".to_owned()),
        }
    }
}

/// Runs `avrokit compat`: exit 0 compatible, 1 not, 2 undecided.
pub fn run(args: &CompatArgs) -> anyhow::Result<ExitCode> {
    let status = match &args.command {
        Some(CompatCommand::Check(check)) => check.run(),
        None => args.gate.run()?,
    };
    Ok(status.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_in_every_spelling() {
        assert_eq!(parse_mode("backward"), Ok(Compatibility::Backward));
        assert_eq!(parse_mode("full-transitive"), Ok(Compatibility::FullTransitive));
        assert_eq!(parse_mode("FORWARD_TRANSITIVE"), Ok(Compatibility::ForwardTransitive));
        assert!(parse_mode("sideways").unwrap_err().contains("use one of BACKWARD"));
    }
}
