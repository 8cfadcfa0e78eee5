//! UTF-8 validation of decoded strings, with a fast path for ASCII.
//!
//! Strings in records are mostly identifiers, codes and versions: short and pure ASCII.
//! `std::str::from_utf8` validates those byte by byte below two machine words, which made
//! it the largest single cost of decoding a record of short strings. `<[u8]>::is_ascii`
//! checks a word at a time, and ASCII is valid UTF-8, so such strings skip the full check.
//! This is the one `unsafe` block of the crate.

/// `bytes` as a `str`, or `None` when they are not valid UTF-8.
#[inline(always)]
pub(crate) fn validate(bytes: &[u8]) -> Option<&str> {
    if is_ascii(bytes) {
        // SAFETY: every byte is below 0x80, and a sequence of ASCII bytes is valid UTF-8.
        #[allow(unsafe_code)]
        return Some(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).ok()
}

/// Whether every byte is below 0x80. `<[u8]>::is_ascii` checks the bytes after the last
/// whole word one at a time, a branch each; record strings are short, so here the last
/// word (or half-word) is read overlapping the ones before it instead.
#[inline(always)]
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    if let Some(last) = bytes.last_chunk::<8>() {
        let (words, _) = bytes.as_chunks::<8>();
        let high = words
            .iter()
            .fold(u64::from_le_bytes(*last), |high, word| high | u64::from_le_bytes(*word));
        return high & HIGH_BITS == 0;
    }
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        return (u32::from_le_bytes(*first) | u32::from_le_bytes(*last)) & HIGH_BITS as u32 == 0;
    }
    bytes.iter().fold(0, |high, byte| high | byte) < 0x80
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn ascii_and_multibyte_strings_are_accepted_as_std_accepts_them() {
        for text in [
            "",
            "a",
            "telescope-03",
            "obs-2024-001-000042-abcdefgh",
            "Zürich",
            "望遠鏡",
            "🔭 x",
        ] {
            assert_eq!(validate(text.as_bytes()), Some(text));
        }
    }

    /// A byte of 0x80 or above anywhere, in a slice of any length, is found.
    #[test]
    fn the_ascii_check_agrees_with_std_at_every_length_and_position() {
        for len in 0..40 {
            let ascii = vec![b'a'; len];
            assert!(super::is_ascii(&ascii), "{len}");
            for at in 0..len {
                let mut bytes = ascii.clone();
                bytes[at] = 0x80;
                assert!(!super::is_ascii(&bytes), "{len}, 0x80 at {at}");
            }
        }
    }

    #[test]
    fn invalid_utf8_is_refused_whatever_its_length() {
        let cases: [&[u8]; 5] = [
            b"\xff",
            b"abc\x80",
            b"abcdefghijklmnop\xc3",
            b"\xed\xa0\x80",
            b"\xc0\xaf0123456789",
        ];
        for bytes in cases {
            assert_eq!(validate(bytes), None, "{bytes:?}");
            assert!(std::str::from_utf8(bytes).is_err());
        }
    }
}
