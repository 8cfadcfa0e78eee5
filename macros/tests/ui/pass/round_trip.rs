//! A hand-written record, enum, union enum and fixed over `.avsc` files, round-tripped.

use avrokit::AvroMessage;
use avrokit::chrono::{DateTime, TimeZone, Utc};
use std::collections::HashMap;

#[derive(AvroMessage, Debug, PartialEq)]
#[avro(schema = "tests/ui/schemas/reading.avsc")]
struct Reading {
    sensor_id: String,
    #[avro(rename = "value")]
    measured: i64,
    at: DateTime<Utc>,
    color: Color,
    digest: Digest,
    origin: Point,
    shape: Shape,
    tags: HashMap<String, i32>,
    samples: Vec<f64>,
    note: Option<String>,
    label: Option<String>,
    previous: Option<Box<Reading>>,
}

#[derive(AvroMessage, Debug, PartialEq)]
#[avro(schema = "tests/ui/schemas/point.avsc")]
struct Point {
    x: i32,
    y: i32,
}

#[derive(AvroMessage, Debug, PartialEq, Clone, Copy)]
#[avro(schema = "tests/ui/schemas/color.avsc")]
enum Color {
    Red,
    Green,
    Blue,
}

#[derive(AvroMessage, Debug, PartialEq)]
#[avro(schema = "tests/ui/schemas/digest.avsc")]
struct Digest([u8; 4]);

#[derive(AvroMessage, Debug, PartialEq)]
#[avro(schema_json = r#"["ui.Point", "string", "null"]"#, schema_dir = "tests/ui/schemas")]
enum Shape {
    Point(Point),
    #[avro(rename = "String")]
    Name(String),
    Null,
}

fn main() {
    let at = Utc.timestamp_millis_opt(1_700_000_000_123).unwrap();
    let first = Reading {
        sensor_id: "s-1".into(),
        measured: -42,
        at,
        color: Color::Green,
        digest: Digest([1, 2, 3, 4]),
        origin: Point { x: 1, y: -1 },
        shape: Shape::Null,
        tags: HashMap::from([("a".to_string(), 1), ("b".to_string(), -2)]),
        samples: vec![0.5, -1.25],
        note: None,
        label: Some("first".into()),
        previous: None,
    };
    let second = Reading {
        sensor_id: "s-2".into(),
        measured: i64::MAX,
        at,
        color: Color::Blue,
        digest: Digest([0xff; 4]),
        origin: Point { x: 0, y: 0 },
        shape: Shape::Point(Point { x: 3, y: 4 }),
        tags: HashMap::new(),
        samples: Vec::new(),
        note: Some("a note".into()),
        label: None,
        previous: Some(Box::new(first)),
    };
    let bytes = second.to_avro().unwrap();
    assert_eq!(Reading::from_avro(&bytes).unwrap(), second);

    let shape = Shape::Name("circle".into());
    assert_eq!(Shape::from_avro(&shape.to_avro().unwrap()).unwrap(), shape);
    assert_eq!(Reading::FULL_NAME, Some("ui.Reading"));
    assert_eq!(Shape::FULL_NAME, None);
}
