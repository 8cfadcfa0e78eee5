//! `avrokit docs`: the schema catalog site, static HTML to open from disk (no server):
//! a page per topic, type and sink table, search across names, a graph of topics → types
//! → tables, and each type's version history from git with every change's compatibility
//! verdict. The pages come from [`avrokit_codegen::site`]; this command loads the inputs,
//! reads the history and writes the files.

use crate::schema_dir::SchemaPaths;
use anyhow::Context;
use avrokit_codegen::catalog::load_catalog;
use avrokit_codegen::site::{self, History};
use avrokit_codegen::{LoadOptions, load_dir};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Where the site goes by default: beside the build output, out of version control.
pub const DEFAULT_DOCS_OUT: &str = "target/avrokit-docs";

/// Arguments of `avrokit docs`.
#[derive(Args, Debug, Clone)]
pub struct DocsArgs {
    /// The schema directory and its catalog.
    #[command(flatten)]
    pub paths: SchemaPaths,
    /// The site's directory: `index.html` and the pages (pages an earlier run wrote for
    /// topics, types or tables that are gone are removed).
    #[arg(long, default_value = DEFAULT_DOCS_OUT, value_name = "DIR")]
    pub out: PathBuf,
    /// Leave out the version history (read nothing from git).
    #[arg(long)]
    pub no_history: bool,
}

impl Default for DocsArgs {
    fn default() -> Self {
        DocsArgs {
            paths: SchemaPaths::default(),
            out: PathBuf::from(DEFAULT_DOCS_OUT),
            no_history: false,
        }
    }
}

/// Builds the site: exit 0 when written, an error (exit 2) when the schemas or the catalog
/// do not load or the directory cannot be written. Without git history (not a
/// repository, git missing) the site is written without it, with a note on stderr.
pub fn run(args: &DocsArgs) -> anyhow::Result<ExitCode> {
    let schemas = &args.paths.schemas;
    eprintln!("docs: loading {}", schemas.display());
    let set = load_dir(schemas, &LoadOptions::default())
        .map_err(|diagnostics| anyhow::anyhow!("the schemas do not load:\n{diagnostics}"))?;
    for warning in &set.warnings {
        eprintln!("{warning}");
    }
    let catalog = match args.paths.catalog_if_any() {
        Some(path) => Some(
            load_catalog(&path, &set)
                .map_err(|diagnostics| anyhow::anyhow!("{} does not load:\n{diagnostics}", path.display()))?,
        ),
        None => None,
    };
    let history = if args.no_history {
        History::default()
    } else {
        eprintln!("docs: reading the history of {} schema files from git", set.files.len());
        match site::collect_history(schemas, &set, catalog.as_ref()) {
            Ok(history) => {
                for note in &history.notes {
                    eprintln!("note: {note}");
                }
                history
            }
            Err(err) => {
                eprintln!("note: the site has no version history: {err}");
                History::default()
            }
        }
    };
    let files = site::render(&set, catalog.as_ref(), &history);
    let pages = site::write_site(&args.out, &files)
        .with_context(|| format!("cannot write the site to {}", args.out.display()))?;
    let topics = catalog.as_ref().map_or(0, |c| c.topics.len());
    println!(
        "docs: {pages} pages ({topics} topics, {} types) in {}; open {}",
        set.types.len(),
        args.out.display(),
        args.out.join("index.html").display()
    );
    Ok(ExitCode::SUCCESS)
}
