//! The rules: their stable ids, default levels and what each one checks.

use std::fmt;

/// How seriously a rule is taken: configured per rule in `[lint.rules]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The rule does not run.
    Off,
    /// Findings are reported; they fail the run only with `--deny-warnings`.
    Warning,
    /// Findings are reported and fail the run (exit 1).
    Error,
}

impl Level {
    /// Every level, as configuration spells them.
    pub const ALL: [Level; 3] = [Level::Error, Level::Warning, Level::Off];

    /// `error`, `warning` or `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// The level named `text` (`error`, `warning`, `off`).
    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|level| level.as_str() == text)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One lint rule. Its [`id`](Rule::id) is stable: configuration, suppressions and output
/// name rules by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// `type-name-style`: record, enum and fixed names are PascalCase.
    TypeNameStyle,
    /// `field-name-style`: field names are snake_case (or camelCase, by its `style`).
    FieldNameStyle,
    /// `enum-symbol-style`: enum symbols are UPPER_SNAKE_CASE.
    EnumSymbolStyle,
    /// `doc-required-type`: every named type has a non-empty `doc`.
    DocRequiredType,
    /// `doc-required-field`: every record field has a non-empty `doc`.
    DocRequiredField,
    /// `namespace-pattern`: every namespace written (and every top-level type's, which
    /// may be none) matches a regular expression.
    NamespacePattern,
    /// `optional-field`: a field whose union holds `null` lists `null` first and
    /// defaults to `null`.
    OptionalField,
    /// `enum-default`: every enum has a `default` symbol, so that readers survive symbols
    /// added later.
    EnumDefault,
    /// `money-not-float`: fields named like money are not `float` or `double`.
    MoneyNotFloat,
    /// `timestamp-logical-type`: `long` fields named like instants (`*_at`, `*_ts`) carry
    /// a timestamp logical type.
    TimestampLogicalType,
    /// `forbidden-field-name`: field names from a configured list are refused.
    ForbiddenFieldName,
    /// `invalid-ignore`: an `avrokit.lint.ignore` property that is malformed or names a
    /// rule that does not exist.
    InvalidIgnore,
}

impl Rule {
    /// Every rule, in the order of the reference table.
    pub const ALL: [Rule; 12] = [
        Rule::TypeNameStyle,
        Rule::FieldNameStyle,
        Rule::EnumSymbolStyle,
        Rule::DocRequiredType,
        Rule::DocRequiredField,
        Rule::NamespacePattern,
        Rule::OptionalField,
        Rule::EnumDefault,
        Rule::MoneyNotFloat,
        Rule::TimestampLogicalType,
        Rule::ForbiddenFieldName,
        Rule::InvalidIgnore,
    ];

    /// The stable kebab-case id.
    pub fn id(self) -> &'static str {
        match self {
            Rule::TypeNameStyle => "type-name-style",
            Rule::FieldNameStyle => "field-name-style",
            Rule::EnumSymbolStyle => "enum-symbol-style",
            Rule::DocRequiredType => "doc-required-type",
            Rule::DocRequiredField => "doc-required-field",
            Rule::NamespacePattern => "namespace-pattern",
            Rule::OptionalField => "optional-field",
            Rule::EnumDefault => "enum-default",
            Rule::MoneyNotFloat => "money-not-float",
            Rule::TimestampLogicalType => "timestamp-logical-type",
            Rule::ForbiddenFieldName => "forbidden-field-name",
            Rule::InvalidIgnore => "invalid-ignore",
        }
    }

    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.id() == id)
    }

    /// Every id, for did-you-mean hints.
    pub fn ids() -> impl Iterator<Item = &'static str> {
        Rule::ALL.into_iter().map(Rule::id)
    }

    /// The level a rule has when the configuration does not mention it.
    pub fn default_level(self) -> Level {
        match self {
            Rule::TypeNameStyle
            | Rule::FieldNameStyle
            | Rule::EnumSymbolStyle
            | Rule::OptionalField
            | Rule::EnumDefault
            | Rule::InvalidIgnore => Level::Error,
            Rule::DocRequiredType | Rule::DocRequiredField | Rule::NamespacePattern => Level::Warning,
            Rule::MoneyNotFloat | Rule::TimestampLogicalType | Rule::ForbiddenFieldName => Level::Off,
        }
    }

    /// The level a rule that is off takes when its table is configured without a
    /// `severity` (`[lint.rules.forbidden-field-name] names = ["type"]` turns it on).
    pub fn enabled_level(self) -> Level {
        match self.default_level() {
            Level::Off => Level::Error,
            level => level,
        }
    }

    /// The options its table takes besides `severity`.
    pub fn options(self) -> &'static [&'static str] {
        match self {
            Rule::FieldNameStyle => &["style"],
            Rule::NamespacePattern => &["pattern"],
            Rule::MoneyNotFloat => &["words", "pattern"],
            Rule::TimestampLogicalType => &["suffixes"],
            Rule::ForbiddenFieldName => &["names"],
            _ => &[],
        }
    }

    /// One line on what the rule checks.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::TypeNameStyle => "record, enum and fixed names are PascalCase",
            Rule::FieldNameStyle => "field names are snake_case, or camelCase by `style`",
            Rule::EnumSymbolStyle => "enum symbols are UPPER_SNAKE_CASE",
            Rule::DocRequiredType => "every record, enum and fixed has a non-empty `doc`",
            Rule::DocRequiredField => "every field has a non-empty `doc`",
            Rule::NamespacePattern => "namespaces match `pattern`",
            Rule::OptionalField => "a union with `null` lists it first and the field defaults to null",
            Rule::EnumDefault => "every enum has a `default` symbol (forward compatibility)",
            Rule::MoneyNotFloat => "fields named like money are not float or double",
            Rule::TimestampLogicalType => "long fields named like instants carry a timestamp logical type",
            Rule::ForbiddenFieldName => "field names in `names` are refused",
            Rule::InvalidIgnore => "`avrokit.lint.ignore` lists known rule ids",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_kebab_case() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
            assert!(rule.id().chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{rule}");
        }
        assert_eq!(Rule::from_id("doc-required"), None);
    }

    #[test]
    fn off_rules_turn_on_as_errors() {
        assert_eq!(Rule::ForbiddenFieldName.default_level(), Level::Off);
        assert_eq!(Rule::ForbiddenFieldName.enabled_level(), Level::Error);
        assert_eq!(Rule::DocRequiredField.enabled_level(), Level::Warning);
    }
}
