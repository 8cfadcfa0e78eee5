//! A schema path that does not exist.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/pointt.avsc")]
struct Point {
    x: i32,
    y: i32,
}

fn main() {}
