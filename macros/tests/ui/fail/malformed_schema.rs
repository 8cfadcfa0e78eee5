//! A schema file the loader rejects: its located diagnostic comes through.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/malformed/broken.avsc")]
struct Broken {
    a: i32,
    b: i32,
}

fn main() {}
