//! A variant that is not a symbol of the Avro enum.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/color.avsc")]
enum Color {
    Red,
    Green,
    Blue,
    Purple,
}

fn main() {}
