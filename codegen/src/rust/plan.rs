//! The naming plan: the Rust module, identifier, field and variant names of every named
//! type, and one generated enum for every union that is not just "optional".
//!
//! A union gets its name from where it is used: field `shape` of record `Event` holds
//! `EventShape`; a union inside that field's array items is `EventShapeItem`, inside map
//! values `...Value`, inside another union's branch `...<Variant>`. Names are checked for
//! collisions per module, so two Avro names that differ only in case are reported instead
//! of silently overwriting each other.

use super::idents::{snake_name, type_name};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{NamedKind, Schema, SchemaSet, TypeId};
use avrokit_schema::rust_names;
use heck::ToUpperCamelCase;
use std::collections::{BTreeMap, HashMap};

/// One step from a field's type down to a nested union.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Segment {
    /// Into an array's items.
    Item,
    /// Into a map's values.
    Value,
    /// Into a union's branch.
    Branch(usize),
}

/// Where a union is used: the record, the field, and the path inside the field's type.
pub(super) type Site = (TypeId, usize, Vec<Segment>);

/// Names of one named type.
#[derive(Debug, Clone)]
pub(super) struct TypePlan {
    /// Module path (snake-case namespace components).
    pub module: Vec<String>,
    /// The Rust identifier.
    pub ident: String,
    /// Record field identifiers, parallel to the fields.
    pub fields: Vec<String>,
    /// Enum variant identifiers, parallel to the symbols.
    pub variants: Vec<String>,
}

/// A generated enum for a union.
#[derive(Debug, Clone)]
pub(super) struct UnionPlan {
    /// Where it is used.
    pub site: Site,
    /// Module path (the owning record's).
    pub module: Vec<String>,
    /// The Rust identifier.
    pub ident: String,
    /// The branches.
    pub branches: Vec<Schema>,
    /// Variant identifiers, parallel to the branches.
    pub variants: Vec<String>,
}

/// Every name the emitters need.
pub(super) struct Plan<'a> {
    pub set: &'a SchemaSet,
    pub types: Vec<TypePlan>,
    pub unions: Vec<UnionPlan>,
    pub union_at: HashMap<Site, usize>,
    /// The configuration, resolved against these schemas.
    pub config: super::config::Resolved,
}

impl<'a> Plan<'a> {
    pub fn new(set: &'a SchemaSet) -> Result<Self, Diagnostics> {
        let mut diagnostics = Diagnostics::default();
        let types: Vec<TypePlan> = set.types.iter().map(type_plan).collect();

        // Type names per module, for collision checks.
        let mut taken: BTreeMap<(Vec<String>, String), TypeId> = BTreeMap::new();
        for (id, named) in set.iter() {
            let plan = &types[id.0];
            let key = (plan.module.clone(), plan.ident.clone());
            if let Some(first) = taken.get(&key) {
                let first = set.get(*first);
                diagnostics.push(
                    Diagnostic::at(
                        set.file(named.origin),
                        named.origin.span,
                        format!(
                            "`{}` and `{}` both become the Rust type `{}`",
                            first.name,
                            named.name,
                            rust_path(&plan.module, &plan.ident)
                        ),
                    )
                    .with_hint("rename one of them (an alias keeps old data readable)"),
                );
            } else {
                taken.insert(key, id);
            }
        }

        let mut plan = Plan {
            set,
            types,
            unions: Vec::new(),
            union_at: HashMap::new(),
            config: super::config::Resolved::default(),
        };
        for (id, named) in set.iter() {
            if let NamedKind::Record(record) = &named.kind {
                for (index, field) in record.fields.iter().enumerate() {
                    let prefix = format!("{}{}", plan.types[id.0].ident, field.name.to_upper_camel_case());
                    plan.discover(&field.schema, (id, index, Vec::new()), &prefix, &mut taken);
                }
            }
        }
        diagnostics.into_result(plan)
    }

    fn discover(
        &mut self,
        schema: &Schema,
        site: Site,
        name: &str,
        taken: &mut BTreeMap<(Vec<String>, String), TypeId>,
    ) {
        let child = |segment: Segment| {
            let mut path = site.2.clone();
            path.push(segment);
            (site.0, site.1, path)
        };
        match schema {
            Schema::Array(items) => self.discover(items, child(Segment::Item), &format!("{name}Item"), taken),
            Schema::Map(values) => self.discover(values, child(Segment::Value), &format!("{name}Value"), taken),
            Schema::Union(_) if schema.as_optional().is_some() => {
                let (inner, _) = schema.as_optional().expect("checked by the guard");
                self.discover(inner, site, name, taken);
            }
            Schema::Union(branches) => {
                let module = self.types[site.0.0].module.clone();
                let mut ident = name.to_owned();
                let mut n = 1;
                while taken.contains_key(&(module.clone(), ident.clone())) {
                    ident = if n == 1 {
                        format!("{name}Union")
                    } else {
                        format!("{name}Union{n}")
                    };
                    n += 1;
                }
                // Unions are not named types; the owner's id marks the name as taken.
                taken.insert((module.clone(), ident.clone()), site.0);
                let variants = rust_names::union_variant_idents(self.set, branches);
                self.union_at.insert(site.clone(), self.unions.len());
                self.unions.push(UnionPlan {
                    site: site.clone(),
                    module,
                    ident: ident.clone(),
                    branches: branches.clone(),
                    variants: variants.clone(),
                });
                for (i, branch) in branches.iter().enumerate() {
                    let branch_name = format!("{ident}{}", variants[i].trim_start_matches("r#"));
                    self.discover(branch, child(Segment::Branch(i)), &branch_name, taken);
                }
            }
            _ => {}
        }
    }
}

fn type_plan(named: &crate::ir::NamedType) -> TypePlan {
    let module = named.name.namespace_parts().into_iter().map(snake_name).collect();
    let ident = type_name(&named.name.name);
    let (fields, variants) = match &named.kind {
        NamedKind::Record(record) => (rust_names::field_idents(record), Vec::new()),
        NamedKind::Enum(e) => (Vec::new(), rust_names::enum_variant_idents(e)),
        NamedKind::Fixed(_) => (Vec::new(), Vec::new()),
    };
    TypePlan {
        module,
        ident,
        fields,
        variants,
    }
}

/// `a::b::Name` for messages.
pub(super) fn rust_path(module: &[String], ident: &str) -> String {
    module
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(ident))
        .collect::<Vec<_>>()
        .join("::")
}
