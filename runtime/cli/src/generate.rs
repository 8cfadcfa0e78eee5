//! `avrokit gen`: everything the schemas and the catalog produce, written into (or, with
//! `--check`, compared with) a generated crate: Rust types with derived codecs in
//! `OUT/src`, sink DDL and migrations in `OUT/sql`, connector JSON in `OUT/connect`.

use crate::schema_dir::{OutDir, SchemaPaths};
use anyhow::Context;
use avrokit_codegen::output::{Staleness, WriteSummary};
use avrokit_codegen::{Generated, Generator};
use clap::Args;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `avrokit gen`.
#[derive(Args, Debug, Clone)]
pub struct GenArgs {
    /// The schemas and the catalog (without one, `gen` writes the Rust types only).
    #[command(flatten)]
    pub paths: SchemaPaths,
    /// Where the output goes.
    #[command(flatten)]
    pub out: OutDir,
    /// Write the Rust files here instead of OUT/src.
    #[arg(long, value_name = "DIR")]
    pub rust_out: Option<PathBuf>,
    /// Write one Rust file with inline modules, with this name, instead of a file per module.
    #[arg(long, value_name = "FILE")]
    pub single_file: Option<String>,
    /// Name of the root module's file (files-per-module layout).
    #[arg(long, default_value = "lib.rs", conflicts_with = "single_file")]
    pub root_file: String,
    /// Cargo feature that enables serde derives; `none` for no serde attributes.
    #[arg(long, default_value = "serde")]
    pub serde_feature: String,
    /// Plain types, without `#[derive(avrokit::AvroMessage)]` (no codecs).
    #[arg(long, conflicts_with = "derive_codecs")]
    pub plain: bool,
    /// The schema directory as the generated crate's `Cargo.toml` sees it, for the derive
    /// [default: SCHEMAS relative to OUT, e.g. `../avro-schemas`].
    #[arg(long, value_name = "DIR")]
    pub derive_codecs: Option<String>,
    /// Accept any file layout (by default each `.avsc` file holds one named type and is
    /// named after it in kebab-case; `.avdl` files hold any number of types).
    #[arg(long)]
    pub any_layout: bool,
    /// The generated crate's documentation (its root module's doc comment).
    #[arg(long, value_name = "TEXT")]
    pub root_doc: Option<String>,
    /// Format the Rust files with rustfmt under this config [default: `rustfmt.toml` or
    /// `.rustfmt.toml` of the current directory, when one exists; else prettyplease's
    /// layout as it is].
    #[arg(long, value_name = "FILE")]
    pub rustfmt_config: Option<PathBuf>,
    /// Write nothing; exit 1 and list stale files when the output is out of date.
    #[arg(long)]
    pub check: bool,
    /// The Rust type of `string` values, over the `[codegen]` table's `string_type`.
    #[arg(long, value_name = "TYPE", value_parser = avrokit_codegen::StringType::NAMES)]
    pub string_type: Option<String>,
    /// The Rust type of `bytes` values, over the `[codegen]` table's `bytes_type`.
    #[arg(long, value_name = "TYPE", value_parser = avrokit_codegen::BytesType::NAMES)]
    pub bytes_type: Option<String>,
    /// Derive this on every generated type (repeatable), besides the `[codegen]` table's.
    #[arg(long = "derive", value_name = "PATH")]
    pub derives: Vec<String>,
    /// Put this outer attribute (`#[non_exhaustive]`) on every generated type (repeatable).
    #[arg(long = "attribute", value_name = "ATTRIBUTE")]
    pub attributes: Vec<String>,
    /// A TOML file whose `[codegen]` table configures the generated code (the catalog's
    /// `[codegen]` table is read without this).
    #[arg(long, value_name = "FILE")]
    pub codegen_config: Option<PathBuf>,
}

impl Default for GenArgs {
    fn default() -> Self {
        GenArgs {
            paths: SchemaPaths::default(),
            out: OutDir::default(),
            rust_out: None,
            single_file: None,
            root_file: "lib.rs".to_owned(),
            serde_feature: "serde".to_owned(),
            plain: false,
            derive_codecs: None,
            any_layout: false,
            root_doc: None,
            rustfmt_config: None,
            check: false,
            string_type: None,
            bytes_type: None,
            derives: Vec::new(),
            attributes: Vec::new(),
            codegen_config: None,
        }
    }
}

/// Where each kind of output goes.
struct Outputs {
    rust: PathBuf,
    sql: PathBuf,
    connect: PathBuf,
}

impl GenArgs {
    fn outputs(&self) -> Outputs {
        Outputs {
            rust: self.rust_out.clone().unwrap_or_else(|| self.out.out.join("src")),
            sql: self.out.sql(),
            connect: self.out.connect(),
        }
    }

    /// The generator these flags describe.
    pub fn generator(&self) -> Generator {
        let outputs = self.outputs();
        let mut generator = Generator::new(&self.paths.schemas)
            .schema_layout(if self.any_layout {
                avrokit_codegen::SchemaLayout::Any
            } else {
                avrokit_codegen::SchemaLayout::OneTypePerFile
            })
            .serde_feature((self.serde_feature != "none").then_some(self.serde_feature.as_str()))
            .root_file(&self.root_file)
            .migrations(outputs.sql.join(avrokit_codegen::sql::MIGRATIONS_DIR));
        if let Some(file) = &self.single_file {
            generator = generator.single_file(file);
        }
        if let Some(catalog) = self.paths.catalog_if_any() {
            generator = generator.catalog(catalog);
        }
        if !self.plain {
            let dir = self.derive_codecs.clone().unwrap_or_else(|| {
                relative_to(&self.out.out, &self.paths.schemas)
                    .to_string_lossy()
                    .into_owned()
            });
            generator = generator.derive_codecs(dir);
        }
        if let Some(doc) = &self.root_doc {
            generator = generator.root_doc(doc);
        }
        // clap has checked the spellings against the same lists.
        if let Some(t) = self.string_type.as_deref().and_then(avrokit_codegen::StringType::parse) {
            generator = generator.string_type(t);
        }
        if let Some(t) = self.bytes_type.as_deref().and_then(avrokit_codegen::BytesType::parse) {
            generator = generator.bytes_type(t);
        }
        for derive in &self.derives {
            generator = generator.derive(derive);
        }
        for attribute in &self.attributes {
            generator = generator.attribute(attribute);
        }
        if let Some(file) = &self.codegen_config {
            generator = generator.codegen_file(file);
        }
        generator
    }

    fn rustfmt_config(&self) -> Option<PathBuf> {
        self.rustfmt_config.clone().or_else(|| {
            ["rustfmt.toml", ".rustfmt.toml"]
                .into_iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
        })
    }
}

/// `to` as seen from the directory `from`, both relative to the same directory (or both
/// absolute): `relative_to("generated", "avro-schemas") == "../avro-schemas"`.
fn relative_to(from: &Path, to: &Path) -> PathBuf {
    fn normal(p: &Path) -> Vec<Component<'_>> {
        p.components().filter(|c| *c != Component::CurDir).collect()
    }
    let (from, to) = (normal(from), normal(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = from[common..].iter().map(|_| Component::ParentDir).collect();
    path.extend(&to[common..]);
    path
}

/// Runs `avrokit gen`: exit 0 written (or up to date), 1 stale under `--check`, 2 when the
/// schemas or the catalog do not load, or a file cannot be written.
pub fn run(args: &GenArgs) -> anyhow::Result<ExitCode> {
    let mut generated = match args.generator().generate() {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return Ok(ExitCode::from(crate::ERROR));
        }
    };
    // Schemas the reference parsers accept with a warning (an ignored logical type, a
    // record that can never end) still generate; say so where people look.
    for warning in &generated.schemas.warnings {
        eprintln!("{warning}");
    }
    if let Some(config) = args.rustfmt_config() {
        for file in &mut generated.rust {
            file.contents = crate::rustfmt::format(&config, &file.contents)?;
        }
    }
    let outputs = args.outputs();
    let counts = Counts::of(&generated);
    if args.check {
        let mut stale: Vec<Staleness> = generated.check_rust(&outputs.rust)?;
        if generated.catalog.is_some() {
            stale.extend(generated.check_sql(&outputs.sql)?);
            stale.extend(generated.check_connect(&outputs.connect)?);
        }
        if stale.is_empty() {
            counts.print(|kind| format!("{kind}, up to date"));
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{} is out of date ({} files):", args.out.out.display(), stale.len());
        for item in &stale {
            eprintln!("  {item}");
        }
        eprintln!("run `avrokit gen` and commit the result");
        return Ok(ExitCode::from(crate::FINDING));
    }
    let write = |summary: std::io::Result<WriteSummary>, dir: &Path| -> anyhow::Result<String> {
        let summary = summary.with_context(|| format!("writing {}", dir.display()))?;
        Ok(format!(
            "({} written, {} unchanged, {} removed) -> {}",
            summary.written,
            summary.unchanged,
            summary.removed,
            dir.display()
        ))
    };
    let rust = write(generated.write_rust(&outputs.rust), &outputs.rust)?;
    println!("rust:    {} {rust}", counts.rust);
    if generated.catalog.is_some() {
        let sql = write(generated.write_sql(&outputs.sql), &outputs.sql)?;
        println!("sql:     {} {sql}", counts.sql);
        let connect = write(generated.write_connect(&outputs.connect), &outputs.connect)?;
        println!("connect: {} {connect}", counts.connect);
        println!("catalog: {}", counts.topics);
    }
    Ok(ExitCode::SUCCESS)
}

/// What a run produced, in words.
struct Counts {
    rust: String,
    sql: String,
    connect: String,
    topics: String,
    has_catalog: bool,
}

impl Counts {
    fn of(generated: &Generated) -> Counts {
        let tables = generated
            .sql
            .iter()
            .filter(|f| f.path.parent() == Some(Path::new("")))
            .count();
        Counts {
            rust: format!(
                "{} types in {} files",
                generated.schemas.types.len(),
                generated.rust.len()
            ),
            sql: format!("{tables} sink tables"),
            connect: format!("{} connector files", generated.connect.len()),
            topics: format!(
                "{} topics checked",
                generated.catalog.as_ref().map_or(0, |c| c.topics.len())
            ),
            has_catalog: generated.catalog.is_some(),
        }
    }

    /// One line per kind of output, each through `line`.
    fn print(&self, line: impl Fn(&str) -> String) {
        println!("rust:    {}", line(&self.rust));
        if self.has_catalog {
            println!("sql:     {}", line(&self.sql));
            println!("connect: {}", line(&self.connect));
            println!("catalog: {}", self.topics);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::relative_to;
    use std::path::Path;

    #[test]
    fn the_schema_directory_as_the_generated_crate_sees_it() {
        assert_eq!(
            relative_to(Path::new("generated"), Path::new("avro-schemas")),
            Path::new("../avro-schemas")
        );
        assert_eq!(
            relative_to(Path::new("./crates/types"), Path::new("avro-schemas")),
            Path::new("../../avro-schemas")
        );
        assert_eq!(
            relative_to(Path::new("a/b"), Path::new("a/schemas")),
            Path::new("../schemas")
        );
        assert_eq!(
            relative_to(Path::new("."), Path::new("avro-schemas")),
            Path::new("avro-schemas")
        );
    }
}
