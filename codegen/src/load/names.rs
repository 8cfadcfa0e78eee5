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

/// Why a (possibly dotted) name is invalid, in words, or `None` when it is valid.
pub fn name_problem(s: &str) -> Option<String> {
    match s.split('.').find(|part| !is_valid_simple_name(part)) {
        None => None,
        Some(_) if s.is_empty() => Some("a name cannot be empty".to_owned()),
        Some("") => Some(format!("`{s}` has an empty component between dots")),
        Some(bad) => Some(format!(
            "`{bad}` is not a valid Avro name: names start with a letter or `_` and contain only letters, digits and `_`"
        )),
    }
}

/// The candidate closest to `name` by edit distance (case-insensitive), if it is close
/// enough to be a plausible typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let short = |s: &str| s.rsplit('.').next().unwrap_or(s).to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let distance = edit_distance(&lower, &c.to_ascii_lowercase()).min(edit_distance(&short(&lower), &short(c)));
            (distance, c)
        })
        .filter(|(distance, c)| *distance <= (c.len().max(name.len()) / 3).max(1))
        .min_by_key(|(distance, c)| (*distance, c.len()))
        .map(|(_, c)| c)
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
        assert!(name_problem("a.b-c").unwrap().contains("`b-c`"));
        assert!(name_problem("a..b").unwrap().contains("empty component"));
    }

    #[test]
    fn suggests_close_names() {
        let names = ["astro.beam.TelescopeData", "string", "int"];
        assert_eq!(suggest("Strng", names), Some("string"));
        assert_eq!(suggest("TelescopeDta", names), Some("astro.beam.TelescopeData"));
        assert_eq!(suggest("Completely", names), None);
    }
}
