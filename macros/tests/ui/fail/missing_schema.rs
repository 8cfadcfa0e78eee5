//! No schema attribute at all.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
struct Point {
    x: i32,
    y: i32,
}

fn main() {}
