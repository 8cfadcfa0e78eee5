//! Naming styles: which names are in a style, and the same name rewritten into it.

use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// A naming style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `TelescopeData`: an upper-case letter, then letters and digits.
    PascalCase,
    /// `data_id`: lower-case words of letters and digits joined by single underscores.
    SnakeCase,
    /// `dataId`: a lower-case letter, then letters and digits.
    CamelCase,
    /// `IN_PROGRESS`: upper-case words of letters and digits joined by single underscores.
    UpperSnakeCase,
}

impl Style {
    /// The style's name, as configuration and messages spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Style::PascalCase => "PascalCase",
            Style::SnakeCase => "snake_case",
            Style::CamelCase => "camelCase",
            Style::UpperSnakeCase => "UPPER_SNAKE_CASE",
        }
    }

    /// Whether `name` is written in this style.
    pub fn matches(self, name: &str) -> bool {
        let mut chars = name.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        match self {
            Style::PascalCase => first.is_ascii_uppercase() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            Style::CamelCase => first.is_ascii_lowercase() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            Style::SnakeCase => words(name, first, |c| c.is_ascii_lowercase() || c.is_ascii_digit()),
            Style::UpperSnakeCase => words(name, first, |c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        }
    }

    /// `name` rewritten in this style.
    pub fn convert(self, name: &str) -> String {
        match self {
            Style::PascalCase => name.to_upper_camel_case(),
            Style::SnakeCase => name.to_snake_case(),
            Style::CamelCase => name.to_lower_camel_case(),
            Style::UpperSnakeCase => name.to_shouty_snake_case(),
        }
    }
}

/// Words of `allowed` characters joined by single underscores, starting with a letter.
fn words(name: &str, first: char, allowed: impl Fn(char) -> bool) -> bool {
    first.is_ascii_alphabetic()
        && name
            .split('_')
            .all(|word| !word.is_empty() && word.chars().all(&allowed))
}

/// The lower-case words of a name, whether snake_case or camelCase: `totalAmount` and
/// `total_amount` are both `total`, `amount`.
pub fn name_words(name: &str) -> Vec<String> {
    name.to_snake_case()
        .split('_')
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_accept_their_own_names_only() {
        let cases = [
            (Style::PascalCase, "TelescopeData", true),
            (Style::PascalCase, "HTTPRequest", true),
            (Style::PascalCase, "telescopeData", false),
            (Style::PascalCase, "Telescope_Data", false),
            (Style::SnakeCase, "data_id", true),
            (Style::SnakeCase, "x2", true),
            (Style::SnakeCase, "dataId", false),
            (Style::SnakeCase, "data__id", false),
            (Style::SnakeCase, "_id", false),
            (Style::SnakeCase, "id_", false),
            (Style::CamelCase, "dataId", true),
            (Style::CamelCase, "data_id", false),
            (Style::CamelCase, "DataId", false),
            (Style::UpperSnakeCase, "IN_PROGRESS", true),
            (Style::UpperSnakeCase, "V2", true),
            (Style::UpperSnakeCase, "in_progress", false),
            (Style::UpperSnakeCase, "InProgress", false),
        ];
        for (style, name, expected) in cases {
            assert_eq!(style.matches(name), expected, "{name} as {}", style.as_str());
        }
    }

    #[test]
    fn converts_and_splits_words() {
        assert_eq!(Style::SnakeCase.convert("sourceId"), "source_id");
        assert_eq!(Style::UpperSnakeCase.convert("node_to_hub"), "NODE_TO_HUB");
        assert_eq!(Style::PascalCase.convert("telescope_data"), "TelescopeData");
        assert_eq!(name_words("totalAmountUSD"), ["total", "amount", "usd"]);
        assert_eq!(name_words("unit_price"), ["unit", "price"]);
    }
}
