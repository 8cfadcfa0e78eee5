//! Subject name strategies: which subject a topic's keys or values are registered under.
//! The catalog names one per topic (`subject_strategy`), the generated descriptors carry
//! it, and the runtime's serializers name subjects by it.

/// The part of a Kafka record a schema is for: its key or its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RecordPart {
    /// The record's key (`<topic>-key` under [`SubjectNameStrategy::TopicName`]).
    Key,
    /// The record's value (`<topic>-value`): what serializers write unless told otherwise.
    #[default]
    Value,
}

impl RecordPart {
    /// `key` or `value`, as Confluent's subject names spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordPart::Key => "key",
            RecordPart::Value => "value",
        }
    }
}

impl std::fmt::Display for RecordPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a serializer names the subject of a record's schema. Confluent's Java serializer
/// now defaults to an "associated" strategy that falls back to [`TopicName`](Self::TopicName)
/// when the topic has no association; fleets agree as long as none is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
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
    /// The subject for `topic`'s keys or values (`part`), whose type is `full_name`
    /// (`None` for a union, which only [`TopicName`](Self::TopicName) can name).
    ///
    /// ```
    /// # use avrokit_schema::subject::{RecordPart, SubjectNameStrategy};
    /// let subject = SubjectNameStrategy::TopicName.subject("orders", RecordPart::Key, Some("shop.OrderKey"));
    /// assert_eq!(subject.as_deref(), Some("orders-key"));
    /// ```
    pub fn subject(self, topic: &str, part: RecordPart, full_name: Option<&str>) -> Option<String> {
        match (self, full_name) {
            (Self::TopicName, _) => Some(format!("{topic}-{part}")),
            (Self::RecordName, Some(name)) => Some(name.to_owned()),
            (Self::TopicRecordName, Some(name)) => Some(format!("{topic}-{name}")),
            (_, None) => None,
        }
    }
}

impl SubjectNameStrategy {
    /// Every strategy with the word the catalog spells it with.
    pub const WORDS: [(&'static str, SubjectNameStrategy); 3] = [
        ("topic_name", SubjectNameStrategy::TopicName),
        ("record_name", SubjectNameStrategy::RecordName),
        ("topic_record_name", SubjectNameStrategy::TopicRecordName),
    ];

    /// The word the catalog spells this strategy with (`topic_name`, `record_name`,
    /// `topic_record_name`).
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectNameStrategy::TopicName => "topic_name",
            SubjectNameStrategy::RecordName => "record_name",
            SubjectNameStrategy::TopicRecordName => "topic_record_name",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RecordPart::{Key, Value};
    use super::SubjectNameStrategy as S;

    #[test]
    fn subjects_follow_confluent_names() {
        assert_eq!(
            S::TopicName.subject("orders", Value, Some("a.B")).as_deref(),
            Some("orders-value")
        );
        assert_eq!(S::TopicName.subject("orders", Key, None).as_deref(), Some("orders-key"));
        assert_eq!(
            S::RecordName.subject("orders", Value, Some("a.B")).as_deref(),
            Some("a.B")
        );
        assert_eq!(
            S::TopicRecordName.subject("orders", Value, Some("a.B")).as_deref(),
            Some("orders-a.B")
        );
        assert_eq!(S::RecordName.subject("orders", Value, None), None);
    }
}
