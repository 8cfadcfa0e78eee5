//! `Rc<str>` is not one of the string types (`String`, `Box<str>`, `Arc<str>`).

use avrokit::AvroMessage;
use std::rc::Rc;

#[derive(AvroMessage)]
#[avro(schema_json = r#"{"type": "record", "name": "Row", "fields": [{"name": "name", "type": "string"}]}"#)]
struct Row {
    name: Rc<str>,
}

fn main() {}
