//! `avrokit`: the code generator and the compatibility gate as a command, for
//! repositories that use neither this workspace nor a `build.rs` (not on crates.io:
//! install with `cargo install --git <this repository> avrokit-codegen --features cli`).

// Beside this file, not in `src/bin/`, where cargo would take it for a binary of its own.
#[path = "avrokit/compat_args.rs"]
mod compat_args;

use avrokit_codegen::Generator;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Schema-first Avro code generation and compatibility checks.
#[derive(Parser)]
#[command(name = "avrokit", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate Rust modules from a directory of `.avsc` files.
    Gen(GenArgs),
    /// The compatibility gate: `compat check --old OLD.avsc --new NEW.avsc [--mode MODE]`
    /// checks one pair as the Schema Registry would; `compat --against GIT_REF`,
    /// `--against-merge-base BRANCH` or `--registry URL` checks every subject of the schema
    /// directory (exit 0 compatible, 1 not, 2 errors).
    Compat(CompatArgs),
}

/// Arguments of `avrokit gen`.
#[derive(Args)]
struct GenArgs {
    /// Directory of `.avsc` files (searched recursively).
    #[arg(long, default_value = "avro-schemas")]
    schemas: PathBuf,
    /// Directory the Rust files are written to (e.g. a crate's `src/`).
    #[arg(long)]
    out: PathBuf,
    /// A topic catalog to check against the schemas.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// Write one file with inline modules, with this name, instead of a file per module.
    #[arg(long)]
    single_file: Option<String>,
    /// Name of the root module's file (files-per-module layout).
    #[arg(long, default_value = "lib.rs", conflicts_with = "single_file")]
    root_file: String,
    /// Cargo feature that enables serde derives; `none` for no serde attributes.
    #[arg(long, default_value = "serde")]
    serde_feature: String,
    /// Require one named type per file, named after it in kebab-case.
    #[arg(long)]
    one_type_per_file: bool,
    /// Derive `avrokit::AvroMessage` (the Avro codecs) on every type, reading the schemas
    /// from DIR: the schema directory as seen from the `Cargo.toml` of the crate that
    /// compiles the output (e.g. `avro-schemas` or `../avro-schemas`). Without it the
    /// types are plain.
    #[arg(long, value_name = "DIR")]
    derive_codecs: Option<String>,
    /// Write nothing; exit 1 and list stale files when the output is out of date.
    #[arg(long)]
    check: bool,
}

/// Arguments of `avrokit compat`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct CompatArgs {
    #[command(subcommand)]
    command: Option<CompatCommand>,
    /// `--against GIT_REF`, `--against-merge-base BRANCH`, `--registry URL`.
    #[command(flatten)]
    gate: compat_args::GateArgs,
}

/// The subcommands of `avrokit compat`.
#[derive(Subcommand)]
enum CompatCommand {
    /// Check one pair of `.avsc` files under a compatibility mode.
    Check(compat_args::CheckArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Gen(args) => generate(args),
        Command::Compat(args) => compat(args),
    }
}

/// `avrokit compat`: paths are relative to the current directory.
fn compat(args: CompatArgs) -> ExitCode {
    if let Some(CompatCommand::Check(check)) = args.command {
        return check.run().into();
    }
    match args.gate.run() {
        Some(Ok(status)) => status.into(),
        Some(Err(err)) => {
            eprintln!("error: {err}");
            avrokit_codegen::gate::Status::from(&err).into()
        }
        None => {
            eprintln!(
                "usage: avrokit compat check --old OLD.avsc --new NEW.avsc [--mode MODE] [--format text|json|github]\n\
                 \x20      avrokit compat --against GIT_REF | --against-merge-base BRANCH | --registry URL [--schemas DIR]"
            );
            ExitCode::from(2)
        }
    }
}

/// `avrokit gen`.
fn generate(args: GenArgs) -> ExitCode {
    let GenArgs {
        schemas,
        out,
        catalog,
        single_file,
        root_file,
        serde_feature,
        one_type_per_file,
        derive_codecs,
        check,
    } = args;
    let mut generator = Generator::new(schemas)
        .one_type_per_file(one_type_per_file)
        .serde_feature((serde_feature != "none").then_some(serde_feature.as_str()))
        .root_file(root_file);
    if let Some(file) = single_file {
        generator = generator.single_file(file);
    }
    if let Some(catalog) = catalog {
        generator = generator.catalog(catalog);
    }
    if let Some(schema_dir) = derive_codecs {
        generator = generator.derive_codecs(schema_dir);
    }
    let generated = match generator.generate() {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    let result = if check {
        generated.check_rust(&out).map(|stale| {
            for item in &stale {
                eprintln!("{item}");
            }
            stale.is_empty()
        })
    } else {
        generated.write_rust(&out).map(|summary| {
            println!(
                "{} types: {} files written, {} unchanged, {} removed",
                generated.schemas.types.len(),
                summary.written,
                summary.unchanged,
                summary.removed
            );
            true
        })
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: cannot write to {}: {err}", out.display());
            ExitCode::from(2)
        }
    }
}
