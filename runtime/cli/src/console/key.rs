//! How a record's key is read and written: as UTF-8 text, as raw bytes (hex in JSON), or
//! as a Confluent-framed Avro value of the key subject. The default follows the catalog
//! when it names the topic; keys are text otherwise, as most tools write them.

use avrokit_codegen::catalog::{KeyFormat, Topic};

/// The key encodings of `--key-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyEncoding {
    /// UTF-8 text (a key that is not UTF-8 is an unreadable record).
    String,
    /// Any bytes, written in JSON as lowercase hex.
    Raw,
    /// A Confluent frame: schema id, then the key in Avro, shown as Avro JSON.
    Avro,
}

impl KeyEncoding {
    /// `given`, else what the catalog's `topic` says, else text.
    pub fn choose(given: Option<KeyEncoding>, topic: Option<&Topic>) -> KeyEncoding {
        given.unwrap_or(match topic.map(|t| t.key_format) {
            Some(KeyFormat::Avro) => KeyEncoding::Avro,
            _ => KeyEncoding::String,
        })
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of the hex string `text` (either case), or `None` if it is not hex.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_hex() {
        assert_eq!(hex(&[0, 0xab, 0x7f]), "00ab7f");
        assert_eq!(from_hex("00AB7f"), Some(vec![0, 0xab, 0x7f]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex("é1"), None);
    }
}
