//! The `[lint]` table: one model ([`LintConfig`]) and one parser, for the catalog's
//! `[lint]` and for a `--config` file holding the same table.
//!
//! ```toml
//! [lint.rules]
//! doc-required-field = "error"          # the short form: a level
//! namespace-pattern = "off"
//!
//! [lint.rules.field-name-style]         # the long form: a level and the rule's options
//! severity = "error"
//! style = "camelCase"
//!
//! [lint.rules.forbidden-field-name]     # a rule that is off turns on (as an error)
//! names = ["type", "class"]             # when its table is given without a severity
//! ```
//!
//! Every problem is a located [`Diagnostic`] with a did-you-mean hint where one fits:
//! an unknown key, an unknown rule, a level that is not `error`, `warning` or `off`, a
//! pattern that does not compile.

use super::rules::{Level, Rule};
use super::style::Style;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::source::{SourceFile, Span};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The default of `namespace-pattern`'s `pattern`: lower-case dot-separated words
/// (`astro.beam`), which a type in the null namespace does not match.
pub const DEFAULT_NAMESPACE_PATTERN: &str = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$";

/// The default of `money-not-float`'s `words`.
pub const DEFAULT_MONEY_WORDS: &[&str] = &[
    "price", "amount", "cost", "balance", "total", "fee", "tax", "salary", "revenue", "discount",
];

/// The default of `timestamp-logical-type`'s `suffixes`.
pub const DEFAULT_TIMESTAMP_SUFFIXES: &[&str] = &["_at", "_ts"];

/// A regular expression as configured (`regex-lite` syntax; it matches anywhere in the
/// name unless anchored with `^` and `$`).
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    regex: regex_lite::Regex,
}

impl Pattern {
    /// Compiles `source`; the error is the regex engine's message.
    pub fn new(source: &str) -> Result<Pattern, String> {
        regex_lite::Regex::new(source)
            .map(|regex| Pattern {
                source: source.to_owned(),
                regex,
            })
            .map_err(|err| err.to_string())
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether it matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

/// Which rules run at which level, and their options. [`LintConfig::default`] is every
/// rule at its [default level](Rule::default_level) with the default options.
#[derive(Debug, Clone)]
pub struct LintConfig {
    levels: BTreeMap<Rule, Level>,
    /// `field-name-style`'s `style`: [`Style::SnakeCase`] (default) or
    /// [`Style::CamelCase`].
    pub field_style: Style,
    /// `namespace-pattern`'s `pattern` ([`DEFAULT_NAMESPACE_PATTERN`]); the null
    /// namespace is checked as the empty string.
    pub namespace_pattern: Pattern,
    /// `money-not-float`'s `words`: a field whose name has one of these words (its
    /// snake_case or camelCase parts, compared in lower case) is money.
    pub money_words: Vec<String>,
    /// `money-not-float`'s `pattern`: a field whose name it matches is money too.
    pub money_pattern: Option<Pattern>,
    /// `timestamp-logical-type`'s `suffixes`: a `long` field whose name ends with one of
    /// them is an instant.
    pub timestamp_suffixes: Vec<String>,
    /// `forbidden-field-name`'s `names`, compared without regard to case.
    pub forbidden_names: Vec<String>,
}

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig {
            levels: Rule::ALL.into_iter().map(|rule| (rule, rule.default_level())).collect(),
            field_style: Style::SnakeCase,
            namespace_pattern: Pattern::new(DEFAULT_NAMESPACE_PATTERN).expect("the default pattern compiles"),
            money_words: DEFAULT_MONEY_WORDS.iter().map(|w| (*w).to_owned()).collect(),
            money_pattern: None,
            timestamp_suffixes: DEFAULT_TIMESTAMP_SUFFIXES.iter().map(|s| (*s).to_owned()).collect(),
            forbidden_names: Vec::new(),
        }
    }
}

/// Which kind of file a `[lint]` table is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigSource {
    /// The topic catalog: its other tables belong to the catalog and are not looked at.
    Catalog,
    /// A `--config` file: it holds the `[lint]` table and nothing else.
    LintFile,
}

impl LintConfig {
    /// The level `rule` runs at.
    pub fn level(&self, rule: Rule) -> Level {
        self.levels.get(&rule).copied().unwrap_or_else(|| rule.default_level())
    }

    /// Sets the level `rule` runs at.
    pub fn set_level(&mut self, rule: Rule, level: Level) {
        self.levels.insert(rule, level);
    }

    /// Reads the `[lint]` table of `file` over this configuration: every level and option
    /// it sets replaces the one before (so the catalog's table, then a `--config` file's,
    /// apply in turn). A file without `[lint]` changes nothing.
    pub fn apply(&mut self, file: &SourceFile, source: ConfigSource) -> Result<(), Diagnostics> {
        let root = DeTable::parse(file.text()).map_err(|err| {
            let span = err.span().map_or(Span::new(0, 0), |r| Span::new(r.start, r.end));
            Diagnostic::at(
                file,
                span,
                format!("invalid TOML: {}", err.message().trim_end().replace('\n', "; ")),
            )
            .with_hint("the lint configuration is TOML; see README.md (\"Lint\")")
        })?;
        let mut reader = Reader {
            file,
            diagnostics: Diagnostics::default(),
        };
        let mut next = self.clone();
        for (key, value) in root.get_ref().iter() {
            if key.get_ref() == "lint" {
                reader.lint(value, &mut next);
            } else if source == ConfigSource::LintFile {
                let hint = did_you_mean(key.get_ref(), ["lint"], || {
                    "a lint configuration file holds only the [lint] table".to_owned()
                });
                reader.error(key.span(), format!("unknown table `{}`", key.get_ref()), hint);
            }
        }
        reader.diagnostics.into_result(())?;
        *self = next;
        Ok(())
    }

    /// The configuration of a run: the defaults, then the `[lint]` table of `catalog`
    /// (when given; its other tables are the catalog's), then that of `config` (a file
    /// holding only `[lint]`). A file that cannot be read is a diagnostic too.
    pub fn load(catalog: Option<&Path>, config: Option<&Path>) -> Result<LintConfig, Diagnostics> {
        let mut lint = LintConfig::default();
        for (path, source) in [(catalog, ConfigSource::Catalog), (config, ConfigSource::LintFile)] {
            let Some(path) = path else { continue };
            let text = std::fs::read_to_string(path)
                .map_err(|err| Diagnostic::file(path, format!("cannot read the lint configuration: {err}")))?;
            lint.apply(&SourceFile::new(path, text), source)?;
        }
        Ok(lint)
    }
}

/// Reads the tables, collecting every problem.
struct Reader<'a> {
    file: &'a SourceFile,
    diagnostics: Diagnostics,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Reader<'_> {
    fn error(&mut self, span: std::ops::Range<usize>, message: String, hint: String) {
        self.diagnostics
            .push(Diagnostic::at(self.file, Span::new(span.start, span.end), message).with_hint(hint));
    }

    fn table<'v, 'i>(&mut self, value: &'v Value<'i>, what: &str, example: &str) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            other => {
                self.error(
                    value.span(),
                    format!("{what} must be a table, found {}", kind(other)),
                    format!("write {example}"),
                );
                None
            }
        }
    }

    /// `[lint]`: only `rules`.
    fn lint(&mut self, value: &Value<'_>, config: &mut LintConfig) {
        let Some(table) = self.table(value, "`lint`", "[lint.rules] and the rules under it") else {
            return;
        };
        for (key, value) in table.iter() {
            let name = key.get_ref();
            if name == "rules" {
                self.rules(value, config);
            } else if Rule::from_id(name).is_some() {
                self.error(
                    key.span(),
                    format!("unknown key `{name}` in [lint]"),
                    format!("rules go under [lint.rules]: write `[lint.rules]` then `{name} = \"error\"`"),
                );
            } else {
                let hint = did_you_mean(name, ["rules"], || "the only key of [lint] is `rules`".to_owned());
                self.error(key.span(), format!("unknown key `{name}` in [lint]"), hint);
            }
        }
    }

    /// `[lint.rules]`: each key a rule id, each value a level or the rule's table.
    fn rules(&mut self, value: &Value<'_>, config: &mut LintConfig) {
        let Some(table) = self.table(value, "`lint.rules`", "[lint.rules] with `rule-id = \"error\"` lines") else {
            return;
        };
        for (key, value) in table.iter() {
            let Some(rule) = Rule::from_id(key.get_ref()) else {
                let hint = did_you_mean(key.get_ref(), Rule::ids(), || {
                    format!("the rules are: {}", Rule::ids().collect::<Vec<_>>().join(", "))
                });
                self.error(key.span(), format!("unknown rule `{}`", key.get_ref()), hint);
                continue;
            };
            match value.get_ref() {
                DeValue::String(level) => {
                    if let Some(level) = self.level(level, value.span()) {
                        config.set_level(rule, level);
                    }
                }
                DeValue::Table(options) => self.rule_table(rule, options, config),
                other => self.error(
                    value.span(),
                    format!("rule `{rule}` must be a level or a table, found {}", kind(other)),
                    format!(
                        "write {rule} = \"error\" (or \"warning\", \"off\"), or [lint.rules.{rule}] with its options"
                    ),
                ),
            }
        }
    }

    fn level(&mut self, text: &str, span: std::ops::Range<usize>) -> Option<Level> {
        let level = Level::parse(text);
        if level.is_none() {
            let names = Level::ALL.map(Level::as_str);
            let hint = did_you_mean(text, names, || "write \"error\", \"warning\" or \"off\"".to_owned());
            self.error(span, format!("unknown level `{text}`"), hint);
        }
        level
    }

    /// `[lint.rules.RULE]`: `severity` and the rule's options.
    fn rule_table(&mut self, rule: Rule, table: &DeTable<'_>, config: &mut LintConfig) {
        let mut level = None;
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            match (name, rule) {
                ("severity", _) => {
                    if let Some(text) = self.string(value, rule, name) {
                        level = self.level(&text, value.span());
                    }
                }
                ("style", Rule::FieldNameStyle) => {
                    if let Some(text) = self.string(value, rule, name) {
                        match text.as_ref() {
                            "snake_case" => config.field_style = Style::SnakeCase,
                            "camelCase" => config.field_style = Style::CamelCase,
                            other => {
                                let hint = did_you_mean(other, ["snake_case", "camelCase"], || {
                                    "write \"snake_case\" or \"camelCase\"".to_owned()
                                });
                                self.error(value.span(), format!("unknown field name style `{other}`"), hint);
                            }
                        }
                    }
                }
                ("pattern", Rule::NamespacePattern) => {
                    if let Some(pattern) = self.pattern(value, rule) {
                        config.namespace_pattern = pattern;
                    }
                }
                ("pattern", Rule::MoneyNotFloat) => {
                    if let Some(pattern) = self.pattern(value, rule) {
                        config.money_pattern = Some(pattern);
                    }
                }
                ("words", Rule::MoneyNotFloat) => {
                    if let Some(words) = self.strings(value, rule, name) {
                        config.money_words = words.iter().map(|w| w.to_lowercase()).collect();
                    }
                }
                ("suffixes", Rule::TimestampLogicalType) => {
                    if let Some(suffixes) = self.strings(value, rule, name) {
                        config.timestamp_suffixes = suffixes;
                    }
                }
                ("names", Rule::ForbiddenFieldName) => {
                    if let Some(names) = self.strings(value, rule, name) {
                        config.forbidden_names = names;
                    }
                }
                _ => {
                    let allowed: Vec<&str> = std::iter::once("severity")
                        .chain(rule.options().iter().copied())
                        .collect();
                    let hint = did_you_mean(name, allowed.iter().copied(), || {
                        format!("the keys of [lint.rules.{rule}] are: {}", allowed.join(", "))
                    });
                    self.error(key.span(), format!("unknown key `{name}` for rule `{rule}`"), hint);
                }
            }
        }
        let level = level.unwrap_or_else(|| match config.level(rule) {
            Level::Off => rule.enabled_level(),
            current => current,
        });
        config.set_level(rule, level);
    }

    fn string<'i>(&mut self, value: &Value<'i>, rule: Rule, key: &str) -> Option<Cow<'i, str>> {
        match value.get_ref() {
            DeValue::String(text) => Some(text.clone()),
            other => {
                self.error(
                    value.span(),
                    format!("`{key}` of rule `{rule}` must be a string, found {}", kind(other)),
                    format!("quote it, e.g. {key} = \"...\""),
                );
                None
            }
        }
    }

    fn strings(&mut self, value: &Value<'_>, rule: Rule, key: &str) -> Option<Vec<String>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`{key}` of rule `{rule}` must be an array of strings, found {}",
                    kind(value.get_ref())
                ),
                format!("write {key} = [\"...\", \"...\"]"),
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            out.push(self.string(item, rule, key)?.into_owned());
        }
        Some(out)
    }

    fn pattern(&mut self, value: &Value<'_>, rule: Rule) -> Option<Pattern> {
        let text = self.string(value, rule, "pattern")?;
        match Pattern::new(&text) {
            Ok(pattern) => Some(pattern),
            Err(err) => {
                self.error(
                    value.span(),
                    format!("`pattern` of rule `{rule}` is not a regular expression: {}", first_line(&err)),
                    "write a regex-lite expression, e.g. pattern = '^[a-z]+(\\.[a-z]+)*$' (single quotes keep backslashes)"
                        .to_owned(),
                );
                None
            }
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().find(|line| !line.trim().is_empty()).unwrap_or(text).trim()
}

fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> Result<LintConfig, String> {
        let mut config = LintConfig::default();
        config
            .apply(&SourceFile::new("lint.toml", text), ConfigSource::LintFile)
            .map(|()| config)
            .map_err(|d| d.to_string())
    }

    #[test]
    fn short_and_long_forms() {
        let config = apply(
            "[lint.rules]\ndoc-required-field = \"error\"\n[lint.rules.field-name-style]\nstyle = \"camelCase\"\n\
             [lint.rules.forbidden-field-name]\nnames = [\"type\"]\n",
        )
        .unwrap();
        assert_eq!(config.level(Rule::DocRequiredField), Level::Error);
        assert_eq!(config.field_style, Style::CamelCase);
        assert_eq!(config.level(Rule::FieldNameStyle), Level::Error);
        assert_eq!(config.level(Rule::ForbiddenFieldName), Level::Error);
        assert_eq!(config.forbidden_names, ["type"]);
    }

    #[test]
    fn layers_apply_in_turn() {
        let mut config = LintConfig::default();
        let catalog =
            "environments = [\"dev\"]\n[lint.rules]\nenum-default = \"warning\"\nmoney-not-float = \"warning\"\n";
        config
            .apply(&SourceFile::new("catalog.toml", catalog), ConfigSource::Catalog)
            .unwrap();
        let file = "[lint.rules.money-not-float]\nwords = [\"Price\"]\n";
        config
            .apply(&SourceFile::new("lint.toml", file), ConfigSource::LintFile)
            .unwrap();
        assert_eq!(config.level(Rule::EnumDefault), Level::Warning);
        assert_eq!(config.level(Rule::MoneyNotFloat), Level::Warning);
        assert_eq!(config.money_words, ["price"]);
    }

    #[test]
    fn problems_are_located_with_suggestions() {
        let err = apply("[lint.rules]\ndoc-required-feild = \"eror\"\n").unwrap_err();
        assert!(
            err.contains("lint.toml:2:1: error: unknown rule `doc-required-feild`"),
            "{err}"
        );
        assert!(err.contains("did you mean `doc-required-field`?"), "{err}");
        let err = apply("[lint.rules]\nenum-default = \"eror\"\n").unwrap_err();
        assert!(err.contains("lint.toml:2:16: error: unknown level `eror`"), "{err}");
        assert!(err.contains("did you mean `error`?"), "{err}");
        let err = apply("[lint.rules.namespace-pattern]\npattern = \"(\"\n").unwrap_err();
        assert!(
            err.contains("lint.toml:2:11: error: `pattern` of rule `namespace-pattern`"),
            "{err}"
        );
        let err = apply("[lints]\n").unwrap_err();
        assert!(err.contains("did you mean `lint`?"), "{err}");
    }

    #[test]
    fn a_failed_layer_changes_nothing() {
        let mut config = LintConfig::default();
        let file = SourceFile::new("lint.toml", "[lint.rules]\nenum-default = \"off\"\nnope = \"off\"\n");
        assert!(config.apply(&file, ConfigSource::LintFile).is_err());
        assert_eq!(config.level(Rule::EnumDefault), Level::Error);
    }
}
