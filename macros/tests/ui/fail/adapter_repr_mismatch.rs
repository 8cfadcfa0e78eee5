//! An adapter over `i32` on a `long` field: the field says its natural type is `i64`,
//! and the adapter's `Repr` is not that.

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
    #[avro(repr = "i64")]
    id: SmallId,
}

fn main() {}
