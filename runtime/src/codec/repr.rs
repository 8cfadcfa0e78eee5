//! The Rust types a value may take besides its natural one: `Box<str>` and `Arc<str>`
//! for `string`, [`Bytes`] for `bytes`, and any user type converted to and from the
//! natural type by [`AvroAdapter`].

use super::Reader;
use crate::error::{DecodeError, DecodeErrorKind};
use bytes::Bytes;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A user type that stands for a schema's value through the value's natural Rust type
/// (its `Repr`): a money newtype over `i64`, an address over `String`, an id over a
/// generated record.
///
/// A field holding such a type says which natural type it stands for with
/// `#[avro(repr = "...")]`; the derive checks that type against the schema, and the
/// compiler checks that the field's type converts to and from exactly it, so an
/// adapter over `i32` on a `long` field does not compile.
///
/// ```
/// use avrokit::{AvroAdapter, AvroMessage};
///
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// struct Cents(i64);
///
/// impl AvroAdapter for Cents {
///     type Repr = i64;
///     type Error = std::convert::Infallible;
///     fn to_repr(&self) -> i64 {
///         self.0
///     }
///     fn from_repr(repr: i64) -> Result<Self, Self::Error> {
///         Ok(Cents(repr))
///     }
/// }
///
/// #[derive(Debug, PartialEq, AvroMessage)]
/// #[avro(schema_json = r#"{"type": "record", "name": "Price", "fields": [{"name": "amount", "type": "long"}]}"#)]
/// struct Price {
///     #[avro(repr = "i64")]
///     amount: Cents,
/// }
///
/// let price = Price { amount: Cents(1999) };
/// assert_eq!(Price::from_avro(&price.to_avro()?)?, price);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// `Option`, `Vec` and `BTreeMap<String, _>` of an adapter are adapters of the same
/// containers of its `Repr`, so an override reaches into optional and repeated fields.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an Avro adapter",
    label = "the field's `repr` says this type converts to and from the schema's natural type",
    note = "implement `avrokit::AvroAdapter` for `{Self}` with `type Repr` = the field's `repr` type"
)]
pub trait AvroAdapter: Sized {
    /// The natural Rust type of the schema's value (what generated code would hold).
    type Repr;
    /// Why a value of `Repr` has no `Self` (decoding fails with it, at the value's offset).
    type Error: std::fmt::Display;
    /// The value to encode.
    fn to_repr(&self) -> Self::Repr;
    /// The value decoded, or why it is not a valid `Self`.
    fn from_repr(repr: Self::Repr) -> Result<Self, Self::Error>;
}

impl<T: AvroAdapter> AvroAdapter for Option<T> {
    type Repr = Option<T::Repr>;
    type Error = T::Error;
    fn to_repr(&self) -> Self::Repr {
        self.as_ref().map(T::to_repr)
    }
    fn from_repr(repr: Self::Repr) -> Result<Self, Self::Error> {
        repr.map(T::from_repr).transpose()
    }
}

impl<T: AvroAdapter> AvroAdapter for Vec<T> {
    type Repr = Vec<T::Repr>;
    type Error = T::Error;
    fn to_repr(&self) -> Self::Repr {
        self.iter().map(T::to_repr).collect()
    }
    fn from_repr(repr: Self::Repr) -> Result<Self, Self::Error> {
        repr.into_iter().map(T::from_repr).collect()
    }
}

impl<T: AvroAdapter> AvroAdapter for BTreeMap<String, T> {
    type Repr = BTreeMap<String, T::Repr>;
    type Error = T::Error;
    fn to_repr(&self) -> Self::Repr {
        self.iter().map(|(k, v)| (k.clone(), v.to_repr())).collect()
    }
    fn from_repr(repr: Self::Repr) -> Result<Self, Self::Error> {
        repr.into_iter().map(|(k, v)| Ok((k, T::from_repr(v)?))).collect()
    }
}

/// Converts a decoded `Repr` into the field's type; a refusal is a decode error at the
/// value's `offset`. For the derive's generated code.
#[inline]
pub fn adapted<F: AvroAdapter>(repr: F::Repr, offset: usize) -> Result<F, DecodeError> {
    F::from_repr(repr).map_err(|err| {
        DecodeErrorKind::OutOfRange {
            offset,
            what: std::any::type_name::<F>(),
            detail: err.to_string(),
        }
        .into()
    })
}

/// Compiles only when `F` is an adapter over exactly `R`: the derive calls it, spanned
/// at the field, so a wrong `Repr` is an error there.
pub const fn adapter_repr<F: AvroAdapter<Repr = R>, R>() {}

/// A Rust type for `string` values. For the derive's generated code.
pub trait StrRepr: Sized {
    /// Reads one `string`.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;
    /// Reads one `string` into `self`, reusing its buffer where it has one of its own.
    fn decode_into(&mut self, r: &mut Reader<'_>) -> Result<(), DecodeError> {
        *self = Self::decode(r)?;
        Ok(())
    }
}

impl StrRepr for String {
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(String::from(r.read_str()?))
    }
    #[inline]
    fn decode_into(&mut self, r: &mut Reader<'_>) -> Result<(), DecodeError> {
        let text = r.read_str()?;
        self.clear();
        self.push_str(text);
        Ok(())
    }
}

impl StrRepr for Box<str> {
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Box::from(r.read_str()?))
    }
}

impl StrRepr for Arc<str> {
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Arc::from(r.read_str()?))
    }
}

/// A Rust type for `bytes` values. For the derive's generated code.
pub trait BytesRepr: Sized {
    /// Reads one `bytes`.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;
    /// Reads one `bytes` into `self`, reusing its buffer where it has one of its own.
    fn decode_into(&mut self, r: &mut Reader<'_>) -> Result<(), DecodeError> {
        *self = Self::decode(r)?;
        Ok(())
    }
}

impl BytesRepr for Vec<u8> {
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(r.read_bytes()?.to_vec())
    }
    #[inline]
    fn decode_into(&mut self, r: &mut Reader<'_>) -> Result<(), DecodeError> {
        let bytes = r.read_bytes()?;
        self.clear();
        self.extend_from_slice(bytes);
        Ok(())
    }
}

/// Shares the input buffer when the reader is [`Reader::shared`], else copies.
impl BytesRepr for Bytes {
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.read_bytes_shared()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_readers_slice_the_input_and_plain_readers_copy() {
        let frame = Bytes::from_static(&[0x06, b'a', b'b', b'c']);
        let shared = Bytes::decode(&mut Reader::shared(&frame)).unwrap();
        assert_eq!(&shared[..], b"abc");
        assert_eq!(shared.as_ptr(), frame[1..].as_ptr(), "a shared reader slices the frame");
        let copied = Bytes::decode(&mut Reader::new(&frame)).unwrap();
        assert_eq!(&copied[..], b"abc");
        assert_ne!(copied.as_ptr(), frame[1..].as_ptr());
    }

    #[test]
    fn every_string_type_reads_the_same_text() {
        let frame = [0x04, b'h', b'i'];
        assert_eq!(String::decode(&mut Reader::new(&frame)).unwrap(), "hi");
        assert_eq!(&*<Box<str>>::decode(&mut Reader::new(&frame)).unwrap(), "hi");
        assert_eq!(&*<Arc<str>>::decode(&mut Reader::new(&frame)).unwrap(), "hi");
        let mut reused = String::from("old text");
        reused.decode_into(&mut Reader::new(&frame)).unwrap();
        assert_eq!(reused, "hi");
    }
}
