//! Compile-time agreement between a Rust type and an Avro schema.
//!
//! Structural types (primitives, logical types, arrays, maps, optionals) are checked
//! against the shape of the Rust type; named types and unions are checked by fingerprint:
//! the derive emits a constant assertion that the field's type carries the same schema
//! (its own derive computed its fingerprint), so a field of the wrong record type fails
//! to compile at that field.

use avrokit_schema::canonical::{definition_canonical_form, rabin_fingerprint};
use avrokit_schema::ir::{FixedLogical, Logical, NamedKind, Schema, SchemaSet};
use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

/// A nested type whose schema must match by fingerprint.
pub struct NamedCheck {
    pub ty: Type,
    pub fingerprint: u64,
    /// The compile error when the fingerprints differ: which field, and what the schema
    /// has there.
    pub message: String,
}

/// The fingerprint of a type's own definition (other named types as references): what
/// `AvroMessage::DEFINITION_FINGERPRINT` holds.
pub fn fingerprint(set: &SchemaSet, schema: &Schema) -> u64 {
    rabin_fingerprint(definition_canonical_form(set, schema).as_bytes())
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
            // The enum's name is the user's choice; `expectation` explains the `_`.
            None => "_".into(),
        },
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Fixed(f) if f.logical.is_some() => fixed_logical_ident(f.logical.expect("checked")).into(),
            // The name generated code would give it; any type deriving from it will do.
            _ => set.get(*id).name.name.clone(),
        },
    }
}

/// A named type or union with its kind, for messages: record `ui.Point`.
pub fn kind_and_name(set: &SchemaSet, schema: &Schema) -> String {
    let kind = match schema {
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Record(_) => "record ",
            NamedKind::Enum(_) => "enum ",
            NamedKind::Fixed(_) => "fixed ",
        },
        _ => "",
    };
    format!("{kind}`{}`", set.describe(schema))
}

/// What the schema is in Rust, as a phrase for messages: the type in backticks, or which
/// derived type it takes when the user names that type.
pub fn expectation(set: &SchemaSet, schema: &Schema) -> String {
    let deriving = match schema {
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Record(_) => Some("a struct"),
            NamedKind::Enum(_) => Some("an enum"),
            NamedKind::Fixed(f) if f.logical.is_none() => Some("a newtype over `[u8; N]`"),
            NamedKind::Fixed(_) => None,
        },
        Schema::Union(_) if schema.as_optional().is_none() => Some("an enum (one variant per branch)"),
        _ => None,
    };
    let spelled = rust_spelling(set, schema);
    match deriving {
        Some(kind) => format!("{kind} deriving AvroMessage from `{}`", set.describe(schema)),
        None if holds_union_enum(schema) => {
            format!("`{spelled}` (`_`: an enum deriving AvroMessage from the union)")
        }
        None => format!("`{spelled}`"),
    }
}

/// Whether `rust_spelling` writes `_` for a union enum inside this schema.
fn holds_union_enum(schema: &Schema) -> bool {
    match schema {
        Schema::Array(inner) | Schema::Map(inner) => holds_union_enum(inner),
        Schema::Union(_) => schema.as_optional().is_none_or(|(inner, _)| holds_union_enum(inner)),
        _ => false,
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

/// Rust's primitive types, and the std containers (recognised by their generic
/// arguments), which never derive AvroMessage: where the schema has a named type or a
/// union they are certainly wrong, and saying so beats the trait error they would cause.
/// `String` and argument-less container names are left out: a schema may define a type
/// the generator names `String` or `Vec` (the tricky corpus does).
const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    "f32", "f64",
];
const CONTAINERS: &[&str] = &[
    "Vec", "VecDeque", "Option", "HashMap", "BTreeMap", "HashSet", "BTreeSet",
];

/// Checks `ty` against `schema`, collecting the named types to check by fingerprint.
///
/// The error names the whole field (schema and Rust type) and points at the innermost
/// part of the type that disagrees: `String` in `Vec<String>` for `array<int>`.
pub fn check(set: &SchemaSet, schema: &Schema, ty: &Type, label: &str, named: &mut Vec<NamedCheck>) -> syn::Result<()> {
    conforms(set, schema, ty, label, named).map_err(|offending| {
        let found = spelled(ty);
        let hint = match (segment(ty), schema.as_optional()) {
            (Some((ident, _)), None) if ident == "Option" => {
                "; it is not optional (only a union of `null` and one type is an `Option`)"
            }
            _ => "",
        };
        // The other types the runtime reads these values into.
        let also = match schema {
            Schema::String => " (or `Box<str>`, `Arc<str>`)",
            Schema::Bytes => " (or `bytes::Bytes`)",
            _ => "",
        };
        syn::Error::new_spanned(
            offending,
            format!(
                "{label}: the schema has {}, which is {}{also} in Rust; found `{found}`{hint}",
                kind_and_name(set, schema),
                expectation(set, schema)
            ),
        )
    })
}

/// A type as written, without the token stream's spaces.
fn spelled(ty: &Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(" ;", ";")
        .replace("[ ", "[")
        .replace(" ]", "]")
}

/// Whether `ty` holds `schema`; on disagreement, the part of `ty` that disagrees.
fn conforms<'t>(
    set: &SchemaSet,
    schema: &Schema,
    ty: &'t Type,
    label: &str,
    named: &mut Vec<NamedCheck>,
) -> Result<(), &'t Type> {
    if let Type::Paren(inner) = ty {
        return conforms(set, schema, &inner.elem, label, named);
    }
    if let Type::Tuple(tuple) = ty {
        return if tuple.elems.is_empty() && *schema == Schema::Null {
            Ok(())
        } else {
            Err(ty)
        };
    }
    let Some((ident, args)) = segment(ty) else {
        return Err(ty);
    };
    let named_or_union = matches!(schema, Schema::Named(id) if !matches!(&set.get(*id).kind, NamedKind::Fixed(f) if f.logical.is_some()))
        || (matches!(schema, Schema::Union(_)) && schema.as_optional().is_none());
    if ident == "Box" && args.len() == 1 && named_or_union {
        return conforms(set, schema, args[0], label, named);
    }
    let never_derived =
        PRIMITIVES.contains(&ident.as_str()) || (!args.is_empty() && CONTAINERS.contains(&ident.as_str()));
    if named_or_union && never_derived {
        return Err(ty);
    }
    let plain = |expected: &str| {
        if ident == expected && args.is_empty() {
            Ok(())
        } else {
            Err(ty)
        }
    };
    let by_fingerprint = |named: &mut Vec<NamedCheck>| {
        named.push(NamedCheck {
            ty: ty.clone(),
            fingerprint: fingerprint(set, schema),
            message: format!(
                "{label}: the schema has {} here, so this type must derive AvroMessage from it; \
                 it derives from a different schema (the fingerprints differ)",
                kind_and_name(set, schema)
            ),
        });
        Ok(())
    };
    match schema {
        Schema::Null => Err(ty),
        Schema::Boolean => plain("bool"),
        Schema::Int => plain("i32"),
        Schema::Long => plain("i64"),
        Schema::Float => plain("f32"),
        Schema::Double => plain("f64"),
        // The string and bytes types the runtime's `StrRepr` and `BytesRepr` read.
        Schema::String => match (ident.as_str(), args.as_slice()) {
            ("String", []) => Ok(()),
            ("Box" | "Arc", [inner]) if segment(inner).is_some_and(|(i, a)| i == "str" && a.is_empty()) => Ok(()),
            _ => Err(ty),
        },
        Schema::Bytes => match (ident.as_str(), args.as_slice()) {
            ("Vec", [item]) if segment(item).is_some_and(|(i, a)| i == "u8" && a.is_empty()) => Ok(()),
            ("Bytes", []) => Ok(()),
            _ => Err(ty),
        },
        Schema::Logical(logical) => {
            if ident == logical_ident(*logical) {
                Ok(())
            } else {
                Err(ty)
            }
        }
        Schema::Array(items) => match (ident.as_str(), args.as_slice()) {
            ("Vec", [item]) => conforms(set, items, item, label, named),
            _ => Err(ty),
        },
        Schema::Map(values) => match (ident.as_str(), args.as_slice()) {
            ("BTreeMap" | "HashMap", [key, value]) if segment(key).is_some_and(|(k, _)| k == "String") => {
                conforms(set, values, value, label, named)
            }
            _ => Err(ty),
        },
        Schema::Union(_) => match schema.as_optional() {
            Some((inner, _)) => match (ident.as_str(), args.as_slice()) {
                ("Option", [inner_ty]) => conforms(set, inner, inner_ty, label, named),
                _ => Err(ty),
            },
            None => by_fingerprint(named),
        },
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Fixed(f) if f.logical.is_some() => {
                if ident == fixed_logical_ident(f.logical.expect("checked by the guard")) {
                    Ok(())
                } else {
                    Err(ty)
                }
            }
            _ => by_fingerprint(named),
        },
    }
}
