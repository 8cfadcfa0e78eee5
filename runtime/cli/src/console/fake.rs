//! `produce --fake N`: random values that are valid for a schema, written straight to
//! Avro binary. Valid means what a strict reader checks too: decimals within their
//! precision, UUIDs in their text form, enum symbols, fixed sizes; and plausible where
//! it costs nothing (timestamps near now, short words for strings), so the records look
//! like data in a table. The same seed and clock give the same records.

use avrokit::codec;
use avrokit_codegen::ir::{self, FixedLogical, Logical, NamedKind, SchemaSet};
use std::time::{SystemTime, UNIX_EPOCH};

/// Past this nesting depth unions take their `null` (or first) branch and arrays and
/// maps are empty, so recursive types end.
const MAX_DEPTH: usize = 6;

/// Random values of one schema.
pub struct Faker {
    state: u64,
    now_ms: i64,
}

impl Faker {
    /// A faker seeded with `seed`, its timestamps in the day before `now_ms`
    /// (milliseconds since the epoch).
    pub fn new(seed: u64, now_ms: i64) -> Faker {
        Faker { state: seed, now_ms }
    }

    /// A faker seeded with `seed`, its timestamps in the day before now.
    pub fn starting_now(seed: u64) -> Faker {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Faker::new(seed, now_ms)
    }

    /// The Avro binary of one random value of `schema` (a type of `set`).
    pub fn value(&mut self, set: &SchemaSet, schema: &ir::Schema) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(set, schema, 0, &mut out);
        out
    }

    // SplitMix64: tiny, seedable, good enough for test data.
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = high.abs_diff(low).saturating_add(1);
        low.wrapping_add(self.below(span) as i64)
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// A short lowercase word (for strings and text keys).
    pub fn word(&mut self) -> String {
        const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let len = self.between(4, 12) as usize;
        (0..len)
            .map(|_| char::from(LETTERS[self.below(LETTERS.len() as u64) as usize]))
            .collect()
    }

    fn uuid(&mut self) -> String {
        let mut bytes: [u8; 16] = self.bytes(16).try_into().unwrap_or([0; 16]);
        bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
        avrokit::uuid::Uuid::from_bytes(bytes).hyphenated().to_string()
    }

    /// An unscaled decimal of at most `digits` digits.
    fn unscaled(&mut self, digits: u32) -> i128 {
        let bound = 10i128.pow(digits.min(18));
        let magnitude = (self.next() as i128) % bound;
        if self.below(2) == 0 { magnitude } else { -magnitude }
    }

    fn write(&mut self, set: &SchemaSet, schema: &ir::Schema, depth: usize, out: &mut Vec<u8>) {
        use ir::Schema as S;
        match schema {
            S::Null => {}
            S::Boolean => codec::write_bool(out, self.below(2) == 1),
            S::Int => codec::write_int(out, self.between(0, 100_000) as i32),
            S::Long => codec::write_long(out, self.between(0, 1_000_000_000)),
            S::Float => codec::write_float(out, self.below(100_000) as f32 / 100.0),
            S::Double => codec::write_double(out, self.below(100_000_000) as f64 / 1000.0),
            S::Bytes => {
                let len = self.below(16) as usize;
                codec::write_bytes(out, &self.bytes(len));
            }
            S::String => codec::write_str(out, &self.word()),
            S::Array(items) => self.block(depth, out, |faker, out| faker.write(set, items, depth + 1, out)),
            S::Map(values) => self.block(depth, out, |faker, out| {
                codec::write_str(out, &faker.word());
                faker.write(set, values, depth + 1, out);
            }),
            S::Union(branches) if branches.is_empty() => {}
            S::Union(branches) => {
                let index = if depth >= MAX_DEPTH {
                    branches.iter().position(|b| *b == S::Null).unwrap_or(0)
                } else {
                    self.below(branches.len() as u64) as usize
                };
                codec::write_long(out, index as i64);
                self.write(set, &branches[index], depth + 1, out);
            }
            S::Named(id) => match &set.get(*id).kind {
                NamedKind::Record(record) => {
                    for field in &record.fields {
                        self.write(set, &field.schema, depth + 1, out);
                    }
                }
                NamedKind::Enum(e) => codec::write_int(out, self.below(e.symbols.len().max(1) as u64) as i32),
                NamedKind::Fixed(fixed) => match fixed.logical {
                    Some(FixedLogical::Decimal(d)) => {
                        // The loader has checked that the precision fits the size.
                        let unscaled = self.unscaled(d.precision);
                        codec::write_fixed(out, &twos_complement(unscaled, Some(fixed.size)));
                    }
                    _ => {
                        let bytes = self.bytes(fixed.size);
                        codec::write_fixed(out, &bytes);
                    }
                },
            },
            S::Logical(logical) => self.logical(*logical, out),
        }
    }

    fn logical(&mut self, logical: Logical, out: &mut Vec<u8>) {
        const DAY_MS: i64 = 86_400_000;
        let around_now_ms = self.now_ms - self.between(0, DAY_MS);
        match logical {
            Logical::Decimal(d) => {
                let unscaled = self.unscaled(d.precision);
                codec::write_bytes(out, &twos_complement(unscaled, None));
            }
            Logical::Uuid => {
                let uuid = self.uuid();
                codec::write_str(out, &uuid);
            }
            Logical::Date => codec::write_int(out, (around_now_ms / DAY_MS) as i32),
            Logical::TimeMillis => codec::write_int(out, self.between(0, DAY_MS - 1) as i32),
            Logical::TimeMicros => codec::write_long(out, self.between(0, DAY_MS * 1000 - 1)),
            Logical::TimestampMillis | Logical::LocalTimestampMillis => codec::write_long(out, around_now_ms),
            Logical::TimestampMicros | Logical::LocalTimestampMicros => codec::write_long(out, around_now_ms * 1000),
            Logical::TimestampNanos | Logical::LocalTimestampNanos => codec::write_long(out, around_now_ms * 1_000_000),
        }
    }

    /// One block of 0-3 items (none past [`MAX_DEPTH`]), then the end marker.
    fn block(&mut self, depth: usize, out: &mut Vec<u8>, mut item: impl FnMut(&mut Faker, &mut Vec<u8>)) {
        let count = if depth >= MAX_DEPTH { 0 } else { self.below(4) as i64 };
        if count > 0 {
            codec::write_long(out, count);
            for _ in 0..count {
                item(self, out);
            }
        }
        codec::write_long(out, 0);
    }
}

/// Big-endian two's complement: minimal (`size` `None`, as `decimal` over `bytes` is
/// written) or sign-extended to `size` bytes.
fn twos_complement(value: i128, size: Option<usize>) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let sign = if value < 0 { 0xff } else { 0x00 };
    match size {
        Some(size) if size >= 16 => {
            let mut out = vec![sign; size - 16];
            out.extend_from_slice(&bytes);
            out
        }
        Some(size) => bytes[16 - size..].to_vec(),
        None => {
            let mut start = 0;
            while start < 15 && bytes[start] == sign && (bytes[start + 1] & 0x80) == (sign & 0x80) {
                start += 1;
            }
            bytes[start..].to_vec()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use avrokit::{Schema, avro_json};

    const KITCHEN_SINK: &str = r#"{"type": "record", "name": "Node", "namespace": "t", "fields": [
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
        {"name": "small", "type": {"type": "fixed", "name": "Small", "size": 2, "logicalType": "decimal", "precision": 4, "scale": 1}},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
        {"name": "tags", "type": {"type": "map", "values": {"type": "array", "items": "double"}}},
        {"name": "next", "type": ["null", "Node"]}
    ]}"#;

    #[test]
    fn every_fake_value_decodes_by_its_schema_and_a_seed_repeats_them() {
        let schema = Schema::parse(KITCHEN_SINK).unwrap();
        let mut faker = Faker::new(7, 1_750_000_000_000);
        let values: Vec<Vec<u8>> = (0..200).map(|_| faker.value(schema.types(), schema.root())).collect();
        for bytes in &values {
            let json = avro_json::to_json(&schema, bytes).expect("a fake value decodes");
            avrokit::codec::logical::uuid_from_str(json["id"].as_str().unwrap(), 0).expect("a UUID");
            // Re-encoding the JSON is byte-identical: nothing was out of its type's range.
            assert_eq!(&avro_json::from_json(&schema, &json).unwrap(), bytes);
        }
        let mut again = Faker::new(7, 1_750_000_000_000);
        let first = again.value(schema.types(), schema.root());
        assert_eq!(first, values[0]);
        assert_ne!(values[0], values[1]);
    }

    #[test]
    fn decimal_bytes_are_minimal_or_sign_extended_to_the_fixed_size() {
        assert_eq!(twos_complement(-1, None), [0xff]);
        assert_eq!(twos_complement(128, None), [0x00, 0x80]);
        assert_eq!(twos_complement(-2, Some(3)), [0xff, 0xff, 0xfe]);
        assert_eq!(
            twos_complement(5, Some(17)),
            [0; 16].iter().copied().chain([5]).collect::<Vec<_>>()
        );
    }
}
