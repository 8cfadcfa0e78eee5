//! An Avro enum symbol without a variant.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/color.avsc")]
enum Color {
    Red,
    Green,
}

fn main() {}
