//! A variant that is not a branch of the union.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema_json = r#"["ui.Point", "string", "null"]"#, schema_dir = "tests/ui/schemas")]
enum Shape {
    Point(Point),
    String(String),
    Long(i64),
    Null,
}

#[derive(AvroMessage)]
#[avro(schema = "tests/ui/schemas/point.avsc")]
struct Point {
    x: i32,
    y: i32,
}

fn main() {}
