//! `cargo xtask compat check`: one pair of schema files, old and new, under one mode.

use super::format::{self, Checked, Format};
use avrokit_codegen::catalog::Compatibility;
use avrokit_codegen::compat::{self, Version};
use avrokit_codegen::ir::{Schema, SchemaSet};
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_files, schema_json};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `cargo xtask compat check`.
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

/// Runs the check; exit 2 (with the loader's located diagnostics) when a file does not load.
pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let (old, new) = match (load(&args.old), load(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for err in [old.err(), new.err()].into_iter().flatten() {
                eprintln!("{err}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let previous = [Version {
        number: 1,
        set: &old.0,
        schema: &old.1,
    }];
    let verdict = compat::check((&new.0, &new.1), &previous, args.mode.into());
    let checked = Checked {
        subject: args.new.display().to_string(),
        failed_json: verdict.failed_version.map(|_| schema_json::to_json(&old.0, &old.1)),
        verdict,
    };
    let passed = format::print(&[checked], args.format, args.strict);
    Ok(if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Loads one self-contained `.avsc` file: its set and its top-level schema.
fn load(path: &Path) -> Result<(SchemaSet, Schema), String> {
    let text =
        std::fs::read_to_string(path).map_err(|err| format!("{}: cannot read the file: {err}", path.display()))?;
    let set = load_files(vec![SourceFile::new(path, text)], &LoadOptions::default()).map_err(|d| d.to_string())?;
    let root = set.roots[0].clone();
    Ok((set, root))
}
