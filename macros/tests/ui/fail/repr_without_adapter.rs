//! A plain `i32` in place of a `long` through `repr`: `i32` is not an adapter.

use avrokit::AvroMessage;

#[derive(AvroMessage)]
#[avro(schema_json = r#"{"type": "record", "name": "Row", "fields": [{"name": "id", "type": "long"}]}"#)]
struct Row {
    #[avro(repr = "i64")]
    id: i32,
}

fn main() {}
