//! The rules for the names a catalog gives Kafka and Kafka Connect: topic names (a
//! topic's own, a dead-letter topic's) and connector names. Each rule says what is wrong
//! with a name, if anything, in words the checker puts in its diagnostic.

/// Why `name` cannot name a connector, if it cannot. Connect itself takes almost anything,
/// but the name is a path segment of its REST API and the name of the generated file, so
/// it keeps to the characters of topic names.
pub(crate) fn connector_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("it is empty".to_owned())
    } else if name.len() > 249 {
        Some("it is longer than 249 characters".to_owned())
    } else if name.starts_with('.') {
        Some("it starts with `.`".to_owned())
    } else {
        name.chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .map(|bad| format!("it contains `{bad}`"))
    }
}

/// Kafka's rules for topic names: what is wrong, and what to do.
pub(super) fn topic_name_problem(name: &str) -> Option<(String, String)> {
    const ALLOWED: &str = "topic names use only ASCII letters, digits, `.`, `_` and `-`";
    if name.is_empty() {
        Some((
            "a topic name cannot be empty".into(),
            "name the topic, e.g. \"orders.placed\"".into(),
        ))
    } else if name == "." || name == ".." {
        Some(("`.` and `..` are reserved".into(), "choose another name".into()))
    } else if name.chars().count() > 249 {
        Some(("longer than 249 characters".into(), "shorten the name".into()))
    } else if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        let fixed: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '-') {
                    c
                } else {
                    '.'
                }
            })
            .collect();
        let shown = if bad == ' ' {
            "a space".to_owned()
        } else {
            format!("`{bad}`")
        };
        Some((format!("it contains {shown}"), format!("{ALLOWED}; e.g. `{fixed}`")))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connector_names_are_path_segments_and_file_names() {
        assert_eq!(connector_name_problem("telescope_data_raw-sink"), None);
        assert!(connector_name_problem("").is_some());
        assert!(connector_name_problem("../x").is_some());
        assert!(connector_name_problem("a/b").is_some());
        assert!(connector_name_problem("a b").is_some());
    }

    #[test]
    fn topic_names_follow_kafka() {
        assert_eq!(topic_name_problem("orders.placed"), None);
        assert!(topic_name_problem("").is_some());
        assert!(topic_name_problem("..").is_some());
        let (problem, hint) = topic_name_problem("orders placed").expect("a space is refused");
        assert_eq!(problem, "it contains a space");
        assert!(hint.ends_with("e.g. `orders.placed`"), "{hint}");
    }
}
