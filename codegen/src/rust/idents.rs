//! Avro names → idiomatic Rust identifiers.
//!
//! Types and enum variants become `UpperCamelCase`, fields and modules `snake_case`.
//! Keywords become raw identifiers (`r#type`) where Rust allows it, and get a trailing
//! underscore where it does not (`self_`, `Self_`). The Avro name stays on the wire: the
//! emitters add a rename attribute whenever the identifier differs from it.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

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

/// The identifier token for text produced above.
pub fn ident(text: &str) -> Ident {
    match text.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(text, Span::call_site()),
    }
}

/// Makes `names` distinct by numbering later duplicates (`foo_bar_2` in snake case,
/// `FooBar2` in camel case); collisions come from names that differ only in case or
/// separators (`fooBar`, `foo_bar`).
pub fn dedupe(names: &mut [String], snake: bool) {
    for i in 1..names.len() {
        let mut n = 2;
        let base = names[i].trim_start_matches("r#").trim_end_matches('_').to_owned();
        while names[..i].contains(&names[i]) {
            names[i] = if snake {
                format!("{base}_{n}")
            } else {
                format!("{base}{n}")
            };
            n += 1;
        }
    }
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
        assert_eq!(ident("r#type").to_string(), "r#type");
    }

    #[test]
    fn dedupes_case_collisions() {
        let mut names = vec![
            "foo_bar".to_owned(),
            "foo_bar".to_owned(),
            "x".to_owned(),
            "foo_bar".to_owned(),
        ];
        dedupe(&mut names, true);
        assert_eq!(names, ["foo_bar", "foo_bar_2", "x", "foo_bar_3"]);
        let mut names = vec!["Self_".to_owned(), "Self_".to_owned()];
        dedupe(&mut names, false);
        assert_eq!(names, ["Self_", "Self2"]);
    }
}
