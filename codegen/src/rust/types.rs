//! Avro schemas → Rust type expressions, relative to the module being emitted.

use super::graph::{Analysis, Node};
use super::idents::ident;
use super::plan::{Plan, Segment, Site};
use crate::ir::{FixedLogical, Logical, NamedKind, Schema, TypeId};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::HashSet;

/// Prelude names that generated code uses, with their full paths for modules where a
/// generated type (an Avro record named `String`, a fixed named `Some`) shadows them.
const PRELUDE: &[(&str, &str)] = &[
    ("String", "::std::string::String"),
    ("Vec", "::std::vec::Vec"),
    ("Option", "::std::option::Option"),
    ("Box", "::std::boxed::Box"),
    ("Some", "::std::option::Option::Some"),
    ("None", "::std::option::Option::None"),
];

/// What type expressions need: the plan, the graph facts and the module they appear in.
pub(super) struct TypeCx<'p> {
    pub plan: &'p Plan<'p>,
    pub analysis: &'p Analysis,
    pub module: Vec<String>,
    shadowed: HashSet<&'static str>,
}

impl<'p> TypeCx<'p> {
    pub fn new(plan: &'p Plan<'p>, analysis: &'p Analysis, module: Vec<String>) -> Self {
        let local: HashSet<&str> = plan
            .types
            .iter()
            .filter(|t| t.module == module)
            .map(|t| t.ident.as_str())
            .chain(
                plan.unions
                    .iter()
                    .filter(|u| u.module == module)
                    .map(|u| u.ident.as_str()),
            )
            .collect();
        let shadowed = PRELUDE
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| local.contains(name))
            .collect();
        Self {
            plan,
            analysis,
            module,
            shadowed,
        }
    }

    /// A prelude name, spelled in full where the module shadows it.
    pub fn prelude(&self, name: &'static str) -> TokenStream {
        if self.shadowed.contains(name) {
            let path = PRELUDE.iter().find(|(n, _)| *n == name).map_or(name, |(_, p)| p);
            path.parse().expect("prelude paths are valid Rust")
        } else {
            let id = ident(name);
            quote!(#id)
        }
    }

    /// The path from this module to `ident` in `module`: `Name`, `super::x::Name`, ...
    pub fn path(&self, module: &[String], name: &str) -> TokenStream {
        let common = self.module.iter().zip(module).take_while(|(a, b)| a == b).count();
        let supers = (common..self.module.len()).map(|_| quote!(super::));
        let downs = module[common..].iter().map(|m| {
            let m = ident(m);
            quote!(#m::)
        });
        let name = ident(name);
        quote!(#(#supers)* #(#downs)* #name)
    }

    /// The Rust type of a record field or union branch at `site`; `boxed` when the slot
    /// breaks a cycle.
    pub fn slot_type(&self, schema: &Schema, site: &Site, boxed: bool) -> TokenStream {
        self.type_at(schema, site, boxed, false)
    }

    /// [`slot_type`](Self::slot_type) with the configured user types in place of named
    /// types and custom logical types (through optionals, arrays and map values, where
    /// `AvroAdapter` reaches): the type a record field holds.
    pub fn adapted_type(&self, schema: &Schema, site: &Site, boxed: bool) -> TokenStream {
        self.type_at(schema, site, boxed, true)
    }

    fn type_at(&self, schema: &Schema, site: &Site, boxed: bool, adapted: bool) -> TokenStream {
        let config = &self.plan.config;
        if adapted
            && !matches!(schema, Schema::Union(_) | Schema::Array(_) | Schema::Map(_))
            && let Some(user) = config.logical(site)
        {
            return user.clone();
        }
        match schema {
            Schema::Null => quote!(()),
            Schema::Boolean => quote!(bool),
            Schema::Int => quote!(i32),
            Schema::Long => quote!(i64),
            Schema::Float => quote!(f32),
            Schema::Double => quote!(f64),
            Schema::Bytes => config.bytes().unwrap_or_else(|| {
                let vec = self.prelude("Vec");
                quote!(#vec<u8>)
            }),
            Schema::String => config.string(self.prelude("String"), self.prelude("Box")),
            Schema::Logical(logical) => logical_type(*logical),
            Schema::Array(items) => {
                let vec = self.prelude("Vec");
                let item = self.type_at(items, &child(site, Segment::Item), false, adapted);
                quote!(#vec<#item>)
            }
            Schema::Map(values) => {
                let string = self.prelude("String");
                let value = self.type_at(values, &child(site, Segment::Value), false, adapted);
                quote!(::std::collections::BTreeMap<#string, #value>)
            }
            Schema::Union(_) => match schema.as_optional() {
                Some((inner, _)) => {
                    let option = self.prelude("Option");
                    let inner = self.type_at(inner, site, boxed, adapted);
                    quote!(#option<#inner>)
                }
                None => {
                    let union = &self.plan.unions[self.plan.union_at[site]];
                    self.boxed(self.path(&union.module, &union.ident), boxed)
                }
            },
            Schema::Named(id) if adapted && config.named(*id).is_some() => {
                config.named(*id).cloned().expect("checked by the guard")
            }
            Schema::Named(id) => {
                let named = self.plan.set.get(*id);
                let plan = &self.plan.types[id.0];
                match &named.kind {
                    NamedKind::Fixed(fixed) if fixed.logical.is_some() => {
                        fixed_logical_type(fixed.logical.expect("checked by the guard"))
                    }
                    NamedKind::Record(_) => self.boxed(self.path(&plan.module, &plan.ident), boxed),
                    _ => self.path(&plan.module, &plan.ident),
                }
            }
        }
    }

    /// Whether a field of record `id` holds a configured user type.
    pub fn is_adapted(&self, id: TypeId) -> bool {
        let NamedKind::Record(record) = &self.plan.set.get(id).kind else {
            return false;
        };
        record.fields.iter().enumerate().any(|(i, field)| {
            let site = (id, i, Vec::new());
            self.plan.config.field(id, i).is_some()
                || self.adapted_type(&field.schema, &site, false).to_string()
                    != self.slot_type(&field.schema, &site, false).to_string()
        })
    }

    fn boxed(&self, ty: TokenStream, boxed: bool) -> TokenStream {
        if boxed {
            let b = self.prelude("Box");
            quote!(#b<#ty>)
        } else {
            ty
        }
    }

    /// Whether the node can derive `Eq` and `Hash`.
    pub fn is_eq(&self, node: Node) -> bool {
        !self.analysis.has_float.contains(&node)
    }
}

/// The site one step further down.
pub(super) fn child(site: &Site, segment: Segment) -> Site {
    let mut path = site.2.clone();
    path.push(segment);
    (site.0, site.1, path)
}

/// The Rust type of a logical type over a primitive.
pub(super) fn logical_type(logical: Logical) -> TokenStream {
    match logical {
        Logical::Decimal(_) => quote!(::avrokit::rust_decimal::Decimal),
        Logical::Uuid => quote!(::avrokit::uuid::Uuid),
        Logical::Date => quote!(::avrokit::chrono::NaiveDate),
        Logical::TimeMillis | Logical::TimeMicros => quote!(::avrokit::chrono::NaiveTime),
        Logical::TimestampMillis | Logical::TimestampMicros | Logical::TimestampNanos => {
            quote!(::avrokit::chrono::DateTime<::avrokit::chrono::Utc>)
        }
        Logical::LocalTimestampMillis | Logical::LocalTimestampMicros | Logical::LocalTimestampNanos => {
            quote!(::avrokit::chrono::NaiveDateTime)
        }
    }
}

/// The Rust type of a logical type over a fixed.
pub(super) fn fixed_logical_type(logical: FixedLogical) -> TokenStream {
    match logical {
        FixedLogical::Decimal(_) => quote!(::avrokit::rust_decimal::Decimal),
        FixedLogical::Uuid => quote!(::avrokit::uuid::Uuid),
        FixedLogical::Duration => quote!(::avrokit::Duration),
    }
}
