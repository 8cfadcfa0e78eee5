//! `avrokit idl2schemata DIR [--out DIR]`: the named types of Avro IDL (`.avdl`) files as
//! `.avsc` files, one per type, named after it in kebab-case (`TelescopeData` →
//! `telescope-data.avsc`), the layout of a schema directory.
//!
//! `DIR` is a directory (searched recursively; `.avsc` files in it are loaded too, so IDL
//! types may refer to them) or one `.avdl` file. The types written are those the IDL
//! files declare or import from `.avdl` and `.avpr` files; each file holds its type in
//! full and refers to every other named type by full name, so the output directory loads
//! as a set, to the same canonical forms. Exit 0 when written, 2 when the input does not
//! load (every problem located in its `.avdl` file) or two types would share a file name.

use anyhow::{Context, bail};
use avrokit_codegen::ir::{Schema, SchemaSet, TypeId};
use avrokit_codegen::load::file_name;
use avrokit_codegen::schema_json::definition_json;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_files, schema_files};
use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `avrokit idl2schemata`.
#[derive(Args, Debug, Clone)]
pub struct Idl2SchemataArgs {
    /// A directory of `.avdl` files (searched recursively, with any `.avsc` files they
    /// refer to), or one `.avdl` file.
    #[arg(value_name = "DIR")]
    pub input: PathBuf,
    /// Where to write the `.avsc` files (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

/// The files `idl2schemata` would write: file name → schema text, for the types the
/// IDL files declare or import (not those of `.avsc` files, which exist already).
pub fn schemata(set: &SchemaSet) -> anyhow::Result<BTreeMap<String, String>> {
    let mut files: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (id, named) in set.iter() {
        let origin = set.file(named.origin).path();
        if origin.extension().is_some_and(|ext| ext == "avsc") {
            continue;
        }
        let file = file_name(&named.name.name);
        let name = named.name.to_string();
        if let Some((other, _)) = files.get(&file) {
            bail!(
                "`{other}` and `{name}` would both be written to {file}; rename one of them (a schema directory names each file after its type)"
            );
        }
        files.insert(file, (name, pretty(set, id)?));
    }
    Ok(files.into_iter().map(|(file, (_, text))| (file, text)).collect())
}

/// One type's definition, indented as the files of a schema directory are.
fn pretty(set: &SchemaSet, id: TypeId) -> anyhow::Result<String> {
    let compact = definition_json(set, &Schema::Named(id));
    let value: serde_json::Value = serde_json::from_str(&compact).context("the written schema is not JSON")?;
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    Ok(text)
}

/// Loads `input`: a directory's `.avdl` and `.avsc` files, or one file.
fn load(input: &Path) -> anyhow::Result<SchemaSet> {
    let paths = if input.is_dir() {
        schema_files(input).map_err(|diagnostics| anyhow::anyhow!("{diagnostics}"))?
    } else {
        vec![input.to_path_buf()]
    };
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        files.push(SourceFile::new(path, text));
    }
    if !files
        .iter()
        .any(|f| f.path().extension().is_some_and(|ext| ext == "avdl"))
    {
        bail!("{} holds no .avdl file", input.display());
    }
    load_files(files, &LoadOptions::default())
        .map_err(|diagnostics| anyhow::anyhow!("the IDL does not load:\n{diagnostics}"))
}

/// Runs `avrokit idl2schemata`: writes the files and lists them on stdout.
pub fn run(args: &Idl2SchemataArgs) -> anyhow::Result<ExitCode> {
    let set = load(&args.input)?;
    for warning in &set.warnings {
        eprintln!("{warning}");
    }
    let files = schemata(&set)?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    for (name, text) in &files {
        let path = args.out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
    }
    eprintln!(
        "wrote {} schema file{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}
