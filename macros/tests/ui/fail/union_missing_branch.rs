//! A union branch without a variant.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema_json = r#"["ui.Point", "string", "null"]"#, schema_dir = "tests/ui/schemas")]
enum Shape {
    Point(Point),
    Null,
}

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/point.avsc")]
struct Point {
    x: i32,
    y: i32,
}

fn main() {}
