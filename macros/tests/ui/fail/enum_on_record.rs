//! An enum deriving from a record schema.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/point.avsc")]
enum Point {
    X,
    Y,
}

fn main() {}
