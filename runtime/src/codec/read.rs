//! Reading Avro binary from a byte slice, strictly: every malformed input is a typed
//! [`DecodeError`] with its offset, never a panic, and no allocation is sized by a length
//! the remaining input cannot back.

use super::utf8;
use crate::error::{DecodeError, DecodeErrorKind};
use bytes::Bytes;

/// A cursor over Avro binary data.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// The buffer `bytes` is, when the caller has it as [`Bytes`]: `bytes` values then
    /// share it instead of being copied.
    shared: Option<&'a Bytes>,
}

/// Records nested deeper than this are refused: recursive schemas let one byte per level
/// nest values, and unbounded nesting would exhaust the stack.
const MAX_DEPTH: usize = 256;

/// The `long` a zig-zag encoded varint stands for.
#[inline(always)]
fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

/// Arrays and maps of zero-byte items (nulls, empty records) carry no bytes to bound
/// their count by; this bounds them instead, so a forged count cannot spin for ever.
const MAX_ITEMS_WITHOUT_BYTES: u64 = 1 << 20;

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            pos: 0,
            depth: 0,
            shared: None,
        }
    }

    /// A reader at the start of `bytes` whose `bytes` values decoded as [`Bytes`] share
    /// the buffer (a reference count, no copy).
    pub fn shared(bytes: &'a Bytes) -> Self {
        Self {
            bytes,
            pos: 0,
            depth: 0,
            shared: Some(bytes),
        }
    }

    /// Enters a nested record; fails beyond a fixed depth so hostile input cannot
    /// overflow the stack. For decoders of nested records (the derive's generated code).
    #[doc(hidden)]
    #[inline]
    pub fn descend(&mut self) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(DecodeErrorKind::TooDeep {
                offset: self.pos,
                max_depth: MAX_DEPTH,
            }
            .into());
        }
        Ok(())
    }

    /// Leaves a nested record. For decoders of nested records (the derive's generated
    /// code).
    #[doc(hidden)]
    #[inline]
    pub fn ascend(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The bytes consumed since `start` (a former [`Reader::position`]).
    pub fn consumed_since(&self, start: usize) -> &'a [u8] {
        &self.bytes[start.min(self.pos)..self.pos]
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// Succeeds when every byte has been consumed.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            remaining => Err(DecodeErrorKind::TrailingBytes {
                offset: self.pos,
                remaining,
            }
            .into()),
        }
    }

    #[inline]
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        match self.bytes.get(self.pos..self.pos + n) {
            Some(slice) => {
                self.pos += n;
                Ok(slice)
            }
            None => Err(DecodeErrorKind::Truncated {
                offset: self.pos,
                needed: n - self.remaining(),
                what,
            }
            .into()),
        }
    }

    /// Reads a `long`.
    #[inline]
    pub fn read_long(&mut self) -> Result<i64, DecodeError> {
        // Fast path, inlined into generated decoders: most varints in real records (lengths,
        // union and enum indexes, small numbers) are a single byte.
        if let Some(&byte) = self.bytes.get(self.pos)
            && byte < 0x80
        {
            self.pos += 1;
            return Ok(unzigzag(u64::from(byte)));
        }
        self.read_long_slow()
    }

    /// Reads a `long` of any length (and reports every malformed one).
    #[inline(never)]
    fn read_long_slow(&mut self) -> Result<i64, DecodeError> {
        let start = self.pos;
        let rest = self.bytes.get(start..).unwrap_or_default();
        // Varints of up to eight bytes (timestamps, lengths above 63) are read from one
        // little-endian word without a branch per byte: the first byte with its top bit
        // clear ends the varint, and three shift-and-merge steps pack the 7-bit groups.
        if let Some(word) = rest.first_chunk::<8>() {
            let word = u64::from_le_bytes(*word);
            let ends = !word & 0x8080_8080_8080_8080;
            if ends != 0 {
                let last_bit = ends.trailing_zeros();
                let mut value = word & (u64::MAX >> (63 - last_bit)) & 0x7f7f_7f7f_7f7f_7f7f;
                value = (value & 0x007f_007f_007f_007f) | ((value & 0x7f00_7f00_7f00_7f00) >> 1);
                value = (value & 0x0000_3fff_0000_3fff) | ((value & 0x3fff_0000_3fff_0000) >> 2);
                value = (value & 0x0000_0000_0fff_ffff) | ((value & 0x0fff_ffff_0000_0000) >> 4);
                self.pos = start + (last_bit / 8) as usize + 1;
                return Ok(unzigzag(value));
            }
        }
        let mut value: u64 = 0;
        // An iterator over at most ten bytes: no bounds check per byte.
        for (i, &byte) in rest.iter().take(10).enumerate() {
            // The tenth byte holds the top bit only.
            if i == 9 && byte > 1 {
                break;
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                self.pos = start + i + 1;
                return Ok(unzigzag(value));
            }
        }
        // Without a break, the input ended inside the varint.
        if rest.len() < 10 {
            return Err(DecodeErrorKind::Truncated {
                offset: start,
                needed: 1,
                what: "a varint",
            }
            .into());
        }
        Err(DecodeErrorKind::OverlongVarint {
            offset: start,
            max_bytes: 10,
        }
        .into())
    }

    /// Reads an `int`, refusing values outside 32 bits.
    #[inline]
    pub fn read_int(&mut self) -> Result<i32, DecodeError> {
        let start = self.pos;
        let value = self.read_long()?;
        i32::try_from(value).map_err(|_| DecodeErrorKind::IntOutOfRange { offset: start, value }.into())
    }

    /// Reads a `boolean`.
    #[inline(always)]
    pub fn read_bool(&mut self) -> Result<bool, DecodeError> {
        // Fast path, inlined into generated decoders; the errors are built out of line.
        if let Some(&byte) = self.bytes.get(self.pos)
            && byte <= 1
        {
            self.pos += 1;
            return Ok(byte == 1);
        }
        self.read_bool_refused()
    }

    /// The error of a `boolean` that is missing or neither 0 nor 1.
    #[cold]
    #[inline(never)]
    fn read_bool_refused(&mut self) -> Result<bool, DecodeError> {
        let offset = self.pos;
        match self.take(1, "a boolean")?[0] {
            byte @ 0..=1 => Ok(byte == 1),
            byte => Err(DecodeErrorKind::InvalidBoolean { offset, byte }.into()),
        }
    }

    /// Reads a `float`.
    #[inline]
    pub fn read_float(&mut self) -> Result<f32, DecodeError> {
        let bytes = self.take(4, "a float")?;
        Ok(f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// Reads a `double`.
    #[inline]
    pub fn read_double(&mut self) -> Result<f64, DecodeError> {
        let bytes = self.take(8, "a double")?;
        let mut array = [0u8; 8];
        array.copy_from_slice(bytes);
        Ok(f64::from_le_bytes(array))
    }

    /// Reads a length: a non-negative long no greater than the bytes left.
    #[inline(always)]
    fn read_len(&mut self) -> Result<usize, DecodeError> {
        let offset = self.pos;
        let length = self.read_long()?;
        match usize::try_from(length) {
            Ok(n) if n <= self.remaining() => Ok(n),
            _ => Err(DecodeErrorKind::InvalidLength {
                offset,
                length,
                remaining: self.remaining(),
            }
            .into()),
        }
    }

    /// Reads `bytes`, borrowing them from the input.
    #[inline]
    pub fn read_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = self.read_len()?;
        self.take(n, "bytes")
    }

    /// Reads `bytes` as [`Bytes`]: a slice of the input when the reader is
    /// [`shared`](Self::shared), else a copy.
    #[inline]
    pub fn read_bytes_shared(&mut self) -> Result<Bytes, DecodeError> {
        let n = self.read_len()?;
        let start = self.pos;
        let slice = self.take(n, "bytes")?;
        Ok(match self.shared {
            Some(shared) => shared.slice(start..start + n),
            None => Bytes::copy_from_slice(slice),
        })
    }

    /// Reads a `string`, borrowing it from the input.
    #[inline(always)]
    pub fn read_str(&mut self) -> Result<&'a str, DecodeError> {
        let n = self.read_len()?;
        let offset = self.pos;
        let bytes = self.take(n, "a string")?;
        utf8::validate(bytes).ok_or_else(|| DecodeErrorKind::InvalidUtf8 { offset }.into())
    }

    /// Reads a `fixed` of `N` bytes.
    #[inline]
    pub fn read_fixed<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N, "a fixed")?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Skips `n` bytes (a fixed of that size).
    pub fn skip_fixed(&mut self, n: usize) -> Result<(), DecodeError> {
        self.take(n, "a fixed").map(|_| ())
    }

    /// Reads a union branch index, checked against the number of branches.
    #[inline(always)]
    pub fn read_union_index(&mut self, branches: usize) -> Result<usize, DecodeError> {
        let offset = self.pos;
        let index = self.read_long()?;
        match usize::try_from(index) {
            Ok(i) if i < branches => Ok(i),
            _ => Err(DecodeErrorKind::BadUnionIndex {
                offset,
                index,
                branches,
            }
            .into()),
        }
    }

    /// Reads an enum symbol index, checked against the number of symbols.
    #[inline(always)]
    pub fn read_enum_index(&mut self, symbols: usize) -> Result<usize, DecodeError> {
        let offset = self.pos;
        let index = self.read_long()?;
        match usize::try_from(index) {
            Ok(i) if i < symbols => Ok(i),
            _ => Err(DecodeErrorKind::BadEnumIndex { offset, index, symbols }.into()),
        }
    }

    /// Reads the item count of the next block of an array or map; 0 ends the list. A
    /// negative count (as Java writes blocks) is followed by the block's byte size, which
    /// is read and checked.
    #[inline]
    pub fn read_block_count(&mut self) -> Result<usize, DecodeError> {
        let offset = self.pos;
        let count = self.read_long()?;
        let count = if count < 0 {
            let size_offset = self.pos;
            let size = self.read_long()?;
            if size < 0 || size as u64 > self.remaining() as u64 {
                return Err(DecodeErrorKind::InvalidLength {
                    offset: size_offset,
                    length: size,
                    remaining: self.remaining(),
                }
                .into());
            }
            count.unsigned_abs()
        } else {
            count as u64
        };
        if count > (self.remaining() as u64).max(MAX_ITEMS_WITHOUT_BYTES) {
            return Err(DecodeErrorKind::InvalidLength {
                offset,
                length: count as i64,
                remaining: self.remaining(),
            }
            .into());
        }
        Ok(count as usize)
    }

    /// A capacity to reserve for `count` items: never more than the bytes left could hold.
    #[inline]
    pub fn capacity_for(&self, count: usize) -> usize {
        count.min(self.remaining())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::write::write_long;

    #[test]
    fn longs_round_trip_at_the_edges() {
        for v in [
            0,
            1,
            -1,
            63,
            -64,
            64,
            i64::from(i32::MAX),
            i64::from(i32::MIN),
            i64::MAX,
            i64::MIN,
        ] {
            let mut buf = Vec::new();
            write_long(&mut buf, v);
            let mut reader = Reader::new(&buf);
            assert_eq!(reader.read_long(), Ok(v));
            assert_eq!(reader.finish(), Ok(()));
        }
    }

    /// Every varint length, alone or followed by more bytes, gives the value and position
    /// written.
    #[test]
    fn word_and_byte_reads_agree_at_every_length() {
        let mut values = vec![0, -1, 1, i64::MAX, i64::MIN];
        for bits in 1..64 {
            let power = 1i64 << bits;
            values.extend([
                power,
                power.wrapping_sub(1),
                power.wrapping_neg(),
                1i64.wrapping_sub(power),
            ]);
        }
        values.extend([1_714_564_800_000, -1_714_564_800_000, 1024, 300]);
        for v in values {
            let mut exact = Vec::new();
            write_long(&mut exact, v);
            let mut padded = exact.clone();
            padded.extend_from_slice(&[0xff; 9]);
            for (bytes, what) in [(&exact, "exact"), (&padded, "padded")] {
                let mut reader = Reader::new(bytes);
                assert_eq!(reader.read_long(), Ok(v), "{v} ({what})");
                assert_eq!(reader.position(), exact.len(), "{v} ({what})");
            }
        }
    }

    #[test]
    fn malformed_input_is_a_typed_error() {
        assert_eq!(
            Reader::new(&[0x80]).read_long(),
            Err(DecodeErrorKind::Truncated {
                offset: 0,
                needed: 1,
                what: "a varint"
            }
            .into())
        );
        assert_eq!(
            Reader::new(&[0xff; 11]).read_long(),
            Err(DecodeErrorKind::OverlongVarint {
                offset: 0,
                max_bytes: 10
            }
            .into())
        );
        assert!(matches!(
            Reader::new(&[0x80, 0x80, 0x80, 0x80, 0x10])
                .read_int()
                .map_err(|e| e.kind().clone()),
            Err(DecodeErrorKind::IntOutOfRange { .. })
        ));
        assert_eq!(
            Reader::new(&[0x01]).read_bytes(),
            Err(DecodeErrorKind::InvalidLength {
                offset: 0,
                length: -1,
                remaining: 0
            }
            .into())
        );
        assert_eq!(
            Reader::new(&[0x06, b'a']).read_str(),
            Err(DecodeErrorKind::InvalidLength {
                offset: 0,
                length: 3,
                remaining: 1
            }
            .into())
        );
        assert_eq!(
            Reader::new(&[0x02, 0xff]).read_str(),
            Err(DecodeErrorKind::InvalidUtf8 { offset: 1 }.into())
        );
        assert_eq!(
            Reader::new(&[0x02]).read_bool(),
            Err(DecodeErrorKind::InvalidBoolean { offset: 0, byte: 2 }.into())
        );
        assert!(matches!(
            Reader::new(&[0x04]).read_union_index(2).map_err(|e| e.kind().clone()),
            Err(DecodeErrorKind::BadUnionIndex { index: 2, .. })
        ));
        assert!(matches!(
            Reader::new(&[0x01]).read_enum_index(3).map_err(|e| e.kind().clone()),
            Err(DecodeErrorKind::BadEnumIndex { index: -1, .. })
        ));
        assert_eq!(
            Reader::new(&[0x00, 0x01]).finish(),
            Err(DecodeErrorKind::TrailingBytes {
                offset: 0,
                remaining: 2
            }
            .into())
        );
    }

    #[test]
    fn java_style_negative_block_counts_are_read() {
        // -2 items, then the block's size in bytes (2), then the items 3 and 27 (06 36... as zigzag: 3->06, 27->36).
        let bytes = [0x03, 0x04, 0x06, 0x36, 0x00];
        let mut reader = Reader::new(&bytes);
        assert_eq!(reader.read_block_count(), Ok(2));
        assert_eq!((reader.read_long(), reader.read_long()), (Ok(3), Ok(27)));
        assert_eq!(reader.read_block_count(), Ok(0));
        let forged = [0xfe, 0xff, 0xff, 0xff, 0x0f]; // 2^31 items of nothing
        assert!(matches!(
            Reader::new(&forged).read_block_count().map_err(|e| e.kind().clone()),
            Err(DecodeErrorKind::InvalidLength { .. })
        ));
    }
}
