//! `repr` names the natural type of another schema: `i32` for a `long` field.

use avrokit::{AvroAdapter, AvroMessage};
use std::convert::Infallible;

struct SmallId(i32);

impl AvroAdapter for SmallId {
    type Repr = i32;
    type Error = Infallible;
    fn to_repr(&self) -> i32 {
        self.0
    }
    fn from_repr(repr: i32) -> Result<Self, Infallible> {
        Ok(SmallId(repr))
    }
}

#[derive(AvroMessage)]
#[avro(schema_json = r#"{"type": "record", "name": "Row", "fields": [{"name": "id", "type": "long"}]}"#)]
struct Row {
    #[avro(repr = "i32")]
    id: SmallId,
}

fn main() {}
