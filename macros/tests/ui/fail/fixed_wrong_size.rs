//! A fixed newtype of the wrong size.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/digest.avsc")]
struct Digest([u8; 8]);

fn main() {}
