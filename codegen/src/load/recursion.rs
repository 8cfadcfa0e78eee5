//! Recursive types are fine as long as a value can end: `["null", "Node"]` or an array of
//! `Node` lets a tree stop growing. A record whose every path leads back into itself can
//! never be written (and would be an infinitely large Rust type), so it is an error.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{NamedKind, Schema, SchemaSet};

/// Reports every record that has no finite value.
pub(super) fn check(set: &SchemaSet, diagnostics: &mut Diagnostics) {
    let finite = finite_types(set);
    for (id, named) in set.iter() {
        let NamedKind::Record(record) = &named.kind else {
            continue;
        };
        if finite[id.0] {
            continue;
        }
        let culprit = record
            .fields
            .iter()
            .find(|f| !schema_is_finite(&f.schema, &finite))
            .map_or_else(String::new, |f| {
                format!(": field `{}` always holds another record of the cycle", f.name)
            });
        diagnostics.push(
            Diagnostic::at(
                set.file(named.origin),
                named.origin.span,
                format!("record `{}` can never end{culprit}", named.name),
            )
            .with_hint("make the recursive field optional ([\"null\", \"...\"] with default null) or an array or map"),
        );
    }
}

/// Which named types have at least one finite value: the least fixed point, starting
/// from "no record is finite".
fn finite_types(set: &SchemaSet) -> Vec<bool> {
    let mut finite: Vec<bool> = set
        .types
        .iter()
        .map(|t| !matches!(t.kind, NamedKind::Record(_)))
        .collect();
    loop {
        let mut changed = false;
        for (id, named) in set.iter() {
            if let NamedKind::Record(record) = &named.kind {
                if !finite[id.0] && record.fields.iter().all(|f| schema_is_finite(&f.schema, &finite)) {
                    finite[id.0] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return finite;
        }
    }
}

fn schema_is_finite(schema: &Schema, finite: &[bool]) -> bool {
    match schema {
        Schema::Named(id) => finite[id.0],
        Schema::Union(branches) => branches.iter().any(|b| schema_is_finite(b, finite)),
        // An empty array or map ends the recursion.
        _ => true,
    }
}
