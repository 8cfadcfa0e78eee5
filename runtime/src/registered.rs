//! A type-erased view of derived types, so tools can work on "the type named X" without
//! knowing its Rust type: the generated crate lists its types in a `REGISTRY`.

use crate::error::{DecodeError, EncodeError};
use crate::message::AvroMessage;
use crate::resolve::ResolveError;
use crate::schema::Schema;

/// The canonical encoding of a value, or why it could not be decoded.
pub type Reencoded = Result<Vec<u8>, RoundTripError>;

/// One derived type, as the registry of a generated crate lists it.
#[derive(Clone, Copy)]
pub struct Registered {
    /// The Avro full name.
    pub full_name: &'static str,
    /// The type's schema.
    pub schema: fn() -> &'static Schema,
    /// Decodes one value with the type's codec and encodes it again: validates bytes
    /// through the generated code and yields its canonical encoding.
    pub reencode: fn(&[u8]) -> Reencoded,
    /// The same, for bytes written with another version of the schema.
    pub reencode_with_writer: fn(&[u8], &Schema) -> Reencoded,
    /// Decodes `previous`, decodes `bytes` into that value in place
    /// ([`AvroMessage::set_from_avro`]) and encodes the result: what checks that decoding
    /// over an old value gives what decoding afresh gives.
    pub reencode_over: fn(&[u8], &[u8]) -> Reencoded,
}

/// Why [`Registered::reencode`] failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RoundTripError {
    /// The bytes do not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The decoded value does not encode (cannot happen for values that decoded).
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The writer's schema cannot be resolved into the type.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
}

fn reencode<T: AvroMessage>(bytes: &[u8]) -> Reencoded {
    Ok(T::from_avro(bytes)?.to_avro()?)
}

fn reencode_with_writer<T: AvroMessage>(bytes: &[u8], writer: &Schema) -> Reencoded {
    Ok(T::from_avro_with_writer(bytes, writer)?.to_avro()?)
}

fn reencode_over<T: AvroMessage>(previous: &[u8], bytes: &[u8]) -> Reencoded {
    let mut value = T::from_avro(previous)?;
    value.set_from_avro(bytes)?;
    Ok(value.to_avro()?)
}

impl Registered {
    /// The entry of `T`.
    pub const fn of<T: AvroMessage>() -> Self {
        Self {
            full_name: match T::FULL_NAME {
                Some(name) => name,
                None => "",
            },
            schema: T::schema,
            reencode: reencode::<T>,
            reencode_with_writer: reencode_with_writer::<T>,
            reencode_over: reencode_over::<T>,
        }
    }

    /// The entry named `full_name` in `registry`.
    pub fn find(registry: &'static [Registered], full_name: &str) -> Option<&'static Registered> {
        registry.iter().find(|r| r.full_name == full_name)
    }
}
