//! Rust identifier tokens for the names [`avrokit_schema::rust_names`] spells.

use proc_macro2::{Ident, Span};

pub use avrokit_schema::rust_names::{snake_name, type_name};

/// The identifier token for text produced above.
pub fn ident(text: &str) -> Ident {
    match text.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(text, Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_identifiers_stay_raw() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("self_").to_string(), "self_");
    }
}
