//! Property tests over every derived type: random valid data decodes and re-encodes to the
//! same bytes, and arbitrary bytes never make a decoder panic.

use avrokit::RoundTripError;
use avrokit::codec;
use avrokit_codegen::ir::{FixedLogical, Logical, NamedKind, Schema, SchemaSet};
use avrokit_tests::registry;
use proptest::prelude::*;

/// A small deterministic generator (xorshift64*): proptest supplies the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low) as u64) as i64
    }
}

const MAX_DEPTH: usize = 4;

/// Writes a random value of `schema` in canonical Avro binary (one block per list,
/// sorted map keys, minimal decimals): what avrokit's encoders write back.
fn random_value(set: &SchemaSet, schema: &Schema, rng: &mut Rng, depth: usize, out: &mut Vec<u8>) {
    match schema {
        Schema::Null => {}
        Schema::Boolean => codec::write_bool(out, rng.below(2) == 1),
        Schema::Int => codec::write_int(out, rng.next() as i32),
        Schema::Long => codec::write_long(out, rng.next() as i64),
        // Any bit pattern, NaNs included: the codecs must carry floats bit for bit.
        Schema::Float => out.extend_from_slice(&(rng.next() as u32).to_le_bytes()),
        Schema::Double => out.extend_from_slice(&rng.next().to_le_bytes()),
        Schema::Bytes => {
            let bytes: Vec<u8> = (0..rng.below(6)).map(|_| rng.next() as u8).collect();
            codec::write_bytes(out, &bytes);
        }
        Schema::String => {
            let text: String = (0..rng.below(6))
                .map(|_| ['a', 'Z', ' ', 'é', '✓', '😀', '\0'][rng.below(7) as usize])
                .collect();
            codec::write_str(out, &text);
        }
        Schema::Logical(logical) => random_logical(*logical, rng, out),
        Schema::Array(items) => {
            let n = if depth >= MAX_DEPTH { 0 } else { rng.below(3) };
            if n > 0 {
                codec::write_long(out, n as i64);
                for _ in 0..n {
                    random_value(set, items, rng, depth + 1, out);
                }
            }
            out.push(0);
        }
        Schema::Map(values) => {
            let n = if depth >= MAX_DEPTH { 0 } else { rng.below(3) };
            let mut keys: Vec<String> = (0..n).map(|_| format!("k{}", rng.below(50))).collect();
            keys.sort();
            keys.dedup();
            if !keys.is_empty() {
                codec::write_long(out, keys.len() as i64);
                for key in keys {
                    codec::write_str(out, &key);
                    random_value(set, values, rng, depth + 1, out);
                }
            }
            out.push(0);
        }
        Schema::Union(branches) => {
            let index = match branches.iter().position(|b| *b == Schema::Null) {
                Some(null) if depth >= MAX_DEPTH => null,
                _ if depth >= MAX_DEPTH => 0,
                _ => rng.below(branches.len() as u64) as usize,
            };
            codec::write_long(out, index as i64);
            random_value(set, &branches[index], rng, depth + 1, out);
        }
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Enum(e) => codec::write_long(out, rng.below(e.symbols.len() as u64) as i64),
            NamedKind::Fixed(fixed) => match fixed.logical {
                Some(FixedLogical::Decimal(d)) => {
                    let unscaled = random_unscaled(d.precision, rng);
                    let sign = if unscaled < 0 { 0xff } else { 0 };
                    let bytes = unscaled.to_be_bytes();
                    let mut fixed_bytes = vec![sign; fixed.size.saturating_sub(16)];
                    fixed_bytes.extend_from_slice(&bytes[16usize.saturating_sub(fixed.size)..]);
                    out.extend_from_slice(&fixed_bytes);
                }
                _ => out.extend((0..fixed.size).map(|_| rng.next() as u8)),
            },
            NamedKind::Record(record) => {
                for field in &record.fields {
                    random_value(set, &field.schema, rng, depth + 1, out);
                }
            }
        },
    }
}

/// An unscaled decimal of at most `precision` digits (capped at rust_decimal's 28).
fn random_unscaled(precision: u32, rng: &mut Rng) -> i128 {
    let bound = 10i128.pow(precision.min(28));
    let magnitude = (i128::from(rng.next()) << 64 | i128::from(rng.next())).rem_euclid(bound);
    if rng.below(2) == 1 { -magnitude } else { magnitude }
}

fn random_logical(logical: Logical, rng: &mut Rng, out: &mut Vec<u8>) {
    match logical {
        Logical::Decimal(d) => {
            let unscaled = random_unscaled(d.precision, rng);
            let bytes = unscaled.to_be_bytes();
            let sign = if unscaled < 0 { 0xff } else { 0 };
            let mut start = 0;
            while start < 15 && bytes[start] == sign && (bytes[start + 1] & 0x80) == (sign & 0x80) {
                start += 1;
            }
            codec::write_bytes(out, &bytes[start..]);
        }
        Logical::Uuid => {
            let uuid = avrokit::uuid::Uuid::from_u128(u128::from(rng.next()) << 64 | u128::from(rng.next()));
            codec::write_str(out, &uuid.to_string());
        }
        Logical::Date => codec::write_int(out, rng.range(-1_000_000, 1_000_000) as i32),
        Logical::TimeMillis => codec::write_int(out, rng.range(0, 86_400_000) as i32),
        Logical::TimeMicros => codec::write_long(out, rng.range(0, 86_400_000_000)),
        Logical::TimestampMillis | Logical::LocalTimestampMillis => {
            codec::write_long(out, rng.range(-(1 << 45), 1 << 45))
        }
        Logical::TimestampMicros | Logical::LocalTimestampMicros => {
            codec::write_long(out, rng.range(-(1 << 55), 1 << 55))
        }
        Logical::TimestampNanos | Logical::LocalTimestampNanos => codec::write_long(out, rng.next() as i64),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_valid_data_round_trips_through_every_type(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        for ops in registry::all() {
            let schema = (ops.schema)();
            let mut bytes = Vec::new();
            random_value(schema.types(), schema.root(), &mut rng, 0, &mut bytes);
            let again = (ops.reencode)(&bytes);
            prop_assert_eq!(again.as_ref(), Ok(&bytes), "{}", ops.full_name);
            let json = registry::to_json(ops, &bytes);
            prop_assert!(json.is_ok(), "{}: {:?}", ops.full_name, json);
        }
    }

    #[test]
    fn decoding_over_an_old_value_gives_what_decoding_afresh_gives(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        for ops in registry::all() {
            let schema = (ops.schema)();
            let (mut previous, mut bytes) = (Vec::new(), Vec::new());
            random_value(schema.types(), schema.root(), &mut rng, 0, &mut previous);
            random_value(schema.types(), schema.root(), &mut rng, 0, &mut bytes);
            let again = (ops.reencode_over)(&previous, &bytes);
            prop_assert_eq!(again.as_ref(), Ok(&bytes), "{}", ops.full_name);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        for ops in registry::all() {
            // Errors are expected; panics are not (a panic fails the test).
            let _ = (ops.reencode)(&bytes);
            let _ = registry::to_json(ops, &bytes);
            // Over a valid old value too: a half-overwritten value must stay droppable.
            let schema = (ops.schema)();
            let mut previous = Vec::new();
            random_value(schema.types(), schema.root(), &mut Rng(bytes.len() as u64 | 1), 0, &mut previous);
            let _ = (ops.reencode_over)(&previous, &bytes);
        }
    }

    #[test]
    fn truncated_valid_data_is_an_error(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        for ops in registry::all() {
            let schema = (ops.schema)();
            let mut bytes = Vec::new();
            random_value(schema.types(), schema.root(), &mut rng, 0, &mut bytes);
            if bytes.is_empty() {
                continue;
            }
            let cut = rng.below(bytes.len() as u64) as usize;
            let result = (ops.reencode)(&bytes[..cut]);
            prop_assert!(matches!(result, Err(RoundTripError::Decode(_))), "{} cut at {cut}: {:?}", ops.full_name, result);
        }
    }
}
