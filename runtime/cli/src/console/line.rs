//! The JSON line of one record, as `consume` prints it and `produce --envelope` reads it:
//!
//! ```json
//! {"topic": "t", "partition": 0, "offset": 7, "timestamp": 1733299200000,
//!  "headers": [{"key": "trace", "value": "abc"}], "key": "device-1",
//!  "schema_id": 3, "value": {"reading": 1.5}}
//! ```
//!
//! `timestamp` is milliseconds since the epoch (`null` when the record has none); a
//! header value that is not UTF-8 is `{"key": k, "value_hex": "..."}`; an Avro key adds
//! `key_schema_id`; a tombstone has `"schema_id": null, "value": null`. A record that
//! cannot be read is a line with `error` and the first bytes of what was there, so a
//! script sees every offset.

use super::key::{from_hex, hex};
use serde_json::{Map, Value, json};

/// A record header: a name and an optional value.
pub type Header = (String, Option<Vec<u8>>);

/// Where a record is: its topic, partition, offset and timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The offset in the partition.
    pub offset: i64,
    /// Milliseconds since the epoch, if the record has a timestamp.
    pub timestamp: Option<i64>,
}

impl Position {
    fn fields(&self) -> Map<String, Value> {
        let mut object = Map::new();
        object.insert("topic".into(), json!(self.topic));
        object.insert("partition".into(), json!(self.partition));
        object.insert("offset".into(), json!(self.offset));
        object.insert("timestamp".into(), json!(self.timestamp));
        object
    }
}

/// A record read: its position, headers, key and value, the key and value as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordLine {
    /// Where it is.
    pub position: Position,
    /// Its headers, in order.
    pub headers: Vec<Header>,
    /// The key as JSON (`null`: no key).
    pub key: Value,
    /// The registry id of an Avro key's schema.
    pub key_schema_id: Option<u32>,
    /// The registry id of the value's writer schema (`None` for a tombstone).
    pub schema_id: Option<u32>,
    /// The value in the Avro JSON encoding (`null` for a tombstone).
    pub value: Value,
}

impl RecordLine {
    /// The line, fields in the documented order.
    pub fn to_json(&self) -> Value {
        let mut object = self.position.fields();
        object.insert("headers".into(), headers_json(&self.headers));
        object.insert("key".into(), self.key.clone());
        if let Some(id) = self.key_schema_id {
            object.insert("key_schema_id".into(), json!(id));
        }
        object.insert("schema_id".into(), json!(self.schema_id));
        object.insert("value".into(), self.value.clone());
        Value::Object(object)
    }
}

/// How many bytes of an unreadable record an error line shows.
const SHOWN_BYTES: usize = 16;

/// The line of a record that cannot be read: where it is, why, and its first bytes.
pub fn error_line(position: &Position, error: &str, bytes: &[u8]) -> Value {
    let mut object = position.fields();
    object.insert("error".into(), json!(error));
    object.insert("length".into(), json!(bytes.len()));
    object.insert(
        "first_bytes_hex".into(),
        json!(hex(&bytes[..bytes.len().min(SHOWN_BYTES)])),
    );
    Value::Object(object)
}

fn headers_json(headers: &[Header]) -> Value {
    Value::Array(
        headers
            .iter()
            .map(|(key, value)| match value.as_deref().map(std::str::from_utf8) {
                None => json!({"key": key, "value": null}),
                Some(Ok(text)) => json!({"key": key, "value": text}),
                Some(Err(_)) => json!({"key": key, "value_hex": hex(value.as_deref().unwrap_or_default())}),
            })
            .collect(),
    )
}

/// What a producer takes from an input line in the envelope shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The key as JSON (`null` or absent: no key).
    pub key: Value,
    /// The value as Avro JSON; `None` for a tombstone (`"value": null` without a
    /// `schema_id`, as `consume` prints one; with an id it is the Avro value `null`).
    pub value: Option<Value>,
    /// Headers to send.
    pub headers: Vec<Header>,
    /// A partition to send to, instead of the partitioner's choice.
    pub partition: Option<i32>,
    /// A timestamp, milliseconds since the epoch, instead of the send time.
    pub timestamp: Option<i64>,
}

/// The fields of a consumed line a producer cannot choose, accepted and ignored so that
/// `consume | produce --envelope` copies records (`schema_id` only tells a tombstone from
/// a null value: the producer encodes by its own schema).
const IGNORED: [&str; 4] = ["topic", "offset", "schema_id", "key_schema_id"];

impl Envelope {
    /// Reads an envelope object; the error names the field that is wrong.
    pub fn parse(json: Value) -> Result<Envelope, String> {
        let Value::Object(mut object) = json else {
            return Err(
                "an envelope is a JSON object with `value` (and `key`, `headers`, `partition`, `timestamp`)".into(),
            );
        };
        if let Some(error) = object.get("error") {
            return Err(format!("the line is a consumer's error line ({error}), not a record"));
        }
        let value = object
            .remove("value")
            .ok_or("the envelope has no `value` (null for a tombstone)")?;
        let has_schema_id = object.get("schema_id").is_some_and(|id| !id.is_null());
        let value = (has_schema_id || !value.is_null()).then_some(value);
        let key = object.remove("key").unwrap_or(Value::Null);
        let headers = match object.remove("headers") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.into_iter().map(parse_header).collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(format!(
                    "`headers` is an array of {{\"key\", \"value\"}} objects, not {other}"
                ));
            }
        };
        let partition = match object.remove("partition") {
            None | Some(Value::Null) => None,
            Some(p) => Some(
                p.as_i64()
                    .and_then(|p| i32::try_from(p).ok())
                    .filter(|p| *p >= 0)
                    .ok_or_else(|| format!("`partition` is a partition number, not {p}"))?,
            ),
        };
        let timestamp = match object.remove("timestamp") {
            None | Some(Value::Null) => None,
            Some(t) => Some(
                t.as_i64()
                    .ok_or_else(|| format!("`timestamp` is milliseconds since the epoch, not {t}"))?,
            ),
        };
        if let Some(unknown) = object.keys().find(|k| !IGNORED.contains(&k.as_str())) {
            return Err(format!(
                "unknown envelope field `{unknown}` (the fields are key, value, headers, partition, timestamp)"
            ));
        }
        Ok(Envelope {
            key,
            value,
            headers,
            partition,
            timestamp,
        })
    }
}

fn parse_header(item: Value) -> Result<Header, String> {
    let shape =
        || format!("a header is {{\"key\": name, \"value\": text or null}} or {{\"key\", \"value_hex\"}}, not {item}");
    let Value::Object(object) = &item else {
        return Err(shape());
    };
    let key = object.get("key").and_then(Value::as_str).ok_or_else(shape)?.to_owned();
    let value = match (object.get("value"), object.get("value_hex")) {
        (Some(Value::String(text)), None) => Some(text.as_bytes().to_vec()),
        (Some(Value::Null) | None, None) => None,
        (None, Some(Value::String(text))) => Some(from_hex(text).ok_or_else(shape)?),
        _ => return Err(shape()),
    };
    Ok((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position() -> Position {
        Position {
            topic: "t".into(),
            partition: 1,
            offset: 7,
            timestamp: Some(1000),
        }
    }

    #[test]
    fn a_consumed_line_reads_back_as_the_envelope_of_the_same_record() {
        let line = RecordLine {
            position: position(),
            headers: vec![
                ("trace".into(), Some(b"abc".to_vec())),
                ("bin".into(), Some(vec![0xff, 0])),
                ("none".into(), None),
            ],
            key: json!("k"),
            key_schema_id: None,
            schema_id: Some(3),
            value: json!({"a": 1}),
        };
        let json = line.to_json();
        assert_eq!(
            json.to_string(),
            r#"{"topic":"t","partition":1,"offset":7,"timestamp":1000,"headers":[{"key":"trace","value":"abc"},{"key":"bin","value_hex":"ff00"},{"key":"none","value":null}],"key":"k","schema_id":3,"value":{"a":1}}"#
        );
        let envelope = Envelope::parse(json).unwrap();
        assert_eq!(envelope.headers, line.headers);
        assert_eq!((envelope.key, envelope.value), (json!("k"), Some(json!({"a": 1}))));
        assert_eq!((envelope.partition, envelope.timestamp), (Some(1), Some(1000)));
    }

    #[test]
    fn a_null_value_is_a_tombstone_unless_it_has_a_schema_id() {
        let value = |j: Value| Envelope::parse(j).unwrap().value;
        assert_eq!(value(json!({"key": "k", "value": null})), None);
        assert_eq!(value(json!({"key": "k", "value": null, "schema_id": null})), None);
        assert_eq!(value(json!({"value": null, "schema_id": 4})), Some(Value::Null));
    }

    #[test]
    fn a_bad_envelope_names_its_field() {
        let err = |j: Value| Envelope::parse(j).unwrap_err();
        assert!(err(json!({"key": "k"})).contains("no `value`"));
        assert!(err(json!({"value": 1, "partiton": 0})).contains("unknown envelope field `partiton`"));
        assert!(err(json!({"value": 1, "partition": -1})).contains("`partition`"));
        assert!(err(json!({"value": 1, "headers": [{"key": 1}]})).contains("a header is"));
        assert!(err(json!([1])).contains("JSON object"));
        assert!(err(error_line(&position(), "bad", &[0, 1])).contains("error line"));
    }

    #[test]
    fn an_error_line_shows_where_why_and_the_first_bytes() {
        let bytes: Vec<u8> = (0..40).collect();
        assert_eq!(
            error_line(&position(), "not a Confluent frame", &bytes).to_string(),
            r#"{"topic":"t","partition":1,"offset":7,"timestamp":1000,"error":"not a Confluent frame","length":40,"first_bytes_hex":"000102030405060708090a0b0c0d0e0f"}"#
        );
    }
}
