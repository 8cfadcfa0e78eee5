//! The Rust names of Avro names, which the generator and the derive macro both use, so a
//! generated type and the codec derived for it always agree.
//!
//! Types and enum variants become `UpperCamelCase`, fields and modules `snake_case`.
//! Keywords become raw identifiers (`r#type`) where Rust allows it, and get a trailing
//! underscore where it does not (`self_`, `Self_`). The Avro name stays on the wire: the
//! emitters add a rename attribute whenever the identifier differs from it.

use crate::ir::{EnumType, Logical, Record, Schema, SchemaSet};
use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of Rust 2024 (strict and reserved), which need escaping.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// A Rust identifier as text: `r#type`, `self_`, `TelescopeData`.
pub fn escape(word: &str) -> String {
    if NOT_RAW.contains(&word) {
        format!("{word}_")
    } else if KEYWORDS.contains(&word) {
        format!("r#{word}")
    } else {
        word.to_owned()
    }
}

/// The type (or enum variant) name for an Avro name.
pub fn type_name(avro: &str) -> String {
    let camel = avro.to_upper_camel_case();
    if camel.is_empty() {
        // `_` and `__` have no letters to camel-case; keep them recognisable.
        return escape(&format!("Underscore{}", avro.len()));
    }
    escape(&camel)
}

/// The field or module name for an Avro name.
pub fn snake_name(avro: &str) -> String {
    let snake = avro.to_snake_case();
    if snake.is_empty() {
        return format!("underscore{}", avro.len());
    }
    escape(&snake)
}

/// The case of a list of identifiers, which decides how [`dedupe`] numbers duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentCase {
    /// `snake_case` (fields, modules): `foo_bar_2`.
    Snake,
    /// `UpperCamelCase` (types, enum variants): `FooBar2`.
    UpperCamel,
}

/// Makes `names` distinct by numbering later duplicates (`foo_bar_2` in snake case,
/// `FooBar2` in camel case); collisions come from names that differ only in case or
/// separators (`fooBar`, `foo_bar`).
pub fn dedupe(names: &mut [String], case: IdentCase) {
    for i in 1..names.len() {
        let mut n = 2;
        let base = names[i].trim_start_matches("r#").trim_end_matches('_').to_owned();
        while names[..i].contains(&names[i]) {
            names[i] = match case {
                IdentCase::Snake => format!("{base}_{n}"),
                IdentCase::UpperCamel => format!("{base}{n}"),
            };
            n += 1;
        }
    }
}

/// The Rust field identifiers of a record's fields, in order (`sourceId` → `source_id`,
/// `type` → `r#type`; collisions numbered).
pub fn field_idents(record: &Record) -> Vec<String> {
    let mut fields: Vec<String> = record.fields.iter().map(|f| snake_name(&f.name)).collect();
    dedupe(&mut fields, IdentCase::Snake);
    fields
}

/// The Rust variant identifiers of an enum's symbols, in order (`node_to_hub` →
/// `NodeToHub`; collisions numbered).
pub fn enum_variant_idents(e: &EnumType) -> Vec<String> {
    let mut variants: Vec<String> = e.symbols.iter().map(|s| type_name(s)).collect();
    dedupe(&mut variants, IdentCase::UpperCamel);
    variants
}

/// The Rust variant identifiers of a union's branches: the branch's type (`Null`, `Long`,
/// `Array`, `TimestampMillis`) or, for named types, its name; full names where short
/// names clash.
pub fn union_variant_idents(set: &SchemaSet, branches: &[Schema]) -> Vec<String> {
    let short = |schema: &Schema| -> String {
        match schema {
            Schema::Named(id) => type_name(&set.get(*id).name.name),
            Schema::Logical(Logical::Decimal(_)) => "Decimal".into(),
            Schema::Logical(logical) => type_name(logical.name()),
            other => type_name(set.describe(other).split(['<', ' ']).next().unwrap_or("Value")),
        }
    };
    let mut names: Vec<String> = branches.iter().map(short).collect();
    for i in 0..names.len() {
        let clashes = names.iter().filter(|n| **n == names[i]).count() > 1;
        if let (true, Schema::Named(id)) = (clashes, &branches[i]) {
            names[i] = type_name(&set.get(*id).name.to_string().replace('.', "_"));
        }
    }
    dedupe(&mut names, IdentCase::UpperCamel);
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_idiomatic_escaped_names() {
        assert_eq!(type_name("telescope_data"), "TelescopeData");
        assert_eq!(type_name("node_to_hub"), "NodeToHub");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(type_name("_"), "Underscore1");
        assert_eq!(snake_name("sourceId"), "source_id");
        assert_eq!(snake_name("type"), "r#type");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("crate"), "crate_");
        assert_eq!(snake_name("__"), "underscore2");
    }

    #[test]
    fn dedupes_case_collisions() {
        let mut names = vec![
            "foo_bar".to_owned(),
            "foo_bar".to_owned(),
            "x".to_owned(),
            "foo_bar".to_owned(),
        ];
        dedupe(&mut names, IdentCase::Snake);
        assert_eq!(names, ["foo_bar", "foo_bar_2", "x", "foo_bar_3"]);
        let mut names = vec!["Self_".to_owned(), "Self_".to_owned()];
        dedupe(&mut names, IdentCase::UpperCamel);
        assert_eq!(names, ["Self_", "Self2"]);
    }
}
