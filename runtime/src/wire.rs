//! The Confluent wire format: what a Schema Registry-aware producer writes to Kafka.
//!
//! A frame is the magic byte `0`, the writer schema's registry id as a 4-byte big-endian
//! unsigned integer, then the Avro binary body:
//!
//! ```text
//! 0x00 | id (u32, big-endian) | Avro body ...
//! ```
//!
//! [`unframe`] is strict (the same checks as Confluent's Java and Python deserializers:
//! at least 5 bytes, first byte 0) and says what it saw when it refuses, because the usual
//! cause is a producer that did not use a registry-aware serializer (plain JSON, raw Avro,
//! a string key), and the first bytes tell which.

use thiserror::Error;

/// The only magic byte the prefix format defines.
pub const MAGIC_BYTE: u8 = 0;

/// Bytes before the Avro body: the magic byte and the 4-byte id.
pub const HEADER_LEN: usize = 5;

/// How many leading bytes an error shows: enough to recognise `{"`, text or a
/// wrong-format header, short enough to keep a log line readable.
const SHOWN_BYTES: usize = 8;

/// Why bytes are not a Confluent frame.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FrameError {
    /// No bytes at all (a tombstone or an empty value where a record was expected).
    #[error(
        "empty message: a Confluent-framed Avro message has at least {HEADER_LEN} bytes (magic byte 0 and a 4-byte schema id)"
    )]
    Empty,
    /// The first byte is not 0: not written by a registry-aware serializer.
    #[error(
        "Invalid magic byte 0x{found:02x} (expected 0x00); the message starts with {first_bytes}: \
         it was not written by a Confluent-framed Avro serializer"
    )]
    WrongMagic {
        /// The byte found.
        found: u8,
        /// The first bytes in hex, to recognise what was written instead.
        first_bytes: String,
    },
    /// The magic byte is right but the 4-byte id is cut short.
    #[error("truncated header: {len} byte(s) ({first_bytes}) where the magic byte and schema id need {HEADER_LEN}")]
    TruncatedHeader {
        /// The message's length.
        len: usize,
        /// The bytes there are, in hex.
        first_bytes: String,
    },
}

/// Appends the frame header for schema `id` to `out`; the Avro body follows it.
pub fn write_header(id: u32, out: &mut Vec<u8>) {
    out.push(MAGIC_BYTE);
    out.extend_from_slice(&id.to_be_bytes());
}

/// A frame: the header for schema `id`, then `body`.
pub fn frame(id: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    write_header(id, &mut out);
    out.extend_from_slice(body);
    out
}

/// Splits a frame into the writer schema's id and the Avro body (borrowed, not copied).
pub fn unframe(bytes: &[u8]) -> Result<(u32, &[u8]), FrameError> {
    match bytes {
        [] => Err(FrameError::Empty),
        [first, ..] if *first != MAGIC_BYTE => Err(FrameError::WrongMagic {
            found: *first,
            first_bytes: hex_prefix(bytes),
        }),
        [_, a, b, c, d, body @ ..] => Ok((u32::from_be_bytes([*a, *b, *c, *d]), body)),
        _ => Err(FrameError::TruncatedHeader {
            len: bytes.len(),
            first_bytes: hex_prefix(bytes),
        }),
    }
}

/// The first bytes as `00 01 02`, with `...` when there are more.
fn hex_prefix(bytes: &[u8]) -> String {
    let mut out: Vec<String> = bytes.iter().take(SHOWN_BYTES).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > SHOWN_BYTES {
        out.push(format!("... ({} bytes)", bytes.len()));
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_with_a_big_endian_id() {
        let framed = frame(0x0102_0304, b"\x02hi");
        assert_eq!(framed, b"\x00\x01\x02\x03\x04\x02hi");
        assert_eq!(unframe(&framed), Ok((0x0102_0304, &b"\x02hi"[..])));
        // An empty body is a valid frame (a record with no fields encodes to nothing).
        assert_eq!(unframe(&frame(u32::MAX, b"")), Ok((u32::MAX, &b""[..])));
    }

    #[test]
    fn empty_input_is_named() {
        let err = unframe(b"").unwrap_err();
        assert_eq!(err, FrameError::Empty);
        assert!(err.to_string().starts_with("empty message"), "{err}");
    }

    #[test]
    fn wrong_magic_shows_the_first_bytes() {
        // Plain JSON where a framed record was expected: the seed's "Invalid magic byte".
        let err = unframe(br#"{"device_id":"d-1","battery_pct":80}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid magic byte 0x7b (expected 0x00); the message starts with \
             7b 22 64 65 76 69 63 65 ... (36 bytes): it was not written by a Confluent-framed Avro serializer"
        );
        let err = unframe(b"\x01\x00").unwrap_err();
        assert!(matches!(err, FrameError::WrongMagic { found: 1, .. }), "{err:?}");
        assert!(err.to_string().contains("starts with 01 00:"), "{err}");
    }

    #[test]
    fn truncated_header_is_named_with_its_bytes() {
        for len in 1..HEADER_LEN {
            let bytes = &[0u8, 0, 0, 7][..len];
            let err = unframe(bytes).unwrap_err();
            assert!(
                matches!(err, FrameError::TruncatedHeader { len: l, .. } if l == len),
                "{err:?}"
            );
        }
        assert_eq!(
            unframe(b"\x00\x00\x07").unwrap_err().to_string(),
            "truncated header: 3 byte(s) (00 00 07) where the magic byte and schema id need 5"
        );
    }
}
