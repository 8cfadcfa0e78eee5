//! A deterministic generator of synthetic `.avsc` schemas for `cargo xtask bench gen`.
//!
//! The schemas look like the ones real pipelines carry (primitives, optional fields,
//! defaults, enums, arrays, maps, timestamps, dates, uuids, records nested by reference
//! across files, docs, camelCase names), but stay inside what rsgen-avro 0.19 accepts, so
//! both generators get the very same input:
//!
//! - optional values are `["null", T]` with default null (rsgen-avro rejects null in any
//!   other position);
//! - every name is globally unique (rsgen-avro ignores namespaces, so two `Reading`s in
//!   different namespaces would collide there);
//! - references only point to records of lower index, so the type graph has no cycles
//!   (recursion is a separate concern, and rsgen-avro only boxes some cycles);
//! - an enum is referred to from another file only when it has a file of its own: the
//!   apache-avro parser rsgen-avro uses resolves names across files by top-level types
//!   only. Inline enums are reused within their record.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// What [`write()`] produced.
#[derive(Debug, Default)]
pub struct Summary {
    /// `.avsc` files written (a record each, with the enums it defines inline, or a
    /// shared enum).
    pub files: usize,
    /// Record types.
    pub records: usize,
    /// Enum types: shared ones in their own files, and inline ones.
    pub enums: usize,
    /// Fields over all records.
    pub fields: usize,
    /// Fields whose type refers to another generated record (plain, optional or array).
    pub record_refs: usize,
}

/// Writes `count` record schemas, one per file, and a shared enum per 20 records, each in
/// its own file, into `dir` (created if missing; stale `.avsc` files from an earlier run
/// are removed). The same `count` and `seed` always give byte-identical files.
pub fn write(dir: &Path, count: usize, seed: u64) -> io::Result<Summary> {
    std::fs::create_dir_all(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "avsc") {
            std::fs::remove_file(path)?;
        }
    }
    let mut rng = XorShift::new(seed);
    let mut summary = Summary::default();
    let mut shared_enums = Vec::new();
    for index in 0..count.div_ceil(20) {
        let name = format!("SharedState{index:03}");
        let namespace = format!("bench.{}", DOMAINS[index % DOMAINS.len()]);
        let json = format!(
            "{{\n  \"type\": \"enum\",\n  \"name\": \"{name}\",\n  \"namespace\": \"{namespace}\",\n  \"doc\": \"{}\",\n  \"symbols\": [{}],\n  \"default\": \"UNKNOWN\"\n}}\n",
            doc(&mut rng, "Synthetic shared enum:"),
            symbols(&mut rng, true).join(", ")
        );
        std::fs::write(dir.join(format!("shared-state-{index:03}.avsc")), json)?;
        shared_enums.push(format!("{namespace}.{name}"));
        summary.files += 1;
        summary.enums += 1;
    }
    // Full names of the records defined so far: later records refer to these.
    let mut records: Vec<String> = Vec::with_capacity(count);
    for index in 0..count {
        let schema = record(index, &mut rng, &records, &shared_enums, &mut summary);
        let file = dir.join(format!("{}.avsc", schema.file_stem));
        std::fs::write(file, schema.json)?;
        records.push(schema.full_name);
        summary.files += 1;
        summary.records += 1;
    }
    Ok(summary)
}

/// One generated record schema.
struct RecordSchema {
    full_name: String,
    file_stem: String,
    json: String,
}

/// The kinds of field the generator draws from, with their weights (out of 100) below.
#[derive(Clone, Copy)]
enum FieldKind {
    Primitive,
    OptionalPrimitive,
    PrimitiveWithDefault,
    Logical,
    OptionalLogical,
    NewEnum,
    EnumRef,
    ArrayOfPrimitive,
    MapOfPrimitive,
    RecordRef,
    OptionalRecordRef,
    ArrayOfRecord,
}

/// Weights roughly follow hand-written event schemas: mostly scalars, a fair share of
/// optional values, and a few containers, enums and nested records.
const KINDS: &[(FieldKind, u32)] = &[
    (FieldKind::Primitive, 30),
    (FieldKind::OptionalPrimitive, 18),
    (FieldKind::PrimitiveWithDefault, 8),
    (FieldKind::Logical, 8),
    (FieldKind::OptionalLogical, 4),
    (FieldKind::NewEnum, 4),
    (FieldKind::EnumRef, 4),
    (FieldKind::ArrayOfPrimitive, 6),
    (FieldKind::MapOfPrimitive, 5),
    (FieldKind::RecordRef, 4),
    (FieldKind::OptionalRecordRef, 5),
    (FieldKind::ArrayOfRecord, 4),
];

/// Primitive types and the default value each gets when a field has one.
const PRIMITIVES: &[(&str, &str)] = &[
    ("string", "\"\""),
    ("string", "\"\""),
    ("long", "0"),
    ("int", "0"),
    ("double", "0.0"),
    ("float", "0.0"),
    ("boolean", "false"),
    ("bytes", "\"\""),
];

/// The logical types rsgen-avro supports too, on their underlying types.
const LOGICAL: &[&str] = &[
    r#"{"type": "long", "logicalType": "timestamp-millis"}"#,
    r#"{"type": "long", "logicalType": "timestamp-millis"}"#,
    r#"{"type": "int", "logicalType": "date"}"#,
    r#"{"type": "string", "logicalType": "uuid"}"#,
];

/// Namespaces (one per record, round robin); names stay unique regardless.
const DOMAINS: &[&str] = &[
    "telemetry",
    "billing",
    "inventory",
    "access",
    "shipping",
    "identity",
    "metrics",
    "catalog",
    "orders",
    "audit",
];

/// Nouns for record names.
const NOUNS: &[&str] = &[
    "Reading", "Event", "Snapshot", "Report", "Command", "Status", "Record", "Entry", "Sample", "Notice", "Batch",
    "Profile",
];

/// Words for field names.
const FIELD_WORDS: &[&str] = &[
    "id",
    "source",
    "target",
    "device",
    "site",
    "region",
    "account",
    "customer",
    "order",
    "amount",
    "price",
    "count",
    "total",
    "label",
    "name",
    "description",
    "status",
    "kind",
    "version",
    "owner",
    "created",
    "updated",
    "expires",
    "latitude",
    "longitude",
    "temperature",
    "voltage",
    "signal",
    "battery",
    "payload",
    "checksum",
    "tags",
    "attributes",
    "reason",
    "comment",
    "priority",
    "score",
    "weight",
    "quantity",
    "currency",
];

/// Symbols for enums.
const SYMBOLS: &[&str] = &[
    "UNKNOWN", "ACTIVE", "INACTIVE", "PENDING", "FAILED", "RETRYING", "OPEN", "CLOSED", "LOW", "MEDIUM", "HIGH",
    "CRITICAL",
];

/// Words for docs.
const DOC_WORDS: &[&str] = &[
    "the", "value", "reported", "by", "device", "when", "known", "in", "units", "of", "source", "system", "last",
    "update", "for", "this", "entry", "as", "sent", "upstream",
];

fn record(
    index: usize,
    rng: &mut XorShift,
    records: &[String],
    shared_enums: &[String],
    summary: &mut Summary,
) -> RecordSchema {
    // The shared enums, then the ones this record defines inline as it goes.
    let mut enums = shared_enums.to_vec();
    let noun = NOUNS[rng.below(NOUNS.len())];
    let name = format!("{noun}{index:04}");
    let namespace = format!("bench.{}", DOMAINS[index % DOMAINS.len()]);
    let mut json = String::new();
    let _ = write!(
        json,
        "{{\n  \"type\": \"record\",\n  \"name\": \"{name}\",\n  \"namespace\": \"{namespace}\",\n  \"doc\": \"{}\",\n  \"fields\": [\n",
        doc(rng, "Synthetic benchmark record:")
    );
    let field_count = 16 + rng.below(9);
    let mut used = Vec::with_capacity(field_count);
    for position in 0..field_count {
        let field = field_name(rng, &mut used, position);
        let kind = pick_kind(rng, records, &enums);
        let mut line = format!("    {{\"name\": \"{field}\", \"type\": ");
        match kind {
            FieldKind::Primitive => line.push_str(&quote(PRIMITIVES[rng.below(PRIMITIVES.len())].0)),
            FieldKind::OptionalPrimitive => {
                let _ = write!(
                    line,
                    "[\"null\", {}], \"default\": null",
                    quote(PRIMITIVES[rng.below(PRIMITIVES.len())].0)
                );
            }
            FieldKind::PrimitiveWithDefault => {
                let (ty, default) = PRIMITIVES[rng.below(PRIMITIVES.len())];
                let _ = write!(line, "{}, \"default\": {default}", quote(ty));
            }
            FieldKind::Logical => line.push_str(LOGICAL[rng.below(LOGICAL.len())]),
            FieldKind::OptionalLogical => {
                let _ = write!(
                    line,
                    "[\"null\", {}], \"default\": null",
                    LOGICAL[rng.below(LOGICAL.len())]
                );
            }
            FieldKind::NewEnum => {
                let enum_name = format!("{name}{}", pascal(&field));
                let symbols = symbols(rng, false);
                let _ = write!(
                    line,
                    "{{\"type\": \"enum\", \"name\": \"{enum_name}\", \"doc\": \"{}\", \"symbols\": [{}], \"default\": {}}}",
                    doc(rng, "Synthetic enum:"),
                    symbols.join(", "),
                    symbols[0]
                );
                enums.push(format!("{namespace}.{enum_name}"));
                summary.enums += 1;
            }
            FieldKind::EnumRef => line.push_str(&quote(&enums[rng.below(enums.len())])),
            FieldKind::ArrayOfPrimitive => {
                let item = PRIMITIVES[rng.below(PRIMITIVES.len())].0;
                let _ = write!(line, "{{\"type\": \"array\", \"items\": {}}}", quote(item));
            }
            FieldKind::MapOfPrimitive => {
                let value = PRIMITIVES[rng.below(PRIMITIVES.len())].0;
                let _ = write!(line, "{{\"type\": \"map\", \"values\": {}}}", quote(value));
            }
            FieldKind::RecordRef => {
                line.push_str(&quote(pick_record(rng, records)));
                summary.record_refs += 1;
            }
            FieldKind::OptionalRecordRef => {
                let _ = write!(
                    line,
                    "[\"null\", {}], \"default\": null",
                    quote(pick_record(rng, records))
                );
                summary.record_refs += 1;
            }
            FieldKind::ArrayOfRecord => {
                let _ = write!(
                    line,
                    "{{\"type\": \"array\", \"items\": {}}}",
                    quote(pick_record(rng, records))
                );
                summary.record_refs += 1;
            }
        }
        // About half the fields carry a doc, as in schemas maintained by hand.
        if rng.below(2) == 0 {
            let _ = write!(line, ", \"doc\": \"{}\"", doc(rng, "Synthetic field:"));
        }
        line.push('}');
        if position + 1 < field_count {
            line.push(',');
        }
        line.push('\n');
        json.push_str(&line);
        summary.fields += 1;
    }
    json.push_str("  ]\n}\n");
    RecordSchema {
        full_name: format!("{namespace}.{name}"),
        file_stem: format!("{}-{index:04}", noun.to_ascii_lowercase()),
        json,
    }
}

/// A field kind by weight, falling back to a primitive when the kind needs an earlier
/// record or enum and there is none yet.
fn pick_kind(rng: &mut XorShift, records: &[String], enums: &[String]) -> FieldKind {
    let total: u32 = KINDS.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.below(total as usize) as u32;
    let mut kind = FieldKind::Primitive;
    for &(candidate, weight) in KINDS {
        if roll < weight {
            kind = candidate;
            break;
        }
        roll -= weight;
    }
    match kind {
        FieldKind::EnumRef if enums.is_empty() => FieldKind::Primitive,
        FieldKind::RecordRef | FieldKind::OptionalRecordRef | FieldKind::ArrayOfRecord if records.is_empty() => {
            FieldKind::Primitive
        }
        kind => kind,
    }
}

/// Three to eight quoted enum symbols, starting with `UNKNOWN` when `unknown_first` (the
/// default of shared enums, as evolution-minded schemas have).
fn symbols(rng: &mut XorShift, unknown_first: bool) -> Vec<String> {
    let count = 3 + rng.below(6);
    let start = if unknown_first { 0 } else { rng.below(SYMBOLS.len()) };
    (0..count)
        .map(|k| quote(SYMBOLS[(start + k) % SYMBOLS.len()]))
        .collect()
}

/// An earlier record, biased towards recent ones so that reference chains (and so the
/// nesting depth of the Rust types) stay realistic rather than reaching back to record 0.
fn pick_record<'a>(rng: &mut XorShift, records: &'a [String]) -> &'a str {
    let window = records.len().min(50);
    &records[records.len() - 1 - rng.below(window)]
}

/// A field name unique within its record; one in five is camelCase, as in schemas that
/// come from Java producers, so that both generators have names to convert.
fn field_name(rng: &mut XorShift, used: &mut Vec<String>, position: usize) -> String {
    let first = FIELD_WORDS[rng.below(FIELD_WORDS.len())];
    let second = FIELD_WORDS[rng.below(FIELD_WORDS.len())];
    let mut name = if rng.below(5) == 0 {
        format!("{first}{}", pascal(second))
    } else if rng.below(2) == 0 {
        format!("{first}_{second}")
    } else {
        first.to_owned()
    };
    // `source_id` and `sourceId` are the same Rust field, so uniqueness is checked on
    // the name without case and underscores.
    let key = |name: &str| name.replace('_', "").to_ascii_lowercase();
    if used.contains(&key(&name)) {
        name = format!("{name}_{position}");
    }
    used.push(key(&name));
    name
}

/// A short doc sentence.
fn doc(rng: &mut XorShift, prefix: &str) -> String {
    let mut text = prefix.to_owned();
    for _ in 0..4 + rng.below(8) {
        text.push(' ');
        text.push_str(DOC_WORDS[rng.below(DOC_WORDS.len())]);
    }
    text.push('.');
    text
}

/// `word` (snake_case or camelCase) in PascalCase.
fn pascal(word: &str) -> String {
    word.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map_or_else(String::new, |c| c.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect()
}

/// `text` as a JSON string; the generator's words never need escaping.
fn quote(text: &str) -> String {
    format!("\"{text}\"")
}

/// xorshift64*: tiny, deterministic and good enough to vary the schemas; the bench needs
/// reproducible input, not statistical quality.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        // A zero state would stay zero forever.
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_schemas() {
        let dir = std::env::temp_dir().join(format!("avrokit-synthetic-{}", std::process::id()));
        let a = dir.join("a");
        let b = dir.join("b");
        let summary = write(&a, 40, 7).unwrap();
        write(&b, 40, 7).unwrap();
        assert_eq!(summary.records, 40);
        assert_eq!(summary.files, 42);
        assert!(summary.fields >= 40 * 16);
        for entry in std::fs::read_dir(&a).unwrap() {
            let path = entry.unwrap().path();
            let other = b.join(path.file_name().unwrap());
            assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(other).unwrap());
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn pascal_case() {
        assert_eq!(pascal("created_at"), "CreatedAt");
        assert_eq!(pascal("deviceId"), "DeviceId");
    }
}
