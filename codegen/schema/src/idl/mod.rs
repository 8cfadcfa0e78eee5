//! Avro IDL 1.12 (`.avdl`): the second source format, read into the same IR as `.avsc`.
//!
//! An IDL file is parsed into the JSON tree an `.avsc` author would have written for the
//! same types ([`IdlFile::types`]: an array of every named type the file declares, each
//! with its namespace spelled out), every value spanning the IDL text it came from. The
//! loader then converts that tree exactly as it converts `.avsc` JSON, so name
//! resolution, default checking, logical types and every diagnostic (`FILE:LINE:COLUMN`
//! into the `.avdl` text) are the same for both formats.
//!
//! Both syntaxes are read: `protocol Name { ... }` (its messages are checked for syntax
//! and dropped: the IR holds types) and the 1.12 schema syntax (`namespace x; schema
//! Type; record ...`). Imports (`import idl|schema|protocol "path";`) are returned for the
//! loader to read, relative to the importing file.
//!
//! ```
//! use avrokit_schema::{LoadOptions, load_files, source::SourceFile};
//!
//! let text = "namespace demo;\nschema Ping;\nrecord Ping { timestamp_ms at; string? note = null; }\n";
//! let set = load_files(vec![SourceFile::new("ping.avdl", text)], &LoadOptions::default())
//!     .map_err(|diagnostics| diagnostics.to_string())?;
//! assert_eq!(
//!     avrokit_schema::canonical::parsing_canonical_form(&set, &set.roots[0]),
//!     r#"{"name":"demo.Ping","type":"record","fields":[{"name":"at","type":"long"},{"name":"note","type":["null","string"]}]}"#
//! );
//! // The canonical form drops logical types; the IR keeps them.
//! assert!(avrokit_schema::schema_json::to_json(&set, &set.roots[0]).contains("timestamp-millis"));
//! # Ok::<(), String>(())
//! ```

mod lexer;
mod parser;

use crate::diagnostic::Diagnostic;
use crate::json::Json;
use crate::source::{SourceFile, Span};

/// One parsed `.avdl` file.
#[derive(Debug, Clone)]
pub struct IdlFile {
    /// Every named type the file declares, in order, as `.avsc` JSON objects in an array.
    pub types: Json,
    /// The schema syntax's main schema (`schema Type;`), if the file has one.
    pub main: Option<Json>,
    /// The protocol's namespace or the schema syntax's `namespace`: the namespace the
    /// main schema's names resolve in.
    pub namespace: Option<String>,
    /// The file's imports, in order.
    pub imports: Vec<Import>,
}

/// One `import` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// What the imported file holds.
    pub kind: ImportKind,
    /// The path as written, relative to the importing file.
    pub path: String,
    /// Where the path string is.
    pub span: Span,
    /// Where the whole statement is.
    pub statement: Span,
}

/// The three kinds of import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// `import idl "x.avdl";`
    Idl,
    /// `import schema "x.avsc";`
    Schema,
    /// `import protocol "x.avpr";`
    Protocol,
}

/// A syntax error in IDL text: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// The offending text.
    pub span: Span,
    /// What the parser expected or found.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl SyntaxError {
    /// The error as a located diagnostic in `file`.
    pub fn into_diagnostic(self, file: &SourceFile) -> Diagnostic {
        let diagnostic = Diagnostic::at(file, self.span, self.message);
        match self.hint {
            Some(hint) => diagnostic.with_hint(hint),
            None => diagnostic,
        }
    }
}

/// Parses the text of one `.avdl` file.
pub fn parse(text: &str) -> Result<IdlFile, SyntaxError> {
    parser::parse(text)
}

/// Whether `path` names an Avro IDL file (`.avdl`).
pub fn is_idl_path(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|ext| ext == "avdl")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let types = format!("schema {}int{};", "array<".repeat(100_000), ">".repeat(100_000));
        assert!(parse(&types).unwrap_err().message.contains("nesting deeper"));
        let value = format!("record R {{ int x = {}; }}", "[".repeat(100_000));
        assert!(parse(&value).unwrap_err().message.contains("nesting deeper"));
    }

    #[test]
    fn fields_sharing_a_type_each_get_the_type_and_their_own_doc() {
        let idl = parse("/** Shared. */ string? a = \"x\", /** Own. */ b;").map(|_| ());
        // A field outside a record is a syntax error, located at the type.
        assert_eq!(idl.unwrap_err().span, Span::new(15, 21));
        let idl = parse("record R { /** Shared. */ string? a = \"x\", /** Own. */ b; }").unwrap();
        let crate::json::JsonKind::Array(types) = &idl.types.kind else {
            panic!()
        };
        let fields = &types[0].get("fields").unwrap().value;
        let crate::json::JsonKind::Array(fields) = &fields.kind else {
            panic!()
        };
        let summary: Vec<_> = fields
            .iter()
            .map(|f| {
                (
                    f.get("doc")
                        .and_then(|d| d.value.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                    f.get("type").unwrap().value.to_value().to_string(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Shared.".to_owned(), r#"["string","null"]"#.to_owned()),
                ("Own.".to_owned(), r#"["null","string"]"#.to_owned()),
            ]
        );
    }
}
