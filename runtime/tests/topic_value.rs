//! [`TopicValue`] for an enum of two record types, implemented outside the crate as
//! generated code does: each value encodes as its own type, and data is decoded into the
//! variant the writer schema's full name picks (resolved when the writer is another
//! version of that type); a writer of neither type is an error naming both.

use avrokit::{AvroMessage, EncodeError, ResolveError, Schema, TopicValue};

#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(
    schema_json = r#"{"type": "record", "name": "Created", "namespace": "shop", "fields": [
    {"name": "id", "type": "string"}, {"name": "cents", "type": "long"}]}"#
)]
struct Created {
    id: String,
    cents: i64,
}

#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(
    schema_json = r#"{"type": "record", "name": "Cancelled", "namespace": "shop", "fields": [
    {"name": "id", "type": "string"}, {"name": "reason", "type": "string", "default": "none"}]}"#
)]
struct Cancelled {
    id: String,
    reason: String,
}

#[derive(Debug, Clone, PartialEq)]
enum OrderEvent {
    Created(Created),
    Cancelled(Cancelled),
}

impl TopicValue for OrderEvent {
    const TYPES: usize = 2;

    fn type_index(&self) -> usize {
        match self {
            OrderEvent::Created(_) => 0,
            OrderEvent::Cancelled(_) => 1,
        }
    }

    fn type_name(index: usize) -> Option<&'static str> {
        [Created::FULL_NAME, Cancelled::FULL_NAME][index]
    }

    fn type_schema(index: usize) -> &'static Schema {
        [Created::schema, Cancelled::schema][index]()
    }

    fn encode_value(&self, buf: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            OrderEvent::Created(v) => v.encode_to(buf),
            OrderEvent::Cancelled(v) => v.encode_to(buf),
        }
    }

    fn decode_value(index: usize, body: &[u8], writer: &Schema) -> Result<Self, ResolveError> {
        Ok(match index {
            0 => OrderEvent::Created(Created::from_avro_with_writer(body, writer)?),
            _ => OrderEvent::Cancelled(Cancelled::from_avro_with_writer(body, writer)?),
        })
    }
}

fn decode(body: &[u8], writer: &Schema) -> Result<OrderEvent, ResolveError> {
    OrderEvent::decode_value(OrderEvent::type_for(writer)?, body, writer)
}

#[test]
fn each_value_is_decoded_as_the_type_its_writer_names() {
    let events = [
        OrderEvent::Created(Created {
            id: "o-1".into(),
            cents: 1250,
        }),
        OrderEvent::Cancelled(Cancelled {
            id: "o-1".into(),
            reason: "late".into(),
        }),
    ];
    for event in &events {
        let mut body = Vec::new();
        event.encode_value(&mut body).unwrap();
        let writer = OrderEvent::type_schema(event.type_index());
        assert_eq!(&decode(&body, writer).unwrap(), event);
    }
    // An older Cancelled without `reason`: resolved, the default filled in.
    let old = Schema::parse(
        r#"{"type":"record","name":"Cancelled","namespace":"shop","fields":[{"name":"id","type":"string"}]}"#,
    )
    .unwrap();
    assert_eq!(
        decode(b"\x06o-2", &old).unwrap(),
        OrderEvent::Cancelled(Cancelled {
            id: "o-2".into(),
            reason: "none".into()
        })
    );
}

#[test]
fn a_writer_of_another_type_is_refused_naming_the_topics_types() {
    let other = Schema::parse(r#"{"type":"record","name":"Refunded","namespace":"shop","fields":[]}"#).unwrap();
    let err = decode(b"", &other).unwrap_err().to_string();
    assert!(
        err.contains("shop.Refunded") && err.contains("shop.Created, shop.Cancelled"),
        "{err}"
    );
}
