//! Dead-letter records: the original key, value and headers, plus headers that say where
//! the record came from and why it failed, under Kafka Connect's `__connect.errors.*`
//! names so that tools reading Connect's dead-letter topics read these too.

use super::Producer;
use rdkafka::message::{Header, Headers, OwnedHeaders};
use std::error::Error;
use std::fmt;

/// Where a consumer sends the records it cannot decode or handle: a producer and the
/// topic it writes them to, given together so that neither can be set without the other.
#[derive(Debug)]
pub struct DeadLetters {
    pub(super) producer: Producer,
    pub(super) topic: String,
}

impl DeadLetters {
    /// Dead letters written by `producer` to `topic`.
    pub fn new(producer: Producer, topic: impl Into<String>) -> DeadLetters {
        DeadLetters {
            producer,
            topic: topic.into(),
        }
    }

    /// The dead-letter topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }
}

/// Kafka Connect's dead-letter header names (`DeadLetterQueueReporter`).
pub mod header {
    /// The topic the record was read from.
    pub const TOPIC: &str = "__connect.errors.topic";
    /// Its partition.
    pub const PARTITION: &str = "__connect.errors.partition";
    /// Its offset.
    pub const OFFSET: &str = "__connect.errors.offset";
    /// Who failed (Connect: the connector; here: the consumer group).
    pub const CONNECTOR: &str = "__connect.errors.connector.name";
    /// The stage that failed: `VALUE_CONVERTER`, `KEY_CONVERTER` or `TASK_PUT`.
    pub const STAGE: &str = "__connect.errors.stage";
    /// The class (here: the Rust type) of the stage.
    pub const CLASS: &str = "__connect.errors.class.name";
    /// The error's type.
    pub const EXCEPTION_CLASS: &str = "__connect.errors.exception.class.name";
    /// The error's message.
    pub const EXCEPTION_MESSAGE: &str = "__connect.errors.exception.message";
    /// The error and its causes, one per line.
    pub const EXCEPTION_STACKTRACE: &str = "__connect.errors.exception.stacktrace";
}

/// Where processing failed, named as Kafka Connect names its stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The key could not be decoded.
    KeyConverter,
    /// The value could not be decoded (garbage, unknown schema id, ...).
    ValueConverter,
    /// The handler failed for good (a non-retriable error, or retries exhausted).
    TaskPut,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::KeyConverter => "KEY_CONVERTER",
            Stage::ValueConverter => "VALUE_CONVERTER",
            Stage::TaskPut => "TASK_PUT",
        })
    }
}

/// Why and where a record failed: what its dead-letter headers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The source topic.
    pub topic: String,
    /// The source partition.
    pub partition: i32,
    /// The source offset.
    pub offset: i64,
    /// The consumer group that gave up on it.
    pub group: String,
    /// The stage that failed.
    pub stage: Stage,
    /// The Rust type that failed (the value type, or the handler's error type).
    pub class: String,
    /// The error's type.
    pub error_type: String,
    /// The error's message.
    pub message: String,
    /// The error and its causes, one per line.
    pub causes: String,
}

impl Failure {
    /// A failure of `error` at `stage` for the record at `topic`/`partition`/`offset`.
    pub fn new<E: Error>(
        (topic, partition, offset): (&str, i32, i64),
        group: &str,
        stage: Stage,
        class: &str,
        error: &E,
    ) -> Failure {
        let mut causes = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            causes.push_str("\nCaused by: ");
            causes.push_str(&cause.to_string());
            source = cause.source();
        }
        Failure {
            topic: topic.to_owned(),
            partition,
            offset,
            group: group.to_owned(),
            stage,
            class: class.to_owned(),
            error_type: std::any::type_name::<E>().to_owned(),
            message: error.to_string(),
            causes,
        }
    }

    /// The record's own headers followed by the `__connect.errors.*` ones.
    pub fn headers<H: Headers>(&self, original: Option<&H>) -> OwnedHeaders {
        let mut headers = OwnedHeaders::new();
        if let Some(original) = original {
            for h in original.iter() {
                headers = headers.insert(Header {
                    key: h.key,
                    value: h.value,
                });
            }
        }
        let (partition, offset, stage) = (
            self.partition.to_string(),
            self.offset.to_string(),
            self.stage.to_string(),
        );
        let ours = [
            (header::TOPIC, self.topic.as_str()),
            (header::PARTITION, partition.as_str()),
            (header::OFFSET, offset.as_str()),
            (header::CONNECTOR, self.group.as_str()),
            (header::STAGE, stage.as_str()),
            (header::CLASS, self.class.as_str()),
            (header::EXCEPTION_CLASS, self.error_type.as_str()),
            (header::EXCEPTION_MESSAGE, self.message.as_str()),
            (header::EXCEPTION_STACKTRACE, self.causes.as_str()),
        ];
        for (key, value) in ours {
            headers = headers.insert(Header {
                key,
                value: Some(value),
            });
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn headers_keep_the_originals_and_say_where_and_why() {
        let error = Outer(std::io::Error::other("inner"));
        let failure = Failure::new(
            ("telemetry.raw", 2, 41),
            "validator",
            Stage::TaskPut,
            "iot::Validator",
            &error,
        );
        let original = OwnedHeaders::new().insert(Header {
            key: "trace",
            value: Some("abc"),
        });
        let headers = failure.headers(Some(&original));
        let read = |key: &str| {
            headers
                .iter()
                .find(|h| h.key == key)
                .and_then(|h| h.value)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        assert_eq!(read("trace").as_deref(), Some("abc"));
        assert_eq!(read(header::TOPIC).as_deref(), Some("telemetry.raw"));
        assert_eq!(read(header::PARTITION).as_deref(), Some("2"));
        assert_eq!(read(header::OFFSET).as_deref(), Some("41"));
        assert_eq!(read(header::STAGE).as_deref(), Some("TASK_PUT"));
        assert_eq!(read(header::EXCEPTION_MESSAGE).as_deref(), Some("outer"));
        assert_eq!(
            read(header::EXCEPTION_STACKTRACE).as_deref(),
            Some("outer\nCaused by: inner")
        );
        assert!(read(header::EXCEPTION_CLASS).unwrap().ends_with("Outer"));
    }
}
