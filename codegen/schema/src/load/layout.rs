//! The layout rule of a schema directory that is a project's source of truth: one named
//! type per file, at the top level, the file named after the type in kebab-case. It keeps
//! "where is `TelescopeData` defined?" answerable without a search.

use super::collect::Definitions;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::json::Json;
use crate::source::SourceFile;
use heck::ToKebabCase;

/// The file a type's definition lives in under the layout rule: its simple name in
/// kebab-case (`TelescopeData` → `telescope-data.avsc`).
pub fn file_name(simple_name: &str) -> String {
    format!("{}.avsc", simple_name.to_kebab_case())
}

pub(super) fn check(files: &[(SourceFile, Json)], definitions: &Definitions, diagnostics: &mut Diagnostics) {
    for (index, (file, json)) in files.iter().enumerate() {
        // An `.avdl` file declares several types by design (a protocol, or a schema file
        // with its helper types), and the `.avpr` and `.avsc` files it imports may live
        // outside the directory: the rule binds the directory's own `.avsc` files only.
        if file.path().extension().is_none_or(|ext| ext != "avsc") {
            continue;
        }
        let defined: Vec<_> = definitions.list.iter().filter(|d| d.file == index).collect();
        let Some(top) = defined.iter().find(|d| d.span == json.span) else {
            diagnostics.push(
                Diagnostic::at(
                    file,
                    json.span,
                    "the file does not define a named type at its top level",
                )
                .with_hint("each file of the schema directory holds one record, enum or fixed"),
            );
            continue;
        };
        for nested in defined.iter().filter(|d| d.span != json.span) {
            let expected = file_name(&nested.name.name);
            diagnostics.push(
                Diagnostic::at(
                    file,
                    nested.name_span,
                    format!("`{}` is defined inside another type's file", nested.name),
                )
                .with_hint(format!("move it to its own file `{expected}` and refer to it by name")),
            );
        }
        let expected = file_name(&top.name.name);
        let actual = file
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if actual != expected {
            diagnostics.push(
                Diagnostic::at(file, top.name_span, format!("file `{actual}` defines `{}`", top.name))
                    .with_hint(format!("rename the file to `{expected}`")),
            );
        }
    }
}
