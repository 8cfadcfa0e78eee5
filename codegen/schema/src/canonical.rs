//! The Parsing Canonical Form of a schema and its Rabin (CRC-64-AVRO) fingerprint, as the
//! Avro specification defines them: what two schemas must share for data written with
//! one to be read with the other without resolution.

use crate::ir::{NamedKind, Schema, SchemaSet, TypeId};
use std::collections::HashSet;
use std::fmt::Write;

/// The Parsing Canonical Form of `schema`: full names, only the attributes that affect
/// parsing (in the specification's order), no whitespace, each named type defined at its
/// first occurrence and referred to by full name afterwards.
pub fn parsing_canonical_form(set: &SchemaSet, schema: &Schema) -> String {
    let mut out = String::new();
    write_schema(set, schema, &mut HashSet::new(), &mut out);
    out
}

/// The Parsing Canonical Form of one definition: like [`parsing_canonical_form`], but every
/// named type other than the root itself is written as a reference (its full name). Two
/// types with the same definition form have the same fields, symbols or size, and refer to
/// the same named types; checking each type's own definition checks a whole tree, one
/// level at a time, without writing the tree out for every type.
pub fn definition_canonical_form(set: &SchemaSet, schema: &Schema) -> String {
    let mut seen: HashSet<TypeId> = (0..set.types.len()).map(TypeId).collect();
    if let Schema::Named(id) = schema {
        seen.remove(id);
    }
    let mut out = String::new();
    write_schema(set, schema, &mut seen, &mut out);
    out
}

/// The 64-bit Rabin fingerprint (CRC-64-AVRO) of `bytes`.
pub const fn rabin_fingerprint(bytes: &[u8]) -> u64 {
    const EMPTY: u64 = 0xc15d_213a_a4d7_a795;
    const TABLE: [u64; 256] = {
        let mut table = [0u64; 256];
        let mut i = 0;
        while i < 256 {
            let mut fp = i as u64;
            let mut j = 0;
            while j < 8 {
                fp = (fp >> 1) ^ (EMPTY & (0u64.wrapping_sub(fp & 1)));
                j += 1;
            }
            table[i] = fp;
            i += 1;
        }
        table
    };
    let mut fp = EMPTY;
    let mut i = 0;
    while i < bytes.len() {
        fp = (fp >> 8) ^ TABLE[((fp ^ bytes[i] as u64) & 0xff) as usize];
        i += 1;
    }
    fp
}

fn write_json_string(text: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

fn write_schema(set: &SchemaSet, schema: &Schema, seen: &mut HashSet<TypeId>, out: &mut String) {
    match schema {
        Schema::Null => out.push_str("\"null\""),
        Schema::Boolean => out.push_str("\"boolean\""),
        Schema::Int => out.push_str("\"int\""),
        Schema::Long => out.push_str("\"long\""),
        Schema::Float => out.push_str("\"float\""),
        Schema::Double => out.push_str("\"double\""),
        Schema::Bytes => out.push_str("\"bytes\""),
        Schema::String => out.push_str("\"string\""),
        Schema::Logical(logical) => write_schema(set, &logical.base(), seen, out),
        Schema::Array(items) => {
            out.push_str("{\"type\":\"array\",\"items\":");
            write_schema(set, items, seen, out);
            out.push('}');
        }
        Schema::Map(values) => {
            out.push_str("{\"type\":\"map\",\"values\":");
            write_schema(set, values, seen, out);
            out.push('}');
        }
        Schema::Union(branches) => {
            out.push('[');
            for (i, branch) in branches.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_schema(set, branch, seen, out);
            }
            out.push(']');
        }
        Schema::Named(id) => {
            let named = set.get(*id);
            let full = named.name.to_string();
            if !seen.insert(*id) {
                write_json_string(&full, out);
                return;
            }
            out.push_str("{\"name\":");
            write_json_string(&full, out);
            match &named.kind {
                NamedKind::Record(record) => {
                    // An error is a record here, as Java's `SchemaNormalization` writes
                    // it: the forms (and fingerprints) must match the registry's.
                    out.push_str(",\"type\":\"record\"");
                    out.push_str(",\"fields\":[");
                    for (i, field) in record.fields.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str("{\"name\":");
                        write_json_string(&field.name, out);
                        out.push_str(",\"type\":");
                        write_schema(set, &field.schema, seen, out);
                        out.push('}');
                    }
                    out.push(']');
                }
                NamedKind::Enum(e) => {
                    out.push_str(",\"type\":\"enum\",\"symbols\":[");
                    for (i, symbol) in e.symbols.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        write_json_string(symbol, out);
                    }
                    out.push(']');
                }
                NamedKind::Fixed(fixed) => {
                    let _ = write!(out, ",\"type\":\"fixed\",\"size\":{}", fixed.size);
                }
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::{LoadOptions, load_files};

    #[test]
    fn canonical_form_strips_and_orders_attributes() {
        let text = r#"{"namespace": "x", "type": "record", "name": "R", "doc": "d", "fields": [
            {"name": "a", "type": {"type": "long", "logicalType": "timestamp-millis"}, "default": 0},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
            {"name": "e2", "type": "E"},
            {"name": "m", "type": {"type": "map", "values": {"type": "fixed", "name": "y.F", "size": 2}}}
        ]}"#;
        let set = load_files(vec![SourceFile::new("r.avsc", text)], &LoadOptions::default()).unwrap();
        assert_eq!(
            parsing_canonical_form(&set, &set.roots[0]),
            r#"{"name":"x.R","type":"record","fields":[{"name":"a","type":"long"},{"name":"e","type":{"name":"x.E","type":"enum","symbols":["A","B"]}},{"name":"e2","type":"x.E"},{"name":"m","type":{"type":"map","values":{"name":"y.F","type":"fixed","size":2}}}]}"#
        );
    }

    #[test]
    fn an_error_is_a_record_in_canonical_form_as_java_writes_it() {
        let text = r#"{"type": "error", "name": "Oops", "fields": [{"name": "why", "type": "string"}]}"#;
        let set = load_files(vec![SourceFile::new("e.avsc", text)], &LoadOptions::default()).unwrap();
        assert_eq!(
            parsing_canonical_form(&set, &set.roots[0]),
            r#"{"name":"Oops","type":"record","fields":[{"name":"why","type":"string"}]}"#
        );
    }

    #[test]
    fn rabin_fingerprint_of_nothing_is_the_empty_constant() {
        assert_eq!(rabin_fingerprint(b""), 0xc15d_213a_a4d7_a795);
        assert_ne!(rabin_fingerprint(b"\"int\""), rabin_fingerprint(b"\"long\""));
    }
}
