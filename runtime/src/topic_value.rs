//! [`TopicValue`]: what a topic's values are, one Avro type or one of several.
//!
//! A topic usually carries one value type, an [`AvroMessage`]; every such type is a
//! `TopicValue` of one type. A topic whose catalog entry lists several value types (events
//! of one entity: `value = ["shop.OrderCreated", "shop.OrderCancelled"]`, each with its
//! own subject under the RecordName or TopicRecordName strategy) gets a generated enum with
//! one variant per type: serializers frame each value with the id of its own type's subject,
//! and deserializers read the writer schema's full name to pick the variant.

use crate::error::EncodeError;
use crate::message::AvroMessage;
use crate::resolve::ResolveError;
use crate::schema::Schema;
use avrokit_schema::ir;

/// The values of a topic: one [`AvroMessage`] type (every one is a `TopicValue` of one
/// type), or an enum of several record types, one variant each, which `cargo xtask gen`
/// writes for a catalog topic with several value types.
///
/// The types are numbered from 0 in the catalog's order; each has its own schema and so
/// its own subject.
pub trait TopicValue: Sized {
    /// How many Avro types a value can be: 1 for an [`AvroMessage`].
    const TYPES: usize;

    /// Which type `self` is (0 for an [`AvroMessage`]).
    fn type_index(&self) -> usize;

    /// The full name of type `index` (`None` for a union).
    fn type_name(index: usize) -> Option<&'static str>;

    /// The self-contained schema of type `index`, as a serializer registers it.
    fn type_schema(index: usize) -> &'static Schema;

    /// Appends the Avro binary encoding of `self` (in its own type's schema) to `buf`.
    fn encode_value(&self, buf: &mut Vec<u8>) -> Result<(), EncodeError>;

    /// Decodes data written with `writer` as a value of type `index` (which
    /// [`type_for`](Self::type_for) chose), resolving it by the Avro rules.
    fn decode_value(index: usize, body: &[u8], writer: &Schema) -> Result<Self, ResolveError>;

    /// [`decode_value`](Self::decode_value) into `self`, reusing its allocations when it
    /// already is of type `index`. On error `self` holds a valid value of unspecified
    /// content.
    fn set_value(&mut self, index: usize, body: &[u8], writer: &Schema) -> Result<(), ResolveError> {
        *self = Self::decode_value(index, body, writer)?;
        Ok(())
    }

    /// The type data written with `writer` is read as: the only one, or the one whose full
    /// name is the writer's top-level name (a writer of none of them is an error naming
    /// them all).
    fn type_for(writer: &Schema) -> Result<usize, ResolveError> {
        if Self::TYPES == 1 {
            return Ok(0);
        }
        let name = match writer.root() {
            ir::Schema::Named(id) => Some(writer.types().get(*id).name.to_string()),
            _ => None,
        };
        (0..Self::TYPES)
            .find(|&i| name.is_some() && Self::type_name(i) == name.as_deref())
            .ok_or_else(|| {
                let types: Vec<&str> = (0..Self::TYPES).filter_map(Self::type_name).collect();
                ResolveError::Incompatible {
                    writer: name.unwrap_or_else(|| writer.canonical_form().to_owned()),
                    reader: format!("one of {}", types.join(", ")),
                    path: "/".to_owned(),
                    reason: format!(
                        "the topic's value types are {}; its records are read by the writer schema's full name",
                        types.join(", ")
                    ),
                }
            })
    }
}

/// A topic of one value type.
impl<T: AvroMessage> TopicValue for T {
    const TYPES: usize = 1;

    fn type_index(&self) -> usize {
        0
    }

    fn type_name(_: usize) -> Option<&'static str> {
        T::FULL_NAME
    }

    fn type_schema(_: usize) -> &'static Schema {
        T::schema()
    }

    fn encode_value(&self, buf: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.encode_to(buf)
    }

    fn decode_value(_: usize, body: &[u8], writer: &Schema) -> Result<Self, ResolveError> {
        T::from_avro_with_writer(body, writer)
    }

    fn set_value(&mut self, _: usize, body: &[u8], writer: &Schema) -> Result<(), ResolveError> {
        self.set_from_avro_with_writer(body, writer)
    }
}
