//! [`AvroMessage`]: what `#[derive(AvroMessage)]` implements.

use crate::codec::Reader;
use crate::error::{DecodeError, EncodeError};
use crate::resolve::{self, ResolveError};
use crate::schema::Schema;

/// The definitions a type's schema is assembled from: (full name, authored JSON). For
/// the derive's generated code only.
#[doc(hidden)]
pub type Definitions = Vec<(&'static str, &'static str)>;

/// A Rust type with an Avro schema and a direct binary codec.
///
/// Implemented by `#[derive(AvroMessage)]` for records (structs), enums, union enums and
/// fixed newtypes; generated types carry the derive. The required items are few (like
/// `prost::Message`); everything else is provided.
///
/// Each type carries only its own definition, referring to the named types it uses by
/// name; [`AvroMessage::schema`] assembles the self-contained schema from the definitions
/// of every type it reaches, once, at run time. (Embedding the whole tree in every type
/// made a crate of a thousand interlinked types carry a gigabyte of schema text.)
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no Avro codec",
    label = "this type must derive `avrokit::AvroMessage` (with the schema the field expects)",
    note = "add `#[derive(avrokit::AvroMessage)]` and `#[avro(schema = \"...\")]` to `{Self}`"
)]
pub trait AvroMessage: Sized {
    /// The full name of the Avro type (`None` for a union).
    const FULL_NAME: Option<&'static str>;
    /// The type's own definition as authored (defaults, docs, aliases, logical types
    /// kept), referring to the other named types it uses by full name: not a schema on
    /// its own ([`schema`](Self::schema) is). For the derive's generated code only.
    #[doc(hidden)]
    const DEFINITION: &'static str;
    /// The CRC-64-AVRO fingerprint of the definition's canonical form (other named types
    /// as references), computed at compile time; derives of types that contain this one
    /// compare it to what their schema expects. For the derive's generated code only
    /// ([`fingerprint`](Self::fingerprint) is the schema's).
    #[doc(hidden)]
    const DEFINITION_FINGERPRINT: u64;

    /// Adds the definitions of the named types this type uses (not its own). For the
    /// derive's generated code only.
    #[doc(hidden)]
    fn collect_definitions(out: &mut Definitions);

    /// The self-contained schema, assembled once and cached.
    fn schema() -> &'static Schema;

    /// Appends the Avro binary encoding of `self` to `buf`.
    fn encode_to(&self, buf: &mut Vec<u8>) -> Result<(), EncodeError>;

    /// Reads a value written with this type's own schema.
    fn decode_from(reader: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Reads a value written with this type's own schema into `self`, reusing what `self`
    /// owns: derived records and unions decode strings, bytes, arrays, optional values and
    /// nested records into the existing ones, so a loop decoding into one value stops
    /// allocating once it has seen its largest record. The default assigns a fresh value.
    ///
    /// On error `self` holds a valid value of unspecified content.
    fn decode_in_place(&mut self, reader: &mut Reader<'_>) -> Result<(), DecodeError> {
        *self = Self::decode_from(reader)?;
        Ok(())
    }

    /// Adds this type's definition (unless present) and those it uses. For the derive's
    /// generated code only.
    #[doc(hidden)]
    fn collect_into(out: &mut Definitions) {
        if let Some(name) = Self::FULL_NAME {
            if out.iter().any(|(n, _)| *n == name) {
                return;
            }
            out.push((name, Self::DEFINITION));
        }
        Self::collect_definitions(out);
    }

    /// The self-contained schema as JSON, as a producer registers it.
    fn schema_json() -> &'static str {
        Self::schema().json()
    }

    /// The CRC-64-AVRO (Rabin) fingerprint of the schema's Parsing Canonical Form.
    fn fingerprint() -> u64 {
        Self::schema().fingerprint()
    }

    /// The Avro binary encoding of `self`.
    fn to_avro(&self) -> Result<Vec<u8>, EncodeError> {
        let mut buf = Vec::new();
        self.encode_to(&mut buf)?;
        Ok(buf)
    }

    /// Decodes exactly one value written with this type's own schema; trailing bytes are
    /// an error.
    fn from_avro(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_whole(Reader::new(bytes))
    }

    /// [`from_avro`](Self::from_avro) from a frame held as [`bytes::Bytes`]: `bytes`
    /// fields of type `Bytes` share the frame (a reference count each) instead of
    /// copying it; other types decode as from a slice.
    fn from_avro_bytes(bytes: &bytes::Bytes) -> Result<Self, DecodeError> {
        decode_whole(Reader::shared(bytes))
    }

    /// [`from_avro`](Self::from_avro) into `self`, reusing its allocations (see
    /// [`decode_in_place`](Self::decode_in_place)): the fast way to decode a stream of
    /// records one at a time.
    ///
    /// ```
    /// # use avrokit::AvroMessage;
    /// #[derive(Debug, PartialEq, AvroMessage)]
    /// #[avro(schema_json = r#"{"type": "record", "name": "Line", "fields": [{"name": "text", "type": "string"}]}"#)]
    /// struct Line {
    ///     text: String,
    /// }
    ///
    /// let frames = [Line { text: "first".into() }.to_avro()?, Line { text: "second".into() }.to_avro()?];
    /// let mut line = Line { text: String::with_capacity(64) };
    /// for frame in &frames {
    ///     line.set_from_avro(frame)?; // reuses `text`'s buffer
    /// }
    /// assert_eq!(line, Line { text: "second".into() });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn set_from_avro(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let mut reader = Reader::new(bytes);
        self.decode_in_place(&mut reader)?;
        reader.finish()
    }

    /// Decodes one value written with `writer`, resolving it into this type by the Avro
    /// rules (reordered, added and removed fields, promotions, enum symbols by name,
    /// unions). The resolution plan is built once per writer schema and cached; a writer
    /// this type cannot read is an error before any byte is decoded.
    fn from_avro_with_writer(bytes: &[u8], writer: &Schema) -> Result<Self, ResolveError> {
        if writer.fingerprint() == Self::fingerprint() {
            return Ok(Self::from_avro(bytes)?);
        }
        resolve::decode_resolved(bytes, writer, Self::schema(), Self::from_avro)
    }

    /// [`from_avro_with_writer`](Self::from_avro_with_writer) into `self`, reusing its
    /// allocations as [`set_from_avro`](Self::set_from_avro) does.
    fn set_from_avro_with_writer(&mut self, bytes: &[u8], writer: &Schema) -> Result<(), ResolveError> {
        if writer.fingerprint() == Self::fingerprint() {
            return Ok(self.set_from_avro(bytes)?);
        }
        resolve::decode_resolved(bytes, writer, Self::schema(), |resolved| self.set_from_avro(resolved))
    }
}

/// The one value `reader` holds, which must use up every byte. The decoder's `Result` is
/// returned as it is rather than unwrapped and wrapped again: decoders write it straight
/// into the caller's slot, where a re-wrap copied the whole value just after it was
/// written (a stall on a 1 KiB record's decode, at about a tenth of its time).
#[inline(always)]
fn decode_whole<T: AvroMessage>(mut reader: Reader<'_>) -> Result<T, DecodeError> {
    let value = T::decode_from(&mut reader);
    if value.is_ok() {
        reader.finish()?;
    }
    value
}

/// A boxed value has its content's schema: `Box` is how generated code breaks cycles.
impl<T: AvroMessage> AvroMessage for Box<T> {
    const FULL_NAME: Option<&'static str> = T::FULL_NAME;
    const DEFINITION: &'static str = T::DEFINITION;
    const DEFINITION_FINGERPRINT: u64 = T::DEFINITION_FINGERPRINT;

    fn collect_definitions(out: &mut Definitions) {
        T::collect_definitions(out)
    }

    fn schema() -> &'static Schema {
        T::schema()
    }

    fn encode_to(&self, buf: &mut Vec<u8>) -> Result<(), EncodeError> {
        (**self).encode_to(buf)
    }

    fn decode_from(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        T::decode_from(reader).map(Box::new)
    }

    fn decode_in_place(&mut self, reader: &mut Reader<'_>) -> Result<(), DecodeError> {
        (**self).decode_in_place(reader)
    }
}
