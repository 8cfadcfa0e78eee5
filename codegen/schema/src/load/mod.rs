//! Loading a directory of `.avsc` and `.avdl` files into a [`SchemaSet`].
//!
//! Five passes, each its own module: `sources` reads every file into JSON (an `.avdl`
//! file through [`crate::idl`], into the tree an `.avsc` author would have written, its
//! spans in the IDL text) and reads the files `.avdl` files import; `collect` finds every named definition so that
//! references resolve across files in any order; `convert` checks every attribute and
//! builds the IR; `defaults` checks field defaults once every type is known; and
//! `recursion` finds records that can only ever contain themselves. Every problem is
//! reported with its file, line and column, all at once.
//!
//! The loader accepts every schema Java's `Schema.Parser` accepts, so that the
//! compatibility gate can check whatever the registry would store. Two kinds of schema
//! load with a warning ([`SchemaSet::warnings`](crate::ir::SchemaSet::warnings)) rather
//! than an error, unless [`LoadOptions::strictness`] is [`Strictness::Strict`]: a logical type on an underlying
//! type it does not fit (or with bad parameters), which the specification says readers
//! ignore, and a record that can never end. An empty union is valid and loads silently;
//! it just has no value.

mod collect;
mod convert;
mod defaults;
mod layout;
pub(crate) mod logical;
pub(crate) mod names;
mod recursion;
mod sources;

pub use layout::file_name;
pub use sources::source_json;

use crate::diagnostic::{Diagnostic, Diagnostics, Strictness};
use crate::ir::{NamedKind, NamedType, SchemaSet};
use crate::json;
use crate::source::{SourceFile, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Options of the loader: [`LoadOptions::default`] accepts any file layout and loads
/// with warnings what Java's parser accepts; the `with_*` methods change that.
///
/// ```
/// use avrokit_schema::{LoadOptions, SchemaLayout, Strictness};
/// let options = LoadOptions::default()
///     .with_layout(SchemaLayout::OneTypePerFile)
///     .with_strictness(Strictness::Strict);
/// assert!(options.strictness.is_strict());
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LoadOptions {
    /// How the files of a directory must be laid out.
    pub layout: SchemaLayout,
    /// [`Strictness::Strict`] refuses, as errors, what Java's parser accepts but no careful
    /// author means: a logical type that does not fit its underlying type (by default
    /// ignored, with a warning, so the field keeps the underlying type) and a record that
    /// can never end (by default a warning: such a schema can be checked for
    /// compatibility, though no value of it can be written).
    pub strictness: Strictness,
}

impl LoadOptions {
    /// The same options with `layout`.
    pub fn with_layout(mut self, layout: SchemaLayout) -> Self {
        self.layout = layout;
        self
    }

    /// The same options with `strictness`.
    pub fn with_strictness(mut self, strictness: Strictness) -> Self {
        self.strictness = strictness;
        self
    }
}

/// How the `.avsc` files of a schema directory must be laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SchemaLayout {
    /// Any number of types per file, files named freely: every schema the registry would
    /// store loads.
    #[default]
    Any,
    /// The layout `avro-schemas/` uses: each file defines exactly one named type, at its
    /// top level, and is named after it in kebab-case (`TelescopeData` →
    /// `telescope-data.avsc`).
    OneTypePerFile,
}

/// Loads every `*.avsc` and `*.avdl` file under `dir` (recursively, in path order), and
/// the files the `.avdl` files import.
pub fn load_dir(dir: &Path, options: &LoadOptions) -> Result<SchemaSet, Diagnostics> {
    let paths = schema_files(dir)?;
    let mut files = Vec::with_capacity(paths.len());
    let mut diagnostics = Diagnostics::default();
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push(SourceFile::new(path, text)),
            Err(err) => diagnostics.push(Diagnostic::file(&path, format!("cannot read the file: {err}"))),
        }
    }
    if !diagnostics.is_empty() {
        return diagnostics.into_result(SchemaSet::default());
    }
    load_files(files, options)
}

/// Loads schema files already in memory: `.avsc` JSON, or Avro IDL when the path ends in
/// `.avdl`. The paths are shown in diagnostics, and an `.avdl` file's imports are read
/// relative to its path.
pub fn load_files(files: Vec<SourceFile>, options: &LoadOptions) -> Result<SchemaSet, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let sources::Parsed { files: parsed, mains } = sources::parse_all(files, &mut diagnostics);
    let definitions = collect::collect(&parsed, &mut diagnostics);
    let mut warnings = Vec::new();
    let converted = convert::convert(
        &parsed,
        &mains,
        &definitions,
        options.strictness,
        &mut diagnostics,
        &mut warnings,
    );
    if options.layout == SchemaLayout::OneTypePerFile {
        layout::check(&parsed, &definitions, &mut diagnostics);
    }
    if !diagnostics.is_empty() {
        // Defaults and recursion are checked against complete types only; fix these first.
        return diagnostics.into_result(SchemaSet::default());
    }
    // Without diagnostics every definition converted, so no slot is empty.
    let mut types: Vec<NamedType> = converted.types.into_iter().flatten().collect();

    let checker = defaults::DefaultChecker {
        types: &types,
        raw: converted
            .defaults
            .iter()
            .map(|d| ((d.type_id, d.field), &d.json))
            .collect::<HashMap<_, _>>(),
    };
    let mut typed_defaults = Vec::new();
    for pending in &converted.defaults {
        let field = match &types[pending.type_id.0].kind {
            NamedKind::Record(record) => &record.fields[pending.field],
            _ => continue,
        };
        let file = &parsed[pending.file].0;
        match checker.value(&field.schema, &pending.json) {
            Ok(value) => typed_defaults.push((pending.type_id, pending.field, value)),
            Err(err) => {
                let mut diagnostic = Diagnostic::at(file, err.span, format!("field `{}`: {}", field.name, err.message));
                if let Some(hint) = err.hint {
                    diagnostic = diagnostic.with_hint(hint);
                }
                diagnostics.push(diagnostic);
            }
        }
    }
    drop(checker);
    for (type_id, field, value) in typed_defaults {
        if let NamedKind::Record(record) = &mut types[type_id.0].kind {
            record.fields[field].default = Some(value);
        }
    }

    let set = SchemaSet {
        files: parsed.into_iter().map(|(file, _)| file).collect(),
        by_name: definitions.by_name,
        types,
        roots: converted.roots,
        warnings: Vec::new(),
        type_props: converted.type_props,
    };
    for unending in recursion::unending_records(&set) {
        if options.strictness.is_strict() {
            diagnostics.push(unending);
        } else {
            warnings.push(unending.into_warning());
        }
    }
    warnings.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    warnings.dedup();
    let set = SchemaSet { warnings, ..set };
    diagnostics.into_result(set)
}

/// Every record of `set` that has no finite value (each of its values would contain
/// another record of its cycle, forever), located at the field that closes the cycle.
/// The loader reports them as warnings unless [`LoadOptions::strictness`] is strict; backends that must
/// build values, such as the Rust generator, refuse them.
pub fn unending_records(set: &SchemaSet) -> Vec<Diagnostic> {
    recursion::unending_records(set)
}

/// A JSON syntax error as a diagnostic: the parser's hint for a well-known mistake,
/// else what an `.avsc` file should hold.
fn syntax_diagnostic(file: &SourceFile, err: json::SyntaxError) -> Diagnostic {
    if file.text().trim().is_empty() {
        // "Expected a value, found the end of the file" at 1:1 is true but puzzling.
        return Diagnostic::at(file, Span::new(0, 0), "the schema file is empty").with_hint(
            "write one schema in it (a JSON object such as {\"type\": \"record\", ...}, a type name or a union array), or delete it",
        );
    }
    Diagnostic::at(file, err.span, format!("malformed JSON: {}", err.message)).with_hint(
        err.hint
            .unwrap_or("an .avsc file is one JSON document: a schema object, a type name or a union array"),
    )
}

/// The schema files of a directory: `.avsc` and `.avdl`, recursively, in path order.
pub fn schema_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).map_err(|err| {
            Diagnostic::file(&current, format!("cannot read the schema directory: {err}"))
                .with_hint("pass the directory that holds the .avsc (or .avdl) files")
        })?;
        for entry in entries {
            let path = entry
                .map_err(|err| Diagnostic::file(&current, format!("cannot list the directory: {err}")))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "avsc" || ext == "avdl") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
