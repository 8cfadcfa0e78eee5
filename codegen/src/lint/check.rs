//! The walk over a [`SchemaSet`]: every named type, then every field of a record, each
//! rule that runs checked on it, suppressions applied.

use super::config::LintConfig;
use super::locate::{Locator, Step};
use super::rules::{Level, Rule};
use super::style::{Style, name_words};
use super::{Finding, IGNORE_PROPERTY};
use crate::diagnostic::{Severity, did_you_mean};
use crate::ir::{EnumType, Field, Logical, NamedKind, NamedType, Origin, Props, Schema, SchemaSet};
use std::collections::BTreeSet;

/// Runs every rule of `config` that is not off over `set`.
pub(super) fn run(set: &SchemaSet, config: &LintConfig) -> Vec<Finding> {
    let mut linter = Linter {
        set,
        config,
        locator: Locator::new(set),
        findings: Vec::new(),
    };
    for (_, named) in set.iter() {
        linter.named(named);
    }
    let mut findings = linter.findings;
    findings.sort_by(|a, b| {
        (&a.position.file, a.position.line, a.position.column, a.rule).cmp(&(
            &b.position.file,
            b.position.line,
            b.position.column,
            b.rule,
        ))
    });
    findings
}

struct Linter<'a> {
    set: &'a SchemaSet,
    config: &'a LintConfig,
    locator: Locator<'a>,
    findings: Vec<Finding>,
}

/// The element a finding is about, and the rules suppressed on it.
struct Element<'e> {
    /// `astro.beam.TelescopeData` or `astro.beam.TelescopeData.data_id`.
    name: String,
    origin: Origin,
    ignored: &'e BTreeSet<Rule>,
    /// The enclosing type's suppressions, for a field.
    type_ignored: Option<&'e BTreeSet<Rule>>,
}

impl Linter<'_> {
    fn report(&mut self, rule: Rule, element: &Element<'_>, steps: &[Step<'_>], message: String) {
        let severity = match self.config.level(rule) {
            Level::Off => return,
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        };
        if element.ignored.contains(&rule) || element.type_ignored.is_some_and(|ignored| ignored.contains(&rule)) {
            return;
        }
        let located = self.locator.locate(element.origin, steps);
        self.findings.push(Finding {
            rule,
            severity,
            position: located.position,
            pointer: located.pointer,
            element: element.name.clone(),
            message,
        });
    }

    /// The rules `props` suppresses. A malformed list or an unknown id in it is reported
    /// under `invalid-ignore` on the element (`name`, `origin`), which the list itself or
    /// the enclosing type's can suppress.
    fn ignores(
        &mut self,
        props: &Props,
        name: &str,
        origin: Origin,
        type_ignored: Option<&BTreeSet<Rule>>,
    ) -> BTreeSet<Rule> {
        let mut ignored = BTreeSet::new();
        let Some(value) = props.get(IGNORE_PROPERTY) else {
            return ignored;
        };
        let mut problems: Vec<(Option<usize>, String)> = Vec::new();
        match value {
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    match item.as_str().map(|id| (id, Rule::from_id(id))) {
                        Some((_, Some(rule))) => {
                            ignored.insert(rule);
                        }
                        Some((id, None)) => {
                            let hint = did_you_mean(id, Rule::ids(), || {
                                format!("the rules are: {}", Rule::ids().collect::<Vec<_>>().join(", "))
                            });
                            problems.push((
                                Some(index),
                                format!("unknown rule `{id}` in `{IGNORE_PROPERTY}`: {hint}"),
                            ));
                        }
                        None => problems.push((
                            Some(index),
                            format!("`{IGNORE_PROPERTY}` lists rule ids as strings: quote the rule id"),
                        )),
                    }
                }
            }
            _ => problems.push((
                None,
                format!(
                    "`{IGNORE_PROPERTY}` must be an array of rule ids: write \"{IGNORE_PROPERTY}\": [\"{}\"]",
                    Rule::DocRequiredField
                ),
            )),
        }
        let element = Element {
            name: name.to_owned(),
            origin,
            ignored: &ignored,
            type_ignored,
        };
        for (index, message) in problems {
            let mut steps = vec![Step::Key(IGNORE_PROPERTY)];
            steps.extend(index.map(Step::Index));
            self.report(Rule::InvalidIgnore, &element, &steps, message);
        }
        ignored
    }

    fn named(&mut self, named: &NamedType) {
        let name = named.name.to_string();
        let ignored = self.ignores(&named.props, &name, named.origin, None);
        let element = Element {
            name,
            origin: named.origin,
            ignored: &ignored,
            type_ignored: None,
        };
        let kind = match &named.kind {
            NamedKind::Record(_) => "record",
            NamedKind::Enum(_) => "enum",
            NamedKind::Fixed(_) => "fixed",
        };
        if !Style::PascalCase.matches(&named.name.name) {
            let message = format!(
                "{kind} name `{}` is not PascalCase: name it `{}`",
                named.name.name,
                Style::PascalCase.convert(&named.name.name)
            );
            self.report(Rule::TypeNameStyle, &element, &[Step::Key("name")], message);
        }
        if is_blank(named.doc.as_deref()) {
            let message = format!(
                "{kind} `{}` has no doc: add \"doc\": \"...\" saying what it holds",
                element.name
            );
            self.report(Rule::DocRequiredType, &element, &[], message);
        }
        self.namespace(named, &element);
        match &named.kind {
            NamedKind::Enum(enum_type) => self.enum_type(enum_type, &element),
            NamedKind::Record(record) => {
                for field in &record.fields {
                    self.field(field, &element);
                }
            }
            NamedKind::Fixed(_) => {}
        }
    }

    /// The namespace where it is written: on a type that names one (a `namespace`, or a
    /// dotted `name`), and on top-level types, whose null namespace is checked as "".
    /// Types that inherit theirs are checked through the type that writes it.
    fn namespace(&mut self, named: &NamedType, element: &Element<'_>) {
        if self.config.level(Rule::NamespacePattern) == Level::Off {
            return;
        }
        let in_name = self
            .locator
            .member_str(named.origin, "name")
            .is_some_and(|name| name.contains('.'));
        let written = self.locator.has(named.origin, "namespace");
        if !(in_name || written || self.locator.is_top_level(named.origin)) {
            return;
        }
        let namespace = named.name.namespace.as_deref().unwrap_or("");
        if self.config.namespace_pattern.is_match(namespace) {
            return;
        }
        let pattern = self.config.namespace_pattern.as_str();
        let (steps, message): (&[Step<'_>], String) = if namespace.is_empty() {
            (
                &[Step::Key("name")],
                format!(
                    "`{}` has no namespace: add \"namespace\" matching `{pattern}`",
                    element.name
                ),
            )
        } else if !in_name {
            (
                &[Step::Key("namespace")],
                format!("namespace `{namespace}` does not match `{pattern}`: rename it to match"),
            )
        } else {
            (
                &[Step::Key("name")],
                format!(
                    "namespace `{namespace}` (in the name `{}`) does not match `{pattern}`: rename it to match",
                    element.name
                ),
            )
        };
        self.report(Rule::NamespacePattern, element, steps, message);
    }

    fn enum_type(&mut self, enum_type: &EnumType, element: &Element<'_>) {
        for (index, symbol) in enum_type.symbols.iter().enumerate() {
            if !Style::UpperSnakeCase.matches(symbol) {
                let message = format!(
                    "enum symbol `{symbol}` is not UPPER_SNAKE_CASE: write `{}`",
                    Style::UpperSnakeCase.convert(symbol)
                );
                self.report(
                    Rule::EnumSymbolStyle,
                    element,
                    &[Step::Key("symbols"), Step::Index(index)],
                    message,
                );
            }
        }
        if enum_type.default.is_none() {
            let fallback = enum_type
                .symbols
                .iter()
                .find(|s| s.eq_ignore_ascii_case("unknown"))
                .map_or_else(
                    || "a symbol such as UNKNOWN (added to the symbols)".to_owned(),
                    |s| format!("\"{s}\""),
                );
            let message = format!(
                "enum `{}` has no default: add \"default\": {fallback}, which readers use for symbols added later",
                element.name
            );
            self.report(Rule::EnumDefault, element, &[], message);
        }
    }

    fn field(&mut self, field: &Field, record: &Element<'_>) {
        let name = format!("{}.{}", record.name, field.name);
        let ignored = self.ignores(&field.props, &name, field.origin, Some(record.ignored));
        let element = Element {
            name,
            origin: field.origin,
            ignored: &ignored,
            type_ignored: Some(record.ignored),
        };
        let style = self.config.field_style;
        if !style.matches(&field.name) {
            let message = format!(
                "field name `{}` is not {}: name it `{}`",
                field.name,
                style.as_str(),
                style.convert(&field.name)
            );
            self.report(Rule::FieldNameStyle, &element, &[Step::Key("name")], message);
        }
        if is_blank(field.doc.as_deref()) {
            let message = format!(
                "field `{}` has no doc: add \"doc\": \"...\" saying what it holds",
                field.name
            );
            self.report(Rule::DocRequiredField, &element, &[], message);
        }
        if self
            .config
            .forbidden_names
            .iter()
            .any(|forbidden| forbidden.eq_ignore_ascii_case(&field.name))
        {
            let message = format!(
                "field name `{}` is forbidden by the lint configuration: choose another name",
                field.name
            );
            self.report(Rule::ForbiddenFieldName, &element, &[Step::Key("name")], message);
        }
        self.optional(field, &element);
        self.money(field, &element);
        self.timestamp(field, &element);
    }

    /// `["null", T]` with `"default": null`.
    fn optional(&mut self, field: &Field, element: &Element<'_>) {
        let Schema::Union(branches) = &field.schema else {
            return;
        };
        let Some(null_at) = branches.iter().position(|b| *b == Schema::Null) else {
            return;
        };
        let others: Vec<String> = branches
            .iter()
            .filter(|b| **b != Schema::Null)
            .map(|b| format!("\"{}\"", self.set.describe(b)))
            .collect();
        let wanted = format!("[\"null\", {}]", others.join(", "));
        let message = if null_at != 0 {
            format!(
                "optional field `{}` lists null as branch {null_at}: write {wanted} with \"default\": null",
                field.name
            )
        } else if field.default.is_none() {
            format!(
                "optional field `{}` has no default: add \"default\": null, so readers of older data get null",
                field.name
            )
        } else {
            return;
        };
        self.report(Rule::OptionalField, element, &[Step::Key("type")], message);
    }

    fn money(&mut self, field: &Field, element: &Element<'_>) {
        if self.config.level(Rule::MoneyNotFloat) == Level::Off {
            return;
        }
        let words = name_words(&field.name);
        let by_word = words.iter().find(|w| self.config.money_words.contains(w));
        let by_pattern = self.config.money_pattern.as_ref().filter(|p| p.is_match(&field.name));
        if by_word.is_none() && by_pattern.is_none() {
            return;
        }
        let Some(float) = floats(&field.schema) else {
            return;
        };
        let message = format!(
            "field `{}` holds money but is a {float}, which cannot hold most decimal amounts exactly: \
             use {{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": P, \"scale\": S}} \
             or a long of minor units",
            field.name
        );
        self.report(Rule::MoneyNotFloat, element, &[Step::Key("type")], message);
    }

    fn timestamp(&mut self, field: &Field, element: &Element<'_>) {
        if self.config.level(Rule::TimestampLogicalType) == Level::Off {
            return;
        }
        let Some(suffix) = self
            .config
            .timestamp_suffixes
            .iter()
            .find(|suffix| field.name.ends_with(suffix.as_str()))
        else {
            return;
        };
        let base = field.schema.as_optional().map_or(&field.schema, |(other, _)| other);
        let found = match base {
            Schema::Long => "a long".to_owned(),
            Schema::Logical(logical) if logical.base() == Schema::Long && !is_timestamp(*logical) => {
                format!("a long with logical type {}", logical.name())
            }
            _ => return,
        };
        let message = format!(
            "field `{}` (ending in `{suffix}`) is {found}: make it {{\"type\": \"long\", \"logicalType\": \"timestamp-millis\"}} \
             (or timestamp-micros) so every reader knows it is an instant",
            field.name
        );
        self.report(Rule::TimestampLogicalType, element, &[Step::Key("type")], message);
    }
}

fn is_blank(doc: Option<&str>) -> bool {
    doc.is_none_or(|doc| doc.trim().is_empty())
}

fn is_timestamp(logical: Logical) -> bool {
    matches!(
        logical,
        Logical::TimestampMillis
            | Logical::TimestampMicros
            | Logical::TimestampNanos
            | Logical::LocalTimestampMillis
            | Logical::LocalTimestampMicros
            | Logical::LocalTimestampNanos
    )
}

/// `float` or `double` when the field holds one: directly, in a union, an array or a map.
fn floats(schema: &Schema) -> Option<&'static str> {
    match schema {
        Schema::Float => Some("float"),
        Schema::Double => Some("double"),
        Schema::Union(branches) => branches.iter().find_map(floats),
        Schema::Array(inner) | Schema::Map(inner) => floats(inner),
        _ => None,
    }
}
