//! Vec<String> where the schema has array<int>.

use avrokit::AvroMessage;
use avrokit::chrono::{DateTime, Utc};

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/sample.avsc")]
struct Sample {
    id: i64,
    sensor_name: String,
    at: DateTime<Utc>,
    values: Vec<String>,
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
