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
    if bytes.is_ascii() {
        // SAFETY: every byte is below 0x80, and a sequence of ASCII bytes is valid UTF-8.
        #[allow(unsafe_code)]
        return Some(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).ok()
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
