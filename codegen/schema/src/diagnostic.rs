//! Located errors and warnings: what is wrong, where (file, line, column), and what to do
//! about it.

use crate::source::{SourceFile, Span};
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in the input, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line, or 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters, or 0 when the problem concerns the whole file.
    pub column: usize,
    /// What is wrong, naming the offending element.
    pub message: String,
    /// What to do about it, when there is something useful to say.
    pub hint: Option<String>,
    /// Whether the problem stops the load ([`Severity::Error`]) or is only reported
    /// ([`Severity::Warning`]: the schema loaded, read the way the specification says).
    pub severity: Severity,
    /// The source line and the caret under the offending text, for display.
    /// Boxed: diagnostics travel in `Result`s, which should stay small.
    excerpt: Option<Box<Excerpt>>,
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Severity {
    /// The input is refused.
    #[default]
    Error,
    /// The input is accepted as the reference implementations accept it, but probably
    /// does not say what its author meant.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as printed after the location.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Whether warnings fail: the loader's [`LoadOptions`](crate::LoadOptions) and the
/// compatibility gate ask the same question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strictness {
    /// Warnings are reported, and do not fail.
    #[default]
    Lenient,
    /// Warnings fail as errors do.
    Strict,
}

impl Strictness {
    /// Whether warnings fail.
    pub fn is_strict(self) -> bool {
        self == Strictness::Strict
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Excerpt {
    text: String,
    caret_column: usize,
    caret_len: usize,
}

impl Diagnostic {
    /// A problem at `span` of `file`.
    pub fn at(file: &SourceFile, span: Span, message: impl Into<String>) -> Self {
        let start = file.line_column(span.start);
        let text = file.line_text(start.line).to_owned();
        let end = file.line_column(span.end.max(span.start));
        let caret_len = if end.line == start.line {
            (end.column - start.column).max(1)
        } else {
            text.chars().count().saturating_sub(start.column - 1).max(1)
        };
        Self {
            file: file.path().to_owned(),
            line: start.line,
            column: start.column,
            message: message.into(),
            hint: None,
            severity: Severity::Error,
            excerpt: Some(Box::new(Excerpt {
                text,
                caret_column: start.column,
                caret_len,
            })),
        }
    }

    /// A problem with a whole file (unreadable, missing, ...).
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Self {
            file: path.to_owned(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            severity: Severity::Error,
            excerpt: None,
        }
    }

    /// The same diagnostic with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same diagnostic as a warning.
    pub fn into_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Whether it is a warning (the input was accepted).
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// `FILE:LINE:COLUMN` (or just `FILE` for whole-file problems).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.display().to_string()
        } else {
            format!("{}:{}:{}", self.file.display(), self.line, self.column)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location(), self.severity.as_str(), self.message)?;
        let gutter = self.line.to_string().len();
        if let Some(excerpt) = &self.excerpt {
            write!(
                f,
                "\n {:>gutter$} | {}\n {:gutter$} | {}{}",
                self.line,
                excerpt.text,
                "",
                " ".repeat(excerpt.caret_column - 1),
                "^".repeat(excerpt.caret_len),
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n {:gutter$} = hint: {hint}", "")?;
        }
        Ok(())
    }
}

/// Every problem found in one run, in file order. This is the error type of the loader
/// and the generator: they report all problems at once rather than stopping at the first.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was reported, else `Err(self)` sorted by location.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0
                .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            self.0.dedup();
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{diagnostic}")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{}", if n == 1 { "" } else { "s" })
    }
}

/// The hint for an unknown word: `did you mean `CLOSE`?` when a candidate is a plausible
/// typo of `word`, else `otherwise()` (which usually lists the candidates).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: impl FnOnce() -> String,
) -> String {
    match crate::load::names::suggest(word, candidates) {
        Some(close) => format!("did you mean `{close}`?"),
        None => otherwise(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_excerpt_caret_and_hint() {
        let file = SourceFile::new("a/x.avsc", "{\n  \"type\": \"Strng\"\n}\n");
        let start = file.text().find("\"Strng\"").unwrap();
        let d = Diagnostic::at(&file, Span::new(start, start + 7), "unknown type `Strng`")
            .with_hint("did you mean `string`?");
        assert_eq!(
            d.to_string(),
            "a/x.avsc:2:11: error: unknown type `Strng`\n \
             2 |   \"type\": \"Strng\"\n   |           ^^^^^^^\n   = hint: did you mean `string`?"
        );
    }
}
