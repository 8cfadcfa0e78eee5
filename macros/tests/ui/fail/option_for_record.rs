//! Option<T> where the schema has a record (not a union with null).

use avrokit::AvroMessage;
use avrokit::chrono::{DateTime, Utc};

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/sample.avsc")]
struct Sample {
    id: i64,
    sensor_name: String,
    at: DateTime<Utc>,
    values: Vec<i32>,
    note: Option<String>,
    origin: Option<Point>,
}

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/point.avsc")]
struct Point {
    x: i32,
    y: i32,
}

fn main() {}
