//! The flags of the compatibility gate's command line, shared by `avrokit compat` and
//! `cargo xtask compat` (which includes this file with `#[path]`), so both take the same
//! flags and run the same [`avrokit_codegen::gate`] functions. The library has no clap:
//! these structs turn the flags into its plain arguments.

use avrokit_codegen::catalog::Compatibility;
use avrokit_codegen::gate::{self, Auth, Baseline, Options, Status};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Arguments of `compat check`: one pair of schema files.
#[derive(Args)]
pub struct CheckArgs {
    /// The schema as registered so far (self-contained: every type it uses defined in it).
    #[arg(long, value_name = "OLD.avsc")]
    old: PathBuf,
    /// The proposed schema.
    #[arg(long, value_name = "NEW.avsc")]
    new: PathBuf,
    /// The registry's compatibility mode.
    #[arg(long, value_enum, default_value_t = Mode::Backward)]
    mode: Mode,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Fail on logical-type warnings too.
    #[arg(long)]
    strict: bool,
}

impl CheckArgs {
    /// Checks the pair: exit 0 compatible, 1 not, 2 when a file does not load.
    pub fn run(&self) -> Status {
        gate::check_pair(&self.old, &self.new, self.mode.into(), self.format.into(), self.strict)
    }
}

/// The modes as the command line spells them (`backward`, `full-transitive`, ...; the
/// registry's upper-case names are accepted too).
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Mode {
    /// The new schema reads the old one's data.
    #[value(alias = "backward")]
    Backward,
    /// Same as BACKWARD for one pair.
    #[value(alias = "backward-transitive", alias = "backward_transitive")]
    BackwardTransitive,
    /// The old schema reads the new one's data.
    #[value(alias = "forward")]
    Forward,
    /// Same as FORWARD for one pair.
    #[value(alias = "forward-transitive", alias = "forward_transitive")]
    ForwardTransitive,
    /// Both.
    #[value(alias = "full")]
    Full,
    /// Same as FULL for one pair.
    #[value(alias = "full-transitive", alias = "full_transitive")]
    FullTransitive,
    /// No check.
    #[value(alias = "none")]
    None,
}

impl From<Mode> for Compatibility {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Backward => Compatibility::Backward,
            Mode::BackwardTransitive => Compatibility::BackwardTransitive,
            Mode::Forward => Compatibility::Forward,
            Mode::ForwardTransitive => Compatibility::ForwardTransitive,
            Mode::Full => Compatibility::Full,
            Mode::FullTransitive => Compatibility::FullTransitive,
            Mode::None => Compatibility::None,
        }
    }
}

/// How results are printed (the command line's names for [`gate::Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `FILE:LINE:COL: RULE: message` lines and a summary, in the spirit of `buf breaking`.
    Text,
    /// One JSON object: `compatible`, `mode`, `messages`, `warnings`, `subjects`.
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…::…`) and the summary.
    Github,
}

impl From<Format> for gate::Format {
    fn from(format: Format) -> Self {
        match format {
            Format::Text => gate::Format::Text,
            Format::Json => gate::Format::Json,
            Format::Github => gate::Format::Github,
        }
    }
}

/// Flags of the whole-directory forms: `--against GIT_REF`, `--against-merge-base
/// BRANCH`, `--registry URL`.
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
    /// The schema directory (`cargo xtask`: relative to the workspace root; `avrokit`: to
    /// the current directory).
    #[arg(long, default_value = "avro-schemas")]
    pub schemas: PathBuf,
    /// The topic catalog, whose topics give the subjects and their modes [default:
    /// SCHEMAS/catalog.toml].
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// Output: `text` (`FILE:LINE:COL: RULE: message`), `json`, or `github` annotations.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Fail on warnings too (logical-type changes the registry accepts).
    #[arg(long)]
    pub strict: bool,
}

impl GateArgs {
    /// Runs the requested form; `None` when none was.
    pub fn run(&self) -> Option<Result<Status, gate::Error>> {
        let options = Options {
            schemas: self.schemas.clone(),
            catalog: self.catalog.clone(),
            format: self.format.into(),
            strict: self.strict,
        };
        if let Some(url) = &self.registry {
            let auth = match (&self.user, &self.password, &self.token) {
                (Some(user), Some(password), _) => Some(Auth::Basic {
                    user: user.clone(),
                    password: password.clone(),
                }),
                (_, _, Some(token)) => Some(Auth::Bearer(token.clone())),
                _ => None,
            };
            return Some(gate::against_registry(&options, url, auth));
        }
        let baseline = match (&self.against, &self.against_merge_base) {
            (Some(rev), _) => Baseline::Ref(rev.clone()),
            (_, Some(branch)) => Baseline::MergeBase(branch.clone()),
            _ => return None,
        };
        Some(gate::against_git(&options, &baseline))
    }
}
