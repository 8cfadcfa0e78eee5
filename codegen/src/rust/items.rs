//! The Rust items: a struct per record, an enum per Avro enum and per union, a newtype per
//! fixed (a type alias when a logical type gives the fixed a richer Rust type).

use super::graph::Node;
use super::idents::ident;
use super::plan::Segment;
use super::types::{TypeCx, child};
use crate::diagnostic::Diagnostic;
use crate::ir::{NamedKind, NamedType, Record, Schema, TypeId};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// How items are decorated.
pub(super) struct Style<'a> {
    /// The cargo feature that turns on serde derives, if any.
    pub serde_feature: Option<&'a str>,
    /// Where the derive finds the schemas, when codecs are derived.
    pub derive_schema_dir: Option<&'a str>,
}

impl Style<'_> {
    /// `AvroMessage` in a derive list, when codecs are derived.
    fn codec_derive(&self) -> TokenStream {
        match self.derive_schema_dir {
            Some(_) => quote!(::avrokit::AvroMessage,),
            None => TokenStream::new(),
        }
    }

    /// The `#[avro(...)]` attribute telling the derive which schema a named type has.
    fn codec_named(&self, full_name: &str) -> TokenStream {
        match self.derive_schema_dir {
            Some(dir) => quote!(#[avro(schema_dir = #dir, name = #full_name)]),
            None => TokenStream::new(),
        }
    }

    /// `#[avro(repr = "...")]`: the natural type an adapted field stands for.
    fn codec_repr(&self, natural: &TokenStream) -> TokenStream {
        match self.derive_schema_dir {
            Some(_) => {
                let natural = spelled(natural);
                quote!(#[avro(repr = #natural)])
            }
            None => TokenStream::new(),
        }
    }

    /// The `#[avro(...)]` attribute giving a union enum its schema.
    fn codec_union(&self, union_json: &str) -> TokenStream {
        match self.derive_schema_dir {
            Some(dir) => quote!(#[avro(schema_dir = #dir, schema_json = #union_json)]),
            None => TokenStream::new(),
        }
    }

    fn serde_derive(&self) -> TokenStream {
        match self.serde_feature {
            Some(feature) => quote!(#[cfg_attr(feature = #feature, derive(::serde::Serialize, ::serde::Deserialize))]),
            None => TokenStream::new(),
        }
    }

    fn serde(&self, args: TokenStream) -> TokenStream {
        match self.serde_feature {
            Some(feature) => quote!(#[cfg_attr(feature = #feature, serde(#args))]),
            None => TokenStream::new(),
        }
    }

    /// `serde(rename = "wire")` when the Rust name differs from the Avro name.
    fn rename(&self, rust: &str, avro: &str) -> TokenStream {
        if rust.trim_start_matches("r#") == avro {
            TokenStream::new()
        } else {
            self.serde(quote!(rename = #avro))
        }
    }
}

/// What records and unions derive (the last two when they can be `Eq`).
const EQ_DERIVES: &[&str] = &["Debug", "Clone", "PartialEq", "Eq", "Hash"];

/// What enums and fixed newtypes derive.
const ORD_DERIVES: &[&str] = &["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash", "PartialOrd", "Ord"];

/// A type as a person writes it (`Vec<i64>`, not the token stream's `Vec < i64 >`).
fn spelled(ty: &TokenStream) -> String {
    ty.to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}

/// `#[doc]` attributes: the Avro doc (if any), then a line naming the Avro type.
fn docs(doc: Option<&str>, avro_line: Option<String>) -> TokenStream {
    let mut lines: Vec<String> = doc
        .map(|d| d.lines().map(|l| format!(" {}", l.trim_end())).collect())
        .unwrap_or_default();
    if let Some(line) = avro_line {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(" {line}"));
    }
    quote!(#(#[doc = #lines])*)
}

/// The item(s) for one named type.
pub(super) fn named_item(cx: &TypeCx<'_>, style: &Style<'_>, id: TypeId) -> Result<TokenStream, Diagnostic> {
    let named = cx.plan.set.get(id);
    let plan = &cx.plan.types[id.0];
    let name = ident(&plan.ident);
    match &named.kind {
        NamedKind::Record(record) => record_item(cx, style, id, named, record),
        NamedKind::Enum(e) => {
            let doc = docs(named.doc.as_deref(), Some(format!("Avro enum `{}`.", named.name)));
            let variants = e.symbols.iter().zip(&plan.variants).map(|(symbol, variant)| {
                let rename = style.rename(variant, symbol);
                let default = (e.default.as_deref() == Some(symbol)).then(|| quote!(#[default]));
                let doc = format!(" Avro symbol `{symbol}`.");
                let variant = ident(variant);
                quote!(#[doc = #doc] #default #rename #variant)
            });
            let default_derive = e.default.as_ref().map(|_| quote!(Default,));
            let serde = style.serde_derive();
            let codec = style.codec_derive();
            let codec_attr = style.codec_named(&named.name.to_string());
            let present = if e.default.is_some() {
                [ORD_DERIVES, &["Default"]].concat()
            } else {
                ORD_DERIVES.to_vec()
            };
            let extra = cx.plan.config.derives(Some(id), &present);
            let attributes = cx.plan.config.attributes(Some(id));
            Ok(quote! {
                #doc
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, #default_derive #extra #codec)]
                #serde
                #codec_attr
                #attributes
                pub enum #name { #(#variants),* }
            })
        }
        NamedKind::Fixed(fixed) => match fixed.logical {
            Some(logical) => {
                let ty = super::types::fixed_logical_type(logical);
                let doc = docs(
                    named.doc.as_deref(),
                    Some(format!(
                        "Avro fixed `{}` ({} bytes), holding a logical type.",
                        named.name, fixed.size
                    )),
                );
                Ok(quote!(#doc pub type #name = #ty;))
            }
            None => {
                let doc = docs(
                    named.doc.as_deref(),
                    Some(format!("Avro fixed `{}` of {} bytes.", named.name, fixed.size)),
                );
                let size = Literal::usize_unsuffixed(fixed.size);
                let serde = style.serde_derive();
                let with = style.serde(quote!(with = "::avrokit::fixed_bytes"));
                let codec = style.codec_derive();
                let codec_attr = style.codec_named(&named.name.to_string());
                let extra = cx.plan.config.derives(Some(id), ORD_DERIVES);
                let attributes = cx.plan.config.attributes(Some(id));
                Ok(quote! {
                    #doc
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, #extra #codec)]
                    #serde
                    #codec_attr
                    #attributes
                    pub struct #name(#with pub [u8; #size]);
                })
            }
        },
    }
}

fn record_item(
    cx: &TypeCx<'_>,
    style: &Style<'_>,
    id: TypeId,
    named: &NamedType,
    record: &Record,
) -> Result<TokenStream, Diagnostic> {
    let plan = &cx.plan.types[id.0];
    let name = ident(&plan.ident);
    let kind = if record.is_error { "error" } else { "record" };
    let doc = docs(named.doc.as_deref(), Some(format!("Avro {kind} `{}`.", named.name)));
    let eq = cx.is_eq(Node::Record(id)).then(|| quote!(Eq, Hash,));
    let mut adapted = false;
    let fields: Vec<TokenStream> = record
        .fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let field_name = ident(&plan.fields[i]);
            let boxed = cx.analysis.boxed.contains(&(Node::Record(id), i));
            let site = (id, i, Vec::new());
            let natural = cx.slot_type(&field.schema, &site, boxed);
            let ty = match cx.plan.config.field(id, i) {
                Some(user) => user.clone(),
                None => cx.adapted_type(&field.schema, &site, boxed),
            };
            // A user type stands for the natural one: the derive checks the schema against
            // that, and the adapter's `Repr` against it at this field.
            let repr = if ty.to_string() == natural.to_string() {
                TokenStream::new()
            } else {
                adapted = true;
                style.codec_repr(&natural)
            };
            // Every item gets a doc (the generated crate denies `missing_docs`).
            let doc = match &field.doc {
                Some(doc) => docs(Some(doc), None),
                None => docs(None, Some(format!("Avro field `{}`.", field.name))),
            };
            let rename = style.rename(&plan.fields[i], &field.name);
            quote!(#doc #rename #repr pub #field_name: #ty)
        })
        .collect();
    let serde = style.serde_derive();
    // Schema defaults are values of the natural types, which adapted fields do not hold.
    let default_impl = if adapted {
        TokenStream::new()
    } else {
        record_default(cx, id, named, record)?
    };
    let codec = style.codec_derive();
    let codec_attr = style.codec_named(&named.name.to_string());
    let present: &[&str] = if eq.is_some() { EQ_DERIVES } else { &EQ_DERIVES[..3] };
    let extra = cx.plan.config.derives(Some(id), present);
    let attributes = cx.plan.config.attributes(Some(id));
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #eq #extra #codec)]
        #serde
        #codec_attr
        #attributes
        pub struct #name { #(#fields),* }
        #default_impl
    })
}

/// `impl Default` from the schema's defaults, for records whose every field has one.
fn record_default(cx: &TypeCx<'_>, id: TypeId, named: &NamedType, record: &Record) -> Result<TokenStream, Diagnostic> {
    if record.fields.is_empty() || record.fields.iter().any(|f| f.default.is_none()) {
        return Ok(TokenStream::new());
    }
    let plan = &cx.plan.types[id.0];
    let name = ident(&plan.ident);
    let mut values = Vec::with_capacity(record.fields.len());
    for (i, field) in record.fields.iter().enumerate() {
        let default = field.default.as_ref().expect("every field has a default");
        let boxed = cx.analysis.boxed.contains(&(Node::Record(id), i));
        let value = match cx.value_expr(&field.schema, default, &(id, i, Vec::new()), boxed) {
            Err(message) if message == super::values::ADAPTED_RECORD => return Ok(TokenStream::new()),
            value => value,
        };
        let value = value.map_err(|message| {
            Diagnostic::at(
                cx.plan.set.file(field.origin),
                field.origin.span,
                format!("field `{}`: {message}", field.name),
            )
        })?;
        let field_name = ident(&plan.fields[i]);
        values.push(quote!(#field_name: #value));
    }
    let doc = format!(" The defaults of `{}`'s schema.", named.name);
    Ok(quote! {
        impl ::core::default::Default for #name {
            #[doc = #doc]
            fn default() -> Self {
                Self { #(#values),* }
            }
        }
    })
}

/// The enum of one union.
pub(super) fn union_item(cx: &TypeCx<'_>, style: &Style<'_>, index: usize) -> TokenStream {
    let union = &cx.plan.unions[index];
    let (owner, field, _) = &union.site;
    let owner_type = cx.plan.set.get(*owner);
    let field_name = match &owner_type.kind {
        NamedKind::Record(record) => record.fields[*field].name.as_str(),
        _ => "",
    };
    let described = cx.plan.set.describe(&Schema::Union(union.branches.clone()));
    let doc = docs(
        None,
        Some(format!(
            "Avro `{described}`, in field `{field_name}` of `{}`.",
            owner_type.name
        )),
    );
    let name = ident(&union.ident);
    let eq = cx.is_eq(Node::Union(index)).then(|| quote!(Eq, Hash,));
    let variants = union.branches.iter().enumerate().map(|(i, branch)| {
        let variant = ident(&union.variants[i]);
        let doc = format!(" The `{}` branch.", cx.plan.set.describe(branch));
        if *branch == Schema::Null {
            quote!(#[doc = #doc] #variant)
        } else {
            let boxed = cx.analysis.boxed.contains(&(Node::Union(index), i));
            let ty = cx.slot_type(branch, &child(&union.site, Segment::Branch(i)), boxed);
            quote!(#[doc = #doc] #variant(#ty))
        }
    });
    let serde = style.serde_derive();
    let codec = style.codec_derive();
    let union_schema = Schema::Union(union.branches.clone());
    let codec_attr = style.codec_union(&crate::schema_json::to_json_referencing(cx.plan.set, &union_schema));
    let present: &[&str] = if eq.is_some() { EQ_DERIVES } else { &EQ_DERIVES[..3] };
    let extra = cx.plan.config.derives(None, present);
    let attributes = cx.plan.config.attributes(None);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #eq #extra #codec)]
        #serde
        #codec_attr
        #attributes
        #[allow(clippy::large_enum_variant)]
        pub enum #name { #(#variants),* }
    }
}
