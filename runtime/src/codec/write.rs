//! Writing Avro binary: the primitives every generated encoder calls.

/// Appends a `long`: zig-zag, then a little-endian base-128 varint.
#[inline]
pub fn write_long(buf: &mut Vec<u8>, value: i64) {
    let mut n = ((value << 1) ^ (value >> 63)) as u64;
    while n >= 0x80 {
        buf.push((n as u8) | 0x80);
        n >>= 7;
    }
    buf.push(n as u8);
}

/// Appends an `int` (same encoding as a long).
#[inline]
pub fn write_int(buf: &mut Vec<u8>, value: i32) {
    write_long(buf, i64::from(value));
}

/// Appends a `boolean` as one byte.
#[inline]
pub fn write_bool(buf: &mut Vec<u8>, value: bool) {
    buf.push(u8::from(value));
}

/// Appends a `float`: 4 bytes, little-endian IEEE 754.
#[inline]
pub fn write_float(buf: &mut Vec<u8>, value: f32) {
    buf.extend_from_slice(&value.to_le_bytes());
}

/// Appends a `double`: 8 bytes, little-endian IEEE 754.
#[inline]
pub fn write_double(buf: &mut Vec<u8>, value: f64) {
    buf.extend_from_slice(&value.to_le_bytes());
}

/// Appends `bytes`: the length as a long, then the bytes.
#[inline]
pub fn write_bytes(buf: &mut Vec<u8>, value: &[u8]) {
    write_long(buf, value.len() as i64);
    buf.extend_from_slice(value);
}

/// Appends a `string`: its UTF-8 bytes as `bytes`.
#[inline]
pub fn write_str(buf: &mut Vec<u8>, value: &str) {
    write_bytes(buf, value.as_bytes());
}

/// Appends a `fixed`: the bytes, no length.
#[inline]
pub fn write_fixed(buf: &mut Vec<u8>, value: &[u8]) {
    buf.extend_from_slice(value);
}

/// Appends an array or map: one block holding every item (its count first), then the
/// zero count that ends the list, as the Java and Python implementations write it. An
/// empty list is the single zero.
#[inline]
pub fn write_block<I, T, E>(
    buf: &mut Vec<u8>,
    items: I,
    mut write_item: impl FnMut(&mut Vec<u8>, T) -> Result<(), E>,
) -> Result<(), E>
where
    I: IntoIterator<Item = T>,
    I::IntoIter: ExactSizeIterator,
{
    let items = items.into_iter();
    if items.len() > 0 {
        write_long(buf, items.len() as i64);
        for item in items {
            write_item(buf, item)?;
        }
    }
    buf.push(0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long(v: i64) -> Vec<u8> {
        let mut buf = Vec::new();
        write_long(&mut buf, v);
        buf
    }

    #[test]
    fn zigzag_varints_match_the_spec_examples() {
        // The specification's table: 0 -> 00, -1 -> 01, 1 -> 02, -2 -> 03, 2 -> 04, -64 -> 7f, 64 -> 80 01.
        assert_eq!(long(0), [0x00]);
        assert_eq!(long(-1), [0x01]);
        assert_eq!(long(1), [0x02]);
        assert_eq!(long(-2), [0x03]);
        assert_eq!(long(2), [0x04]);
        assert_eq!(long(-64), [0x7f]);
        assert_eq!(long(64), [0x80, 0x01]);
        assert_eq!(long(i64::MIN).len(), 10);
        assert_eq!(
            long(i64::MAX),
            [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        );
    }

    #[test]
    fn strings_and_blocks() {
        let mut buf = Vec::new();
        write_str(&mut buf, "foo");
        assert_eq!(buf, [0x06, b'f', b'o', b'o']);
        let mut buf = Vec::new();
        write_block(&mut buf, [3i64, 27], |b, v| {
            write_long(b, v);
            Ok::<(), ()>(())
        })
        .unwrap();
        // The specification's example: the array [3, 27] is 04 06 36 00.
        assert_eq!(buf, [0x04, 0x06, 0x36, 0x00]);
        let mut buf = Vec::new();
        write_block(&mut buf, Vec::<i64>::new(), |b, v| {
            write_long(b, v);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(buf, [0x00]);
    }
}
