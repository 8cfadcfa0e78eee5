//! A type-erased view of derived types, so tools can work on "the type named X" without
//! knowing its Rust type: the generated crate lists its types in a `REGISTRY`.

use crate::error::{DecodeError, EncodeError};
use crate::message::AvroMessage;
use crate::resolve::ResolveError;
use crate::schema::Schema;

/// One derived type, as the registry of a generated crate lists it.
#[derive(Clone, Copy)]
pub struct Registered {
    /// The Avro full name.
    pub full_name: &'static str,
    /// The type's schema.
    pub schema: fn() -> &'static Schema,
    /// Decodes one value with the type's codec and encodes it again: validates bytes
    /// through the generated code and yields its canonical encoding.
    pub reencode: fn(&[u8]) -> Result<Vec<u8>, RoundTripError>,
    /// The same, for bytes written with another version of the schema.
    pub reencode_with_writer: fn(&[u8], &Schema) -> Result<Vec<u8>, RoundTripError>,
}

/// Why [`Registered::reencode`] failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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

fn reencode<T: AvroMessage>(bytes: &[u8]) -> Result<Vec<u8>, RoundTripError> {
    Ok(T::from_avro(bytes)?.to_avro()?)
}

fn reencode_with_writer<T: AvroMessage>(bytes: &[u8], writer: &Schema) -> Result<Vec<u8>, RoundTripError> {
    Ok(T::from_avro_with_writer(bytes, writer)?.to_avro()?)
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
        }
    }

    /// The entry named `full_name` in `registry`.
    pub fn find(registry: &'static [Registered], full_name: &str) -> Option<&'static Registered> {
        registry.iter().find(|r| r.full_name == full_name)
    }
}
