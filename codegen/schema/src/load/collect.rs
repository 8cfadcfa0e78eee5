//! Pass one: find every named type definition in every file, so that references resolve
//! whatever order the files (and the definitions in them) come in.

use super::names::{PRIMITIVES, name_problem};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{FullName, TypeId};
use crate::json::{Json, JsonKind};
use crate::source::{SourceFile, Span};
use std::collections::BTreeMap;

/// Where one named type is defined.
#[derive(Debug, Clone)]
pub(super) struct Definition {
    pub name: FullName,
    pub file: usize,
    /// The span of the defining object: pass two recognises the definition by it.
    pub span: Span,
    /// The span of its `name` value, for diagnostics.
    pub name_span: Span,
}

/// Every definition found (the first of each name), in the order found; a [`TypeId`] is an
/// index into `list`.
#[derive(Debug, Default)]
pub(super) struct Definitions {
    pub list: Vec<Definition>,
    pub by_name: BTreeMap<String, TypeId>,
}

impl Definitions {
    /// Resolves a type name written inside namespace `enclosing`: a dotted name is a full
    /// name; a simple name is looked up in the enclosing namespace, then in the null
    /// namespace.
    pub fn resolve(&self, name: &str, enclosing: Option<&str>) -> Option<TypeId> {
        if name.contains('.') {
            return self.by_name.get(name).copied();
        }
        enclosing
            .and_then(|ns| self.by_name.get(&format!("{ns}.{name}")))
            .or_else(|| self.by_name.get(name))
            .copied()
    }

    /// The id of the definition at `span` of `file`; `None` for a duplicate definition
    /// (reported already) or one whose name is invalid (reported by pass two).
    pub fn at(&self, file: usize, span: Span) -> Option<TypeId> {
        self.list
            .iter()
            .position(|d| d.file == file && d.span == span)
            .map(TypeId)
    }
}

/// The full name a definition object declares, given the namespace around it. Errors
/// are reported by pass two; here an invalid name is just skipped.
pub(super) fn declared_name(object: &Json, enclosing: Option<&str>) -> Option<(FullName, Span)> {
    let name = object.get("name")?;
    let text = name.value.as_str()?;
    if name_problem(text).is_some() || PRIMITIVES.contains(&text) {
        return None;
    }
    let explicit_namespace = object.get("namespace").and_then(|m| m.value.as_str());
    let full = if text.contains('.') {
        FullName::parse(text)
    } else {
        let namespace = match explicit_namespace {
            Some("") => None,
            Some(ns) => Some(ns.to_owned()),
            None => enclosing.map(str::to_owned),
        };
        FullName {
            namespace,
            name: text.to_owned(),
        }
    };
    Some((full, name.value.span))
}

/// Finds the definitions in every file. Duplicates are reported here, once, at the
/// second definition.
pub(super) fn collect(files: &[(SourceFile, Json)], diagnostics: &mut Diagnostics) -> Definitions {
    let mut definitions = Definitions::default();
    for (index, (file, json)) in files.iter().enumerate() {
        let mut walker = Walker {
            file_index: index,
            file,
            files,
            definitions: &mut definitions,
            diagnostics,
        };
        walker.walk(json, None);
    }
    definitions
}

struct Walker<'a> {
    file_index: usize,
    file: &'a SourceFile,
    files: &'a [(SourceFile, Json)],
    definitions: &'a mut Definitions,
    diagnostics: &'a mut Diagnostics,
}

impl Walker<'_> {
    fn walk(&mut self, json: &Json, namespace: Option<&str>) {
        match &json.kind {
            JsonKind::Array(branches) => {
                for branch in branches {
                    self.walk(branch, namespace);
                }
            }
            JsonKind::Object(_) => match json.get("type").and_then(|m| m.value.as_str()) {
                Some(kind @ ("record" | "error" | "enum" | "fixed")) => {
                    let Some((name, name_span)) = declared_name(json, namespace) else {
                        return;
                    };
                    let inner = name.namespace.clone();
                    self.register(name, json.span, name_span);
                    if matches!(kind, "record" | "error") {
                        let fields = json.get("fields").map(|m| &m.value.kind);
                        if let Some(JsonKind::Array(fields)) = fields {
                            for field in fields {
                                if let Some(ty) = field.get("type") {
                                    self.walk(&ty.value, inner.as_deref());
                                }
                            }
                        }
                    }
                }
                Some("array") => self.walk_member(json, "items", namespace),
                Some("map") => self.walk_member(json, "values", namespace),
                _ => {}
            },
            _ => {}
        }
    }

    fn walk_member(&mut self, json: &Json, key: &str, namespace: Option<&str>) {
        if let Some(member) = json.get(key) {
            self.walk(&member.value, namespace);
        }
    }

    fn register(&mut self, name: FullName, span: Span, name_span: Span) {
        let full = name.to_string();
        if let Some(first) = self.definitions.by_name.get(&full) {
            let first = &self.definitions.list[first.0];
            let first_file = &self.files[first.file].0;
            let at = first_file.line_column(first.name_span.start);
            self.diagnostics.push(
                Diagnostic::at(self.file, name_span, format!("duplicate definition of `{full}`")).with_hint(format!(
                    "it is first defined at {}:{}:{}; define each named type once and refer to it by name elsewhere",
                    first_file.path().display(),
                    at.line,
                    at.column
                )),
            );
        } else {
            self.definitions
                .by_name
                .insert(full, TypeId(self.definitions.list.len()));
            self.definitions.list.push(Definition {
                name,
                file: self.file_index,
                span,
                name_span,
            });
        }
    }
}
