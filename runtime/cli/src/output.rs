//! `--format`: how every command prints its result, for people (`text`) or for scripts
//! (`json`). One value type serves all commands; each command's `--format` flag documents
//! the fields of its JSON document.
//!
//! With `--format json` a command prints exactly one JSON document on stdout (a compact
//! object on one line; `lag --watch` prints one per report), whatever the exit status that
//! follows; progress and notes go to stderr, and so does the one `error: ...` line of an
//! error (exit 2), in which case stdout may hold no document at all.

use clap::ValueEnum;
use clap::builder::{PossibleValuesParser, TypedValueParser};

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON document on stdout, with the fields the command's `--format` documents.
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…::…`) and a summary: `compat`
    /// and `lint` only.
    Github,
}

impl OutputFormat {
    /// Whether this is `json`.
    pub fn is_json(self) -> bool {
        self == OutputFormat::Json
    }
}

/// The value parser of the commands that print `text` or `json` (every command but
/// `compat`, which also has `github`).
pub fn text_or_json() -> impl TypedValueParser<Value = OutputFormat> {
    PossibleValuesParser::new(["text", "json"]).map(|name| {
        // Only the two names above reach here.
        OutputFormat::from_str(&name, false).unwrap_or_default()
    })
}

/// Prints `document` as the command's one JSON document (a line on stdout).
pub fn print_json(document: &serde_json::Value) {
    println!("{document}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[arg(long, value_parser = text_or_json(), default_value = "text")]
        format: OutputFormat,
    }

    #[test]
    fn text_and_json_parse_and_github_is_refused_where_it_does_not_apply() {
        assert_eq!(Cli::parse_from(["x"]).format, OutputFormat::Text);
        assert_eq!(Cli::parse_from(["x", "--format", "json"]).format, OutputFormat::Json);
        let err = Cli::try_parse_from(["x", "--format", "github"]).err().unwrap();
        assert!(err.to_string().contains("possible values: text, json"), "{err}");
    }
}
