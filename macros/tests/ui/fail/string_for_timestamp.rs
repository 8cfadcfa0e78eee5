//! String where the schema has timestamp-millis.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/sample.avsc")]
struct Sample {
    id: i64,
    sensor_name: String,
    at: String,
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
