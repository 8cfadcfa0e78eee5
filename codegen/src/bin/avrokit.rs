//! `avrokit`: the code generator as a command, for repositories that use neither this
//! workspace nor a `build.rs` (install with `cargo install avrokit-codegen --features cli`).

use avrokit_codegen::Generator;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Schema-first Avro code generation.
#[derive(Parser)]
#[command(name = "avrokit", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate Rust modules from a directory of `.avsc` files.
    Gen {
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
        /// Write nothing; exit 1 and list stale files when the output is out of date.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let Command::Gen {
        schemas,
        out,
        catalog,
        single_file,
        root_file,
        serde_feature,
        one_type_per_file,
        check,
    } = Cli::parse().command;
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
