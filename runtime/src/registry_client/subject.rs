//! Subject name strategies: which subject a topic's keys or values are registered under.

/// How a serializer names the subject of a record's schema. Confluent's Java serializer
/// now defaults to an "associated" strategy that falls back to [`TopicName`](Self::TopicName)
/// when the topic has no association; fleets agree as long as none is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectNameStrategy {
    /// `<topic>-key` / `<topic>-value`: one schema lineage per topic (the default).
    #[default]
    TopicName,
    /// The record's full name: one lineage per type, shared by every topic.
    RecordName,
    /// `<topic>-<full name>`: several types per topic, each with its own lineage.
    TopicRecordName,
}

impl SubjectNameStrategy {
    /// The subject for `topic`'s keys (`is_key`) or values, whose type is `full_name`
    /// (`None` for a union, which only [`TopicName`](Self::TopicName) can name).
    pub fn subject(self, topic: &str, is_key: bool, full_name: Option<&str>) -> Option<String> {
        match (self, full_name) {
            (Self::TopicName, _) => Some(format!("{topic}-{}", if is_key { "key" } else { "value" })),
            (Self::RecordName, Some(name)) => Some(name.to_owned()),
            (Self::TopicRecordName, Some(name)) => Some(format!("{topic}-{name}")),
            (_, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SubjectNameStrategy as S;

    #[test]
    fn subjects_follow_confluent_names() {
        assert_eq!(
            S::TopicName.subject("orders", false, Some("a.B")).as_deref(),
            Some("orders-value")
        );
        assert_eq!(
            S::TopicName.subject("orders", true, None).as_deref(),
            Some("orders-key")
        );
        assert_eq!(
            S::RecordName.subject("orders", false, Some("a.B")).as_deref(),
            Some("a.B")
        );
        assert_eq!(
            S::TopicRecordName.subject("orders", false, Some("a.B")).as_deref(),
            Some("orders-a.B")
        );
        assert_eq!(S::RecordName.subject("orders", false, None), None);
    }
}
