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
        // Point at the field that closes the cycle: that is where the fix goes.
        let culprit = record.fields.iter().find(|f| !schema_is_finite(&f.schema, &finite));
        let diagnostic = match culprit {
            Some(field) => Diagnostic::at(
                set.file(field.origin),
                field.origin.span,
                format!(
                    "record `{}` can never end: field `{}` always holds another record of the cycle",
                    named.name, field.name
                ),
            )
            .with_hint(format!(
                r#"make `{}` optional (["null", {}] with "default": null), or an array or map"#,
                field.name,
                optional_branch(set, &field.schema)
            )),
            None => Diagnostic::at(
                set.file(named.origin),
                named.origin.span,
                format!("record `{}` can never end", named.name),
            )
            .with_hint(r#"make a recursive field optional (["null", "..."] with "default": null), or an array or map"#),
        };
        diagnostics.push(diagnostic);
    }
}

/// How the culprit's type would be written as the second branch of an optional union.
fn optional_branch(set: &SchemaSet, schema: &Schema) -> String {
    match schema {
        Schema::Named(id) => format!("\"{}\"", set.get(*id).name),
        _ => "...".to_owned(),
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
            if let NamedKind::Record(record) = &named.kind
                && !finite[id.0]
                && record.fields.iter().all(|f| schema_is_finite(&f.schema, &finite))
            {
                finite[id.0] = true;
                changed = true;
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
