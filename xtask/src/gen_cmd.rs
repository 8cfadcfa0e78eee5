//! `cargo xtask gen`: generate everything from `avro-schemas/` into `generated/`.

use crate::{rustfmt, workspace};
use avrokit_codegen::Generator;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `cargo xtask gen`.
#[derive(Args)]
pub struct GenArgs {
    /// Directory of `.avsc` files and `catalog.toml`.
    #[arg(long, default_value = "avro-schemas")]
    schemas: PathBuf,
    /// The generated crate's directory.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Write nothing; fail, listing stale files, when the output is out of date.
    #[arg(long)]
    check: bool,
}

pub fn run(args: GenArgs) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    let out = root.join(&args.out);
    // Diagnostics name files relative to the workspace, as a person would type them.
    std::env::set_current_dir(&root)?;
    let mut generated = match Generator::new(&args.schemas)
        .catalog(args.schemas.join("catalog.toml"))
        .migrations(out.join("sql").join(avrokit_codegen::sql::MIGRATIONS_DIR))
        .one_type_per_file(true)
        .derive_codecs(format!("../{}", args.schemas.display()))
        .root_doc(ROOT_DOC)
        .generate()
    {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return Ok(ExitCode::FAILURE);
        }
    };
    for file in &mut generated.rust {
        file.contents = rustfmt::format(&root, &file.contents)?;
    }
    let src = out.join("src");
    let sql_dir = out.join("sql");
    let connect_dir = out.join("connect");
    let connectors = generated.connect.len();
    let tables = generated
        .sql
        .iter()
        .filter(|f| f.path.parent() == Some(std::path::Path::new("")))
        .count();
    let types = generated.schemas.types.len();
    let modules = generated.rust.len();
    let topics = generated.catalog.as_ref().map_or(0, |c| c.topics.len());
    if args.check {
        let mut stale = generated.check_rust(&src)?;
        stale.extend(generated.check_sql(&sql_dir)?);
        stale.extend(generated.check_connect(&connect_dir)?);
        if stale.is_empty() {
            println!("rust:    {types} types in {modules} files, up to date");
            println!("sql:     {tables} sink tables, up to date");
            println!("connect: {connectors} connector files, up to date");
            println!("catalog: {topics} topics checked");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{} is out of date ({} files):", args.out.display(), stale.len());
        for item in &stale {
            eprintln!("  {item}");
        }
        eprintln!("run `cargo xtask gen` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    let summary = generated.write_rust(&src)?;
    println!(
        "rust:    {types} types in {modules} files ({} written, {} unchanged, {} removed) -> {}",
        summary.written,
        summary.unchanged,
        summary.removed,
        args.out.join("src").display()
    );
    let summary = generated.write_sql(&sql_dir)?;
    println!(
        "sql:     {tables} sink tables ({} written, {} unchanged, {} removed) -> {}",
        summary.written,
        summary.unchanged,
        summary.removed,
        args.out.join("sql").display()
    );
    let summary = generated.write_connect(&connect_dir)?;
    println!(
        "connect: {connectors} connector files ({} written, {} unchanged, {} removed) -> {}",
        summary.written,
        summary.unchanged,
        summary.removed,
        args.out.join("connect").display()
    );
    println!("catalog: {topics} topics checked");
    Ok(ExitCode::SUCCESS)
}

const ROOT_DOC: &str = "# avrokit-generated\n\nRust types for the schemas in `avro-schemas/`, one module per Avro namespace,\nwritten by `cargo xtask gen`. Do not edit: change the `.avsc` files and regenerate.\n\nFeature `serde` adds `Serialize`/`Deserialize` for a JSON view of the data.";
