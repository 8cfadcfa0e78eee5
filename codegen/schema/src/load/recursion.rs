//! Recursive types are fine as long as a value can end: `["null", "Node"]` or an array of
//! `Node` lets a tree stop growing. A record whose every path leads back into itself (or
//! into an empty union, which has no value at all) can never be written. Java's parser
//! accepts such a schema, and its own compatibility tests use one (`List` with a `tail`
//! of type `List`), so the loader only warns; no value of it exists, so code generation
//! refuses it.

use crate::diagnostic::Diagnostic;
use crate::ir::{NamedKind, Schema, SchemaSet};

/// Every record that has no finite value, located at the field that closes the cycle.
pub(super) fn unending_records(set: &SchemaSet) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
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
            Some(field) if matches!(&field.schema, Schema::Union(branches) if branches.is_empty()) => Diagnostic::at(
                set.file(field.origin),
                field.origin.span,
                format!(
                    "record `{}` can never end: field `{}` is an empty union, which holds no value",
                    named.name, field.name
                ),
            )
            .with_hint(format!(
                r#"give `{}` a branch (e.g. ["null"] with "default": null), or remove the field"#,
                field.name
            )),
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
    diagnostics
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
