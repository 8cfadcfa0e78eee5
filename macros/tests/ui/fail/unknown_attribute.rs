//! An unknown container attribute.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/point.avsc", namespace = "ui")]
struct Point {
    x: i32,
    y: i32,
}

fn main() {}
