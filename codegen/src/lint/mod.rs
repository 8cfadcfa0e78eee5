//! The schema linter (feature `lint`): naming, documentation and evolution rules over a
//! loaded [`SchemaSet`], configured by the catalog's `[lint]` table or a config file,
//! suppressed per type or field by a schema property. `avrokit lint` is a thin command
//! line over this module.
//!
//! ```
//! use avrokit_codegen::lint::{self, LintConfig, Rule};
//! use avrokit_codegen::{LoadOptions, load_files, source::SourceFile};
//!
//! let text = r#"{"type": "enum", "name": "Color", "namespace": "paint", "doc": "A color.",
//!                "symbols": ["RED", "green"]}"#;
//! let set = load_files(vec![SourceFile::new("color.avsc", text)], &LoadOptions::default())
//!     .map_err(|d| d.to_string())?;
//! let findings = lint::run(&set, &LintConfig::default());
//! let rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
//! assert_eq!(rules, [Rule::EnumDefault, Rule::EnumSymbolStyle]);
//! assert_eq!(findings[1].pointer, "/symbols/1");
//! assert_eq!(
//!     lint::text_line(&findings[1]),
//!     "color.avsc:2:35: enum-symbol-style: enum symbol `green` is not UPPER_SNAKE_CASE: \
//!      write `GREEN` at /symbols/1 (error)"
//! );
//! # Ok::<(), String>(())
//! ```
//!
//! # Rules
//!
//! | id | default | options |
//! |---|---|---|
//! | `type-name-style` | error | |
//! | `field-name-style` | error | `style`: `"snake_case"` (default) or `"camelCase"` |
//! | `enum-symbol-style` | error | |
//! | `doc-required-type` | warning | |
//! | `doc-required-field` | warning | |
//! | `namespace-pattern` | warning | `pattern`: a regex ([`DEFAULT_NAMESPACE_PATTERN`]) |
//! | `optional-field` | error | |
//! | `enum-default` | error | |
//! | `money-not-float` | off | `words` ([`DEFAULT_MONEY_WORDS`]), `pattern` |
//! | `timestamp-logical-type` | off | `suffixes` ([`DEFAULT_TIMESTAMP_SUFFIXES`]) |
//! | `forbidden-field-name` | off | `names` |
//! | `invalid-ignore` | error | |
//!
//! A rule that is off turns on as an error when its table is given without a `severity`
//! ([`config`] describes the syntax).
//!
//! # Suppression
//!
//! A type or a field lists the rules it is exempt from in the property
//! [`IGNORE_PROPERTY`] (`"avrokit.lint.ignore": ["field-name-style"]`). A type's list
//! covers its own fields too (not types defined inside them). An id that names no rule,
//! or a list that is not an array of strings, is an `invalid-ignore` finding.

#![deny(missing_docs)]

mod check;
pub mod config;
mod locate;
mod report;
mod rules;
mod style;

pub use config::{
    ConfigSource, DEFAULT_MONEY_WORDS, DEFAULT_NAMESPACE_PATTERN, DEFAULT_TIMESTAMP_SUFFIXES, LintConfig, Pattern,
};
pub use report::{passes, print, summary, text_line, to_json};
pub use rules::{Level, Rule};
pub use style::Style;

use crate::compat::Position;
use crate::diagnostic::Severity;
use crate::ir::SchemaSet;

/// The schema property listing the rules a type or field is exempt from.
pub const IGNORE_PROPERTY: &str = "avrokit.lint.ignore";

/// One rule broken by one element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// Its configured level: an error fails the run, a warning only with
    /// `--deny-warnings`.
    pub severity: Severity,
    /// File, line and column of the element, or of the attribute the finding is about
    /// (the `name` of a badly named field, the symbol, the union of an optional field).
    pub position: Position,
    /// The JSON pointer to the same place, from the top of its file (`/fields/3/type`).
    pub pointer: String,
    /// The element's full name: `ns.Type`, or `ns.Type.field` for a field.
    pub element: String,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// Runs every rule of `config` that is not off over every named type of `set` (and every
/// field of its records), suppressions applied; the findings in file order.
pub fn run(set: &SchemaSet, config: &LintConfig) -> Vec<Finding> {
    check::run(set, config)
}
