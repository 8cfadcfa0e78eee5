//! A nested record of the wrong record type: caught by the fingerprint assertion, at the
//! field's type.

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
    origin: Size,
}

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/size.avsc")]
struct Size {
    x: i32,
    y: i32,
}

fn main() {}
