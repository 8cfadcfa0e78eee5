//! Option<T> for a field that is not a ["null", T] union.

use avrokit::AvroMessage;
use avrokit::chrono::{DateTime, Utc};

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/sample.avsc")]
struct Sample {
    id: Option<i64>,
    sensor_name: String,
    at: DateTime<Utc>,
    values: Vec<i32>,
    note: Option<String>,
    origin: Point,
}

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/point.avsc")]
struct Point {
    x: i32,
    y: i32,
}

fn main() {}
