//! Typed errors of encoding and decoding.

use thiserror::Error;

/// Why bytes could not be decoded: a [`DecodeErrorKind`], boxed. Every decoding step
/// returns `Result<_, DecodeError>`; one pointer keeps those results small enough to come
/// back in registers, which the hot path feels, while errors stay rare.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(transparent)]
pub struct DecodeError(Box<DecodeErrorKind>);

impl DecodeError {
    /// What went wrong, and where.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.0
    }
}

impl From<DecodeErrorKind> for DecodeError {
    #[cold]
    fn from(kind: DecodeErrorKind) -> Self {
        Self(Box::new(kind))
    }
}

/// What made bytes undecodable. Every variant names the byte offset where decoding
/// stopped, so a corrupt message can be looked at with a hex dump.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended in the middle of a value.
    #[error("truncated input at byte {offset}: needed {needed} more byte(s) for {what}")]
    Truncated {
        /// Offset where the value started.
        offset: usize,
        /// Bytes missing.
        needed: usize,
        /// What was being read.
        what: &'static str,
    },
    /// A varint ran past the 10 bytes a 64-bit value can take (or 5 for an int).
    #[error("malformed varint at byte {offset}: longer than {max_bytes} bytes")]
    OverlongVarint {
        /// Offset of the varint.
        offset: usize,
        /// The most bytes the type can take.
        max_bytes: usize,
    },
    /// An `int` value outside 32 bits.
    #[error("int out of range at byte {offset}: {value}")]
    IntOutOfRange {
        /// Offset of the value.
        offset: usize,
        /// The decoded value.
        value: i64,
    },
    /// A negative length, or one longer than the rest of the input.
    #[error("invalid length {length} at byte {offset} ({remaining} bytes remain)")]
    InvalidLength {
        /// Offset of the length.
        offset: usize,
        /// The length read.
        length: i64,
        /// Bytes left in the input.
        remaining: usize,
    },
    /// A string that is not UTF-8.
    #[error("invalid UTF-8 in string at byte {offset}")]
    InvalidUtf8 {
        /// Offset of the string's bytes.
        offset: usize,
    },
    /// A boolean byte other than 0 or 1.
    #[error("invalid boolean byte {byte:#04x} at byte {offset}")]
    InvalidBoolean {
        /// Offset of the byte.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// A union branch index outside the union.
    #[error("union branch {index} at byte {offset}, but the union has {branches} branches")]
    BadUnionIndex {
        /// Offset of the index.
        offset: usize,
        /// The index read.
        index: i64,
        /// Number of branches.
        branches: usize,
    },
    /// An enum symbol index outside the enum.
    #[error("enum index {index} at byte {offset}, but the enum has {symbols} symbols")]
    BadEnumIndex {
        /// Offset of the index.
        offset: usize,
        /// The index read.
        index: i64,
        /// Number of symbols.
        symbols: usize,
    },
    /// A value that is valid Avro but cannot be represented by the Rust type (a
    /// timestamp beyond chrono's range, a malformed UUID string, a decimal with more
    /// than 28 digits, ...).
    #[error("{what} at byte {offset} cannot be represented: {detail}")]
    OutOfRange {
        /// Offset of the value.
        offset: usize,
        /// The logical type.
        what: &'static str,
        /// Why.
        detail: String,
    },
    /// Records nested deeper than the decoder allows.
    #[error("records nested deeper than {max_depth} levels at byte {offset}")]
    TooDeep {
        /// Offset where the limit was reached.
        offset: usize,
        /// The limit.
        max_depth: usize,
    },
    /// Bytes left over after a complete value.
    #[error("{remaining} trailing byte(s) after the value, at byte {offset}")]
    TrailingBytes {
        /// Offset where the value ended.
        offset: usize,
        /// Bytes left.
        remaining: usize,
    },
}

/// Why a value could not be encoded under its schema.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A value outside what the schema's type can hold (a timestamp outside the i64
    /// nanosecond range, a time of day during a leap second, ...).
    #[error("{what} cannot hold {detail}")]
    OutOfRange {
        /// The logical type.
        what: &'static str,
        /// The value, described.
        detail: String,
    },
    /// A decimal whose scale or precision does not fit the schema's.
    #[error("decimal {value} does not fit decimal({precision}, {scale}) without rounding")]
    DecimalDoesNotFit {
        /// The value.
        value: String,
        /// The schema's precision.
        precision: u32,
        /// The schema's scale.
        scale: u32,
    },
}
