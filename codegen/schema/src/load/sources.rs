//! Pass zero: every file's text into the JSON tree the later passes convert, whatever its
//! format. `.avsc` is JSON already; `.avdl` is parsed by [`crate::idl`] into the same
//! tree (spans into the IDL text); `.avpr` (only ever imported) contributes its `types`.
//! The files an `.avdl` imports are read here too, once each, relative to the importer.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::idl::{self, ImportKind};
use crate::json::{self, Json, JsonKind, Member};
use crate::source::{SourceFile, Span};
use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};

/// Every file as JSON, with the main schema of schema-syntax `.avdl` files.
#[derive(Default)]
pub(super) struct Parsed {
    pub files: Vec<(SourceFile, Json)>,
    /// Parallel to `files`: an `.avdl` file's `schema Type;` and the namespace its names
    /// resolve in; the file's root is that schema rather than its list of types.
    pub mains: Vec<Option<(Json, Option<String>)>>,
}

/// The format of a file, from its extension or from the import statement naming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Schema,
    Idl,
    Protocol,
}

impl Format {
    fn of(path: &Path) -> Self {
        match path.extension().and_then(|ext| ext.to_str()) {
            Some("avdl") => Format::Idl,
            Some("avpr") => Format::Protocol,
            _ => Format::Schema,
        }
    }
}

/// The identity of a file, so that a file imported twice (or imported and also in the
/// directory) is read once.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Parses `files` and everything they import.
pub(super) fn parse_all(files: Vec<SourceFile>, diagnostics: &mut Diagnostics) -> Parsed {
    let mut seen: HashSet<PathBuf> = files.iter().map(|f| identity(f.path())).collect();
    let mut queue: VecDeque<(SourceFile, Format)> = files
        .into_iter()
        .map(|file| {
            let format = Format::of(file.path());
            (file, format)
        })
        .collect();
    let mut parsed = Parsed::default();
    while let Some((file, format)) = queue.pop_front() {
        let (json, main) = match format {
            Format::Schema => match json::parse(file.text()) {
                Ok(json) => (json, None),
                Err(err) => {
                    diagnostics.push(super::syntax_diagnostic(&file, err));
                    continue;
                }
            },
            Format::Protocol => match json::parse(file.text()) {
                Ok(json) => match protocol_types(&file, json) {
                    Ok(types) => (types, None),
                    Err(diagnostic) => {
                        diagnostics.push(diagnostic);
                        continue;
                    }
                },
                Err(err) => {
                    diagnostics.push(super::syntax_diagnostic(&file, err));
                    continue;
                }
            },
            Format::Idl => match idl::parse(file.text()) {
                Ok(idl) => {
                    for import in &idl.imports {
                        let base = file.path().parent().unwrap_or(Path::new(""));
                        let path = base.join(&import.path);
                        if !seen.insert(identity(&path)) {
                            continue;
                        }
                        match std::fs::read_to_string(&path) {
                            Ok(text) => {
                                let format = match import.kind {
                                    ImportKind::Idl => Format::Idl,
                                    ImportKind::Schema => Format::Schema,
                                    ImportKind::Protocol => Format::Protocol,
                                };
                                queue.push_back((SourceFile::new(path, text), format));
                            }
                            Err(err) => diagnostics.push(
                                Diagnostic::at(
                                    &file,
                                    import.span,
                                    format!("cannot read the imported file `{}`: {err}", path.display()),
                                )
                                .with_hint("an import's path is relative to the directory of the importing file"),
                            ),
                        }
                    }
                    (idl.types, idl.main.map(|main| (main, idl.namespace)))
                }
                Err(err) => {
                    diagnostics.push(err.into_diagnostic(&file));
                    continue;
                }
            },
        };
        parsed.files.push((file, json));
        parsed.mains.push(main);
    }
    parsed
}

/// The JSON tree the loader converts for `file` (by its extension: `.avsc` JSON, the
/// `.avdl` file's types as parsed by [`crate::idl`], an `.avpr` file's types), spans into
/// the file's text; `None` when it does not parse. Tools that walk from a file's top
/// down to an element of the IR (a JSON pointer, the attributes as written) start here.
pub fn source_json(file: &SourceFile) -> Option<Json> {
    match Format::of(file.path()) {
        Format::Schema => json::parse(file.text()).ok(),
        Format::Idl => idl::parse(file.text()).ok().map(|idl| idl.types),
        Format::Protocol => protocol_types(file, json::parse(file.text()).ok()?).ok(),
    }
}

/// The `types` of a protocol (`.avpr`) as an array of schemas, each top-level named type
/// given the protocol's namespace when it names none, as the protocol implies.
fn protocol_types(file: &SourceFile, json: Json) -> Result<Json, Diagnostic> {
    let hint = "a protocol file (.avpr) is a JSON object with \"protocol\", \"namespace\" and \"types\"";
    if !matches!(json.kind, JsonKind::Object(_)) || json.get("protocol").is_none() {
        return Err(Diagnostic::at(file, json.span, "not an Avro protocol").with_hint(hint));
    }
    // `"namespace": null` (Java writes it) is the null namespace: nothing to add. Without
    // the key, a dotted protocol name carries the namespace (`org.foo.Bar` → `org.foo`).
    let namespace = match json.get("namespace") {
        Some(ns) => ns.value.as_str().map(|_| ns.clone()),
        None => json.get("protocol").and_then(|name| {
            let (namespace, _) = name.value.as_str()?.rsplit_once('.')?;
            Some(Member {
                key: "namespace".to_owned(),
                key_span: name.key_span,
                value: Json {
                    span: name.value.span,
                    kind: JsonKind::String(namespace.to_owned()),
                },
            })
        }),
    };
    let Some(types) = json.get("types").cloned() else {
        return Ok(Json {
            span: json.span,
            kind: JsonKind::Array(Vec::new()),
        });
    };
    let JsonKind::Array(mut items) = types.value.kind else {
        return Err(Diagnostic::at(file, types.value.span, "the protocol's \"types\" is not an array").with_hint(hint));
    };
    if let Some(namespace) = namespace {
        for item in &mut items {
            let named = item
                .get("name")
                .and_then(|n| n.value.as_str())
                .is_some_and(|n| !n.contains('.'));
            if let JsonKind::Object(members) = &mut item.kind
                && named
                && !members.iter().any(|m| m.key == "namespace")
            {
                members.push(Member {
                    key: "namespace".to_owned(),
                    key_span: namespace.key_span,
                    value: namespace.value.clone(),
                });
            }
        }
    }
    Ok(Json {
        span: Span::new(types.value.span.start, types.value.span.end),
        kind: JsonKind::Array(items),
    })
}
