//! `avrokit avro tojson|fromjson|fingerprint|canonical`: look at and craft Avro data by a
//! schema read at run time (no generated type needed), like avro-tools.
//!
//! ```text
//! avrokit avro tojson   --type astro.beam.TelescopeData [--writer old.avsc] < datum.bin > datum.json
//! avrokit avro fromjson --schema telescope-data.avsc < datum.json > datum.bin
//! avrokit avro canonical --type astro.beam.TelescopeData
//! avrokit avro fingerprint --schema telescope-data.avsc
//! ```
//!
//! A datum is one value in Avro binary, as a Kafka message body holds it after the 5-byte
//! Confluent header. JSON is the Avro JSON encoding (unions as `{"type": value}`, bytes as
//! code points 0-255).

use anyhow::{Context, bail};
use avrokit::{Schema, avro_json, resolve::Plan};
use avrokit_codegen::{LoadOptions, load_dir};
use clap::{Args, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `avrokit avro`.
#[derive(Args, Debug)]
pub struct AvroArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AvroCommand,
}

/// Which schema: a file, or a named type of the schema directory.
#[derive(Args, Debug, Clone, Default)]
pub struct SchemaSource {
    /// A self-contained `.avsc` file.
    #[arg(
        long,
        value_name = "FILE.avsc",
        conflicts_with = "type_name",
        required_unless_present = "type_name"
    )]
    pub schema: Option<PathBuf>,
    /// A named type of the schema directory (`--schemas`), by its full name.
    #[arg(long = "type", value_name = "FULL.NAME")]
    pub type_name: Option<String>,
    /// The schema directory `--type` looks in.
    #[arg(long, env = crate::schema_dir::SCHEMAS_VAR, default_value = crate::schema_dir::DEFAULT_SCHEMAS, value_name = "DIR")]
    pub schemas: PathBuf,
}

impl SchemaSource {
    /// The schema, self-contained.
    pub fn load(&self) -> anyhow::Result<Schema> {
        match (&self.schema, &self.type_name) {
            (Some(file), _) => {
                let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
                Schema::parse(&text)
                    .map_err(|err| anyhow::anyhow!("{}: the schema does not load:\n{err}", file.display()))
            }
            (None, Some(name)) => named_type(&self.schemas, name),
            (None, None) => bail!("pass --schema FILE.avsc or --type FULL.NAME"),
        }
    }
}

/// The named type `name` of the schema directory `dir`, self-contained.
pub(crate) fn named_type(dir: &std::path::Path, name: &str) -> anyhow::Result<Schema> {
    let set = load_dir(dir, &LoadOptions::default())
        .map_err(|diagnostics| anyhow::anyhow!("the schemas of {} do not load:\n{diagnostics}", dir.display()))?;
    let Some(id) = set.lookup(name) else {
        let known: Vec<String> = set.types.iter().map(|t| t.name.to_string()).collect();
        let hint = avrokit_codegen::diagnostic::did_you_mean(name, known.iter().map(String::as_str), || {
            format!("the types are: {}", known.join(", "))
        });
        bail!("no type `{name}` in {}: {hint}", dir.display());
    };
    crate::schema_dir::runtime_schema(&set, &avrokit_codegen::ir::Schema::Named(id))
        .with_context(|| format!("type `{name}`"))
}

/// The subcommands of `avrokit avro`.
#[derive(Subcommand, Debug)]
pub enum AvroCommand {
    /// Avro binary (one datum on stdin) to Avro JSON (stdout).
    Tojson {
        /// The reader's schema.
        #[command(flatten)]
        schema: SchemaSource,
        /// The schema the datum was written with, when it is another version: the datum
        /// is resolved to the reader's schema first.
        #[arg(long, value_name = "WRITER.avsc")]
        writer: Option<PathBuf>,
        /// Indent the JSON.
        #[arg(long)]
        pretty: bool,
    },
    /// Avro JSON (one value on stdin) to Avro binary (stdout).
    Fromjson {
        /// The schema.
        #[command(flatten)]
        schema: SchemaSource,
    },
    /// The schema's Parsing Canonical Form.
    Canonical {
        /// The schema.
        #[command(flatten)]
        schema: SchemaSource,
    },
    /// The schema's CRC-64-AVRO (Rabin) fingerprint of its canonical form, in hex, as
    /// Avro single-object encoding and Java's `SchemaNormalization` compute it.
    Fingerprint {
        /// The schema.
        #[command(flatten)]
        schema: SchemaSource,
    },
}

/// Runs `avrokit avro ...`: exit 0, or 2 on bad input.
pub fn run(args: &AvroArgs) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match &args.command {
        AvroCommand::Tojson { schema, writer, pretty } => {
            let reader = schema.load()?;
            let datum = stdin()?;
            let datum = match writer {
                Some(file) => {
                    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
                    let writer = Schema::parse(&text)
                        .map_err(|err| anyhow::anyhow!("{}: the schema does not load:\n{err}", file.display()))?;
                    Plan::new(&writer, &reader)
                        .map_err(|err| {
                            anyhow::anyhow!("{} cannot be read as the reader's schema: {err}", file.display())
                        })?
                        .transcode(&datum)
                        .context("the datum does not match the writer's schema")?
                }
                None => datum,
            };
            let json = avro_json::to_json(&reader, &datum).context("the datum does not match the schema")?;
            let text = if *pretty {
                serde_json::to_string_pretty(&json)?
            } else {
                json.to_string()
            };
            writeln!(stdout, "{text}")?;
        }
        AvroCommand::Fromjson { schema } => {
            let schema = schema.load()?;
            let input = stdin()?;
            let json: serde_json::Value = serde_json::from_slice(&input).context("stdin is not JSON")?;
            let bytes = avro_json::from_json(&schema, &json)?;
            stdout.write_all(&bytes)?;
        }
        AvroCommand::Canonical { schema } => writeln!(stdout, "{}", schema.load()?.canonical_form())?,
        AvroCommand::Fingerprint { schema } => writeln!(stdout, "{:016x}", schema.load()?.fingerprint())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn stdin() -> anyhow::Result<Vec<u8>> {
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).context("reading stdin")?;
    Ok(input)
}
