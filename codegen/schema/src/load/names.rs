//! Avro naming rules: what a valid name is, how names resolve, and what a typo meant.

/// The primitive type names, which cannot be used for named types.
pub const PRIMITIVES: [&str; 8] = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"];

/// Whether `s` is a valid simple name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_valid_simple_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `s` is a valid namespace: empty (the null namespace) or dot-separated valid
/// simple names.
pub fn is_valid_namespace(s: &str) -> bool {
    s.is_empty() || s.split('.').all(is_valid_simple_name)
}

/// The rule every name (and every component of a namespace) follows, for hints.
pub const NAME_RULE: &str = "Avro names start with a letter or `_` and contain only letters, digits and `_`";

/// Why a (possibly dotted) name is invalid, naming the offending part and character
/// ("it contains `-`", "`2d` starts with `2`"), or `None` when it is valid.
pub fn name_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".to_owned());
    }
    let dotted = s.contains('.');
    for part in s.split('.') {
        let subject = if dotted { format!("`{part}`") } else { "it".to_owned() };
        let mut chars = part.chars();
        let Some(first) = chars.next() else {
            return Some("it has an empty component between dots".to_owned());
        };
        let bad = if first.is_ascii_alphabetic() || first == '_' {
            match chars.find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
                Some(c) => c,
                None => continue,
            }
        } else {
            return Some(format!("{subject} starts with {}", describe_char(first)));
        };
        return Some(format!("{subject} contains {}", describe_char(bad)));
    }
    None
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        c if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        c => format!("`{c}`"),
    }
}

/// What the author of an unknown type name most likely meant, when the name is another
/// language's spelling of a primitive or a logical type written as if it were a type.
/// Edit distance misses these (`integer` is far from `int`), and they are common.
pub fn meant_instead(name: &str) -> Option<String> {
    let primitive = match name {
        "integer" | "i32" | "int32" => "int",
        "i64" | "int64" | "bigint" => "long",
        "bool" => "boolean",
        "f32" | "real" => "float",
        "f64" | "number" => "double",
        "str" | "text" | "varchar" => "string",
        "byte" | "binary" | "blob" => "bytes",
        _ => {
            let (base, logical) = match name {
                "uuid" => ("string", "uuid"),
                "date" => ("int", "date"),
                "time" | "time-millis" => ("int", "time-millis"),
                "time-micros" => ("long", "time-micros"),
                "timestamp" | "datetime" | "instant" | "timestamp-millis" => ("long", "timestamp-millis"),
                "timestamp-micros"
                | "timestamp-nanos"
                | "local-timestamp-millis"
                | "local-timestamp-micros"
                | "local-timestamp-nanos" => ("long", name),
                "decimal" => {
                    return Some(
                        r#"{"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}"#.to_owned(),
                    );
                }
                "duration" => {
                    return Some(
                        r#"{"type": "fixed", "name": "...", "size": 12, "logicalType": "duration"}"#.to_owned(),
                    );
                }
                _ => return None,
            };
            return Some(format!(r#"{{"type": "{base}", "logicalType": "{logical}"}}"#));
        }
    };
    Some(format!("`{primitive}`"))
}

/// The candidate closest to `name` by edit distance (case-insensitive), if it is close
/// enough to be a plausible typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let short = |s: &str| s.rsplit('.').next().unwrap_or(s).to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let full = edit_distance(&lower, &c.to_ascii_lowercase());
            (full.min(edit_distance(&short(&lower), &short(c))), full, c)
        })
        .filter(|(distance, _, c)| *distance <= (c.len().max(name.len()) / 3).max(1))
        // Among names as close by their last part, the one closest as a whole: `a.b.datax`
        // means `a.b.data`, not `x.data`.
        .min_by_key(|(distance, full, c)| (*distance, *full, c.len()))
        .map(|(_, _, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_names() {
        assert!(is_valid_simple_name("_a1"));
        assert!(!is_valid_simple_name("1a"));
        assert!(!is_valid_simple_name("a-b"));
        assert!(is_valid_namespace(""));
        assert!(is_valid_namespace("a.b_c"));
        assert!(!is_valid_namespace("a..b"));
        assert_eq!(name_problem("a.b"), None);
        assert_eq!(name_problem("a.b-c").unwrap(), "`b-c` contains `-`");
        assert_eq!(name_problem("2d").unwrap(), "it starts with `2`");
        assert_eq!(name_problem("old name").unwrap(), "it contains a space");
        assert!(name_problem("a..b").unwrap().contains("empty component"));
        assert!(name_problem("").unwrap().contains("empty"));
    }

    #[test]
    fn suggests_close_names() {
        let names = ["astro.beam.TelescopeData", "string", "int"];
        assert_eq!(suggest("Strng", names), Some("string"));
        assert_eq!(suggest("TelescopeDta", names), Some("astro.beam.TelescopeData"));
        assert_eq!(suggest("Completely", names), None);
        let topics = ["telescope.data", "run-1.telescope.data", "run-1.telescope.status"];
        assert_eq!(suggest("run-1.telescope.datax", topics), Some("run-1.telescope.data"));
    }
}
