//! The Rust names of Avro fields, enum symbols and union branches. The generator and the
//! derive macro both call these, so a generated type and the codec derived for it always
//! agree on names.

use super::idents::{dedupe, snake_name, type_name};
use crate::ir::{EnumType, Logical, Record, Schema, SchemaSet};

/// The Rust field identifiers of a record's fields, in order (`sourceId` → `source_id`,
/// `type` → `r#type`; collisions numbered).
pub fn field_idents(record: &Record) -> Vec<String> {
    let mut fields: Vec<String> = record.fields.iter().map(|f| snake_name(&f.name)).collect();
    dedupe(&mut fields, true);
    fields
}

/// The Rust variant identifiers of an enum's symbols, in order (`node_to_hub` →
/// `NodeToHub`; collisions numbered).
pub fn enum_variant_idents(e: &EnumType) -> Vec<String> {
    let mut variants: Vec<String> = e.symbols.iter().map(|s| type_name(s)).collect();
    dedupe(&mut variants, false);
    variants
}

/// The Rust variant identifiers of a union's branches: the branch's type (`Null`, `Long`,
/// `Array`, `TimestampMillis`) or, for named types, its name; full names where short
/// names clash.
pub fn union_variant_idents(set: &SchemaSet, branches: &[Schema]) -> Vec<String> {
    let short = |schema: &Schema| -> String {
        match schema {
            Schema::Named(id) => type_name(&set.get(*id).name.name),
            Schema::Logical(Logical::Decimal(_)) => "Decimal".into(),
            Schema::Logical(logical) => type_name(logical.name()),
            other => type_name(set.describe(other).split(['<', ' ']).next().unwrap_or("Value")),
        }
    };
    let mut names: Vec<String> = branches.iter().map(short).collect();
    for i in 0..names.len() {
        let clashes = names.iter().filter(|n| **n == names[i]).count() > 1;
        if let (true, Schema::Named(id)) = (clashes, &branches[i]) {
            names[i] = type_name(&set.get(*id).name.to_string().replace('.', "_"));
        }
    }
    dedupe(&mut names, false);
    names
}
