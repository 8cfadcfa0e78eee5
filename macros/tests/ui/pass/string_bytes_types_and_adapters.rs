//! `Box<str>`, `Arc<str>` and `bytes::Bytes` fields, and adapted fields (plain, optional
//! and repeated), round-tripped and read from a shared `Bytes` frame.

use avrokit::bytes::Bytes;
use avrokit::{AvroAdapter, AvroMessage};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Cents(i64);

impl AvroAdapter for Cents {
    type Repr = i64;
    type Error = String;
    fn to_repr(&self) -> i64 {
        self.0
    }
    fn from_repr(repr: i64) -> Result<Self, String> {
        if repr < 0 { Err(format!("{repr} cents is negative")) } else { Ok(Cents(repr)) }
    }
}

#[derive(AvroMessage, Debug, PartialEq)]
#[avro(schema_json = r#"{"type": "record", "name": "Row", "fields": [
    {"name": "a", "type": "string"},
    {"name": "b", "type": "string"},
    {"name": "c", "type": {"type": "array", "items": "string"}},
    {"name": "d", "type": "bytes"},
    {"name": "e", "type": ["null", "bytes"]},
    {"name": "price", "type": "long"},
    {"name": "discount", "type": ["null", "long"]},
    {"name": "history", "type": {"type": "array", "items": "long"}}
]}"#)]
struct Row {
    a: Box<str>,
    b: Arc<str>,
    c: Vec<Box<str>>,
    d: Bytes,
    e: Option<Bytes>,
    #[avro(repr = "i64")]
    price: Cents,
    #[avro(repr = "Option<i64>")]
    discount: Option<Cents>,
    #[avro(repr = "Vec<i64>")]
    history: Vec<Cents>,
}

/// The same schema with the natural types.
#[derive(AvroMessage, Debug, PartialEq)]
#[avro(schema_json = r#"{"type": "record", "name": "Row", "fields": [
    {"name": "a", "type": "string"},
    {"name": "b", "type": "string"},
    {"name": "c", "type": {"type": "array", "items": "string"}},
    {"name": "d", "type": "bytes"},
    {"name": "e", "type": ["null", "bytes"]},
    {"name": "price", "type": "long"},
    {"name": "discount", "type": ["null", "long"]},
    {"name": "history", "type": {"type": "array", "items": "long"}}
]}"#)]
struct PlainRow {
    a: String,
    b: String,
    c: Vec<String>,
    d: Vec<u8>,
    e: Option<Vec<u8>>,
    price: i64,
    discount: Option<i64>,
    history: Vec<i64>,
}

fn main() {
    let row = Row {
        a: "boxed".into(),
        b: "shared".into(),
        c: vec!["x".into(), "y".into()],
        d: Bytes::from_static(b"payload"),
        e: Some(Bytes::from_static(b"more")),
        price: Cents(1999),
        discount: None,
        history: vec![Cents(1), Cents(2)],
    };
    let frame = Bytes::from(row.to_avro().unwrap());
    let back = Row::from_avro_bytes(&frame).unwrap();
    assert_eq!(back, row);
    let start = frame.as_ptr() as usize;
    assert!((start..start + frame.len()).contains(&(back.d.as_ptr() as usize)));
    let mut reused = Row::from_avro(&frame).unwrap();
    reused.set_from_avro(&frame).unwrap();
    assert_eq!(reused, row);
    // A value the adapter refuses is a decode error naming the adapter's reason.
    let plain = PlainRow {
        a: String::new(),
        b: String::new(),
        c: Vec::new(),
        d: Vec::new(),
        e: None,
        price: -5,
        discount: None,
        history: Vec::new(),
    };
    let error = Row::from_avro(&plain.to_avro().unwrap()).unwrap_err();
    assert!(error.to_string().contains("-5 cents is negative"), "{error}");
}
