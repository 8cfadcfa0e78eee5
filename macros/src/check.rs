//! Compile-time agreement between a Rust type and an Avro schema.
//!
//! Structural types (primitives, logical types, arrays, maps, optionals) are checked
//! against the shape of the Rust type; named types and unions are checked by fingerprint:
//! the derive emits a constant assertion that the field's type carries the same schema
//! (its own derive computed its fingerprint), so a field of the wrong record type fails
//! to compile at that field.

use avrokit_codegen::canonical::{parsing_canonical_form, rabin_fingerprint};
use avrokit_codegen::ir::{FixedLogical, Logical, NamedKind, Schema, SchemaSet};
use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

/// A nested type whose schema must match by fingerprint.
pub struct NamedCheck {
    pub ty: Type,
    pub fingerprint: u64,
    pub expected: String,
}

/// The fingerprint of a schema's Parsing Canonical Form.
pub fn fingerprint(set: &SchemaSet, schema: &Schema) -> u64 {
    rabin_fingerprint(parsing_canonical_form(set, schema).as_bytes())
}

/// The last path segment of a type and its generic type arguments, if it is a path.
fn segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let args = match &last.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((last.ident.to_string(), args))
}

/// How the schema is spelled in Rust, for messages.
pub fn rust_spelling(set: &SchemaSet, schema: &Schema) -> String {
    match schema {
        Schema::Null => "()".into(),
        Schema::Boolean => "bool".into(),
        Schema::Int => "i32".into(),
        Schema::Long => "i64".into(),
        Schema::Float => "f32".into(),
        Schema::Double => "f64".into(),
        Schema::Bytes => "Vec<u8>".into(),
        Schema::String => "String".into(),
        Schema::Logical(logical) => logical_ident(*logical).replace("DateTime", "DateTime<Utc>"),
        Schema::Array(items) => format!("Vec<{}>", rust_spelling(set, items)),
        Schema::Map(values) => format!("BTreeMap<String, {}>", rust_spelling(set, values)),
        Schema::Union(_) => match schema.as_optional() {
            Some((inner, _)) => format!("Option<{}>", rust_spelling(set, inner)),
            None => "an enum deriving AvroMessage for this union".into(),
        },
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Fixed(f) if f.logical.is_some() => fixed_logical_ident(f.logical.expect("checked")).into(),
            _ => format!("a type deriving AvroMessage for `{}`", set.get(*id).name),
        },
    }
}

fn logical_ident(logical: Logical) -> &'static str {
    match logical {
        Logical::Decimal(_) => "Decimal",
        Logical::Uuid => "Uuid",
        Logical::Date => "NaiveDate",
        Logical::TimeMillis | Logical::TimeMicros => "NaiveTime",
        Logical::TimestampMillis | Logical::TimestampMicros | Logical::TimestampNanos => "DateTime",
        Logical::LocalTimestampMillis | Logical::LocalTimestampMicros | Logical::LocalTimestampNanos => "NaiveDateTime",
    }
}

fn fixed_logical_ident(logical: FixedLogical) -> &'static str {
    match logical {
        FixedLogical::Decimal(_) => "Decimal",
        FixedLogical::Uuid => "Uuid",
        FixedLogical::Duration => "Duration",
    }
}

/// Checks `ty` against `schema`, collecting the named types to check by fingerprint.
pub fn check(set: &SchemaSet, schema: &Schema, ty: &Type, label: &str, named: &mut Vec<NamedCheck>) -> syn::Result<()> {
    let mismatch = || {
        let found = ty
            .to_token_stream()
            .to_string()
            .replace(" < ", "<")
            .replace(" >", ">")
            .replace(" ,", ",");
        syn::Error::new_spanned(
            ty,
            format!(
                "{label}: the schema's `{}` is `{}` in Rust, found `{found}`",
                set.describe(schema),
                rust_spelling(set, schema)
            ),
        )
    };
    if let Type::Paren(inner) = ty {
        return check(set, schema, &inner.elem, label, named);
    }
    if let Type::Tuple(tuple) = ty {
        return if tuple.elems.is_empty() && *schema == Schema::Null {
            Ok(())
        } else {
            Err(mismatch())
        };
    }
    let Some((ident, args)) = segment(ty) else {
        return Err(mismatch());
    };
    let named_or_union = matches!(schema, Schema::Named(id) if !matches!(&set.get(*id).kind, NamedKind::Fixed(f) if f.logical.is_some()))
        || (matches!(schema, Schema::Union(_)) && schema.as_optional().is_none());
    if ident == "Box" && args.len() == 1 && named_or_union {
        return check(set, schema, args[0], label, named);
    }
    let plain = |expected: &str| {
        if ident == expected && args.is_empty() {
            Ok(())
        } else {
            Err(mismatch())
        }
    };
    match schema {
        Schema::Null => Err(mismatch()),
        Schema::Boolean => plain("bool"),
        Schema::Int => plain("i32"),
        Schema::Long => plain("i64"),
        Schema::Float => plain("f32"),
        Schema::Double => plain("f64"),
        Schema::String => plain("String"),
        Schema::Bytes => match (ident.as_str(), args.as_slice()) {
            ("Vec", [item]) if segment(item).is_some_and(|(i, a)| i == "u8" && a.is_empty()) => Ok(()),
            _ => Err(mismatch()),
        },
        Schema::Logical(logical) => {
            if ident == logical_ident(*logical) {
                Ok(())
            } else {
                Err(mismatch())
            }
        }
        Schema::Array(items) => match (ident.as_str(), args.as_slice()) {
            ("Vec", [item]) => check(set, items, item, label, named),
            _ => Err(mismatch()),
        },
        Schema::Map(values) => match (ident.as_str(), args.as_slice()) {
            ("BTreeMap" | "HashMap", [key, value]) if segment(key).is_some_and(|(k, _)| k == "String") => {
                check(set, values, value, label, named)
            }
            _ => Err(mismatch()),
        },
        Schema::Union(_) => match schema.as_optional() {
            Some((inner, _)) => match (ident.as_str(), args.as_slice()) {
                ("Option", [inner_ty]) => check(set, inner, inner_ty, label, named),
                _ => Err(mismatch()),
            },
            None => {
                named.push(NamedCheck {
                    ty: ty.clone(),
                    fingerprint: fingerprint(set, schema),
                    expected: set.describe(schema),
                });
                Ok(())
            }
        },
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Fixed(f) if f.logical.is_some() => {
                if ident == fixed_logical_ident(f.logical.expect("checked by the guard")) {
                    Ok(())
                } else {
                    Err(mismatch())
                }
            }
            _ => {
                named.push(NamedCheck {
                    ty: ty.clone(),
                    fingerprint: fingerprint(set, schema),
                    expected: set.get(*id).name.to_string(),
                });
                Ok(())
            }
        },
    }
}
