//! The expansion of `#[derive(AvroMessage)]` for each kind of type.

use crate::attrs::{self, ContainerAttrs};
use crate::check::{self, NamedCheck};
use crate::codec;
use crate::schemas::{self, Loaded};
use avrokit_schema::ir::{self, EnumType, FullName, NamedKind, Record, Schema, SchemaSet};
use avrokit_schema::rust_names;
use avrokit_schema::schema_json;
use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let attrs: ContainerAttrs = attrs::container(&input.attrs)?;
    let loaded = schemas::load(&attrs, &input.ident)?;
    let set = &loaded.set;
    let mut named_checks = Vec::new();
    let codec = match (&input.data, &loaded.root) {
        (data, Schema::Named(id)) => {
            let named = set.get(*id);
            match (data, &named.kind) {
                (Data::Struct(data), NamedKind::Record(record_type)) => {
                    record(input, data, set, &named.name, record_type, &mut named_checks)?
                }
                (Data::Struct(data), NamedKind::Fixed(fixed)) if fixed.logical.is_none() => {
                    fixed_newtype(input, data, &named.name.to_string(), fixed.size)?
                }
                (Data::Enum(data), NamedKind::Enum(enum_type)) => avro_enum(input, data, &named.name, enum_type)?,
                _ => return Err(kind_mismatch(input, set, &loaded.root)),
            }
        }
        (Data::Enum(data), Schema::Union(branches)) => union_enum(input, data, set, branches, &mut named_checks)?,
        _ => return Err(kind_mismatch(input, set, &loaded.root)),
    };
    Ok(message_impl(input, &loaded, codec, &named_checks))
}

/// The bodies of one type's codec methods.
struct Codec {
    /// `encode_to`'s.
    encode: TokenStream,
    /// `decode_from`'s.
    decode: TokenStream,
    /// `decode_in_place`'s, for types that own allocations worth reusing (records and
    /// unions); the others keep the trait's default, which assigns a fresh value.
    decode_in_place: Option<TokenStream>,
}

/// The schema is of a kind the Rust item cannot derive from.
fn kind_mismatch(input: &DeriveInput, set: &SchemaSet, schema: &Schema) -> syn::Error {
    let rust_kind = match &input.data {
        Data::Struct(data) if matches!(data.fields, Fields::Named(_)) => "a struct with named fields",
        Data::Struct(_) => "a tuple struct",
        Data::Enum(_) => "an enum",
        Data::Union(_) => "a Rust union",
    };
    let wants = match schema {
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Record(_) => "a struct with named fields (one per Avro field)".to_string(),
            NamedKind::Enum(_) => "an enum of unit variants (one per symbol)".to_string(),
            NamedKind::Fixed(f) if f.logical.is_none() => format!("a newtype struct over `[u8; {}]`", f.size),
            // Logical fixed types already have their Rust type.
            NamedKind::Fixed(_) => format!("no derive: it is `{}` in Rust", check::rust_spelling(set, schema)),
        },
        Schema::Union(_) => "an enum with one variant per branch".to_string(),
        _ => format!(
            "no derive: only records, enums, fixed and unions derive AvroMessage (it is `{}` in Rust)",
            check::rust_spelling(set, schema)
        ),
    };
    syn::Error::new(
        input.ident.span(),
        format!(
            "the schema is {}, which derives on {wants}, not on {rust_kind}",
            check::kind_and_name(set, schema)
        ),
    )
}

/// The `impl AvroMessage`: constants computed here, at compile time, plus the codec.
fn message_impl(input: &DeriveInput, loaded: &Loaded, codec: Codec, checks: &[NamedCheck]) -> TokenStream {
    let Codec {
        encode,
        decode,
        decode_in_place,
    } = codec;
    let decode_in_place = decode_in_place.map(|body| {
        quote! {
            #[allow(clippy::needless_question_mark)]
            fn decode_in_place(&mut self, r: &mut ::avrokit::codec::Reader<'_>) -> ::core::result::Result<(), ::avrokit::DecodeError> {
                #body
                ::core::result::Result::Ok(())
            }
        }
    });
    let ident = &input.ident;
    let set = &loaded.set;
    let full_name = match &loaded.root {
        Schema::Named(id) => {
            let name = set.get(*id).name.to_string();
            quote!(::core::option::Option::Some(#name))
        }
        _ => quote!(::core::option::Option::None),
    };
    let definition = schema_json::definition_json(set, &loaded.root);
    let fingerprint = Literal::u64_suffixed(check::fingerprint(set, &loaded.root));
    let files = loaded.untracked_files().into_iter().map(|p| p.display().to_string());
    let assertions = checks.iter().map(|c| {
        let ty = &c.ty;
        let fp = Literal::u64_suffixed(c.fingerprint);
        let message = &c.message;
        quote_spanned! {ty.span()=>
            const _: () = ::core::assert!(<#ty as ::avrokit::AvroMessage>::DEFINITION_FINGERPRINT == #fp, #message);
        }
    });
    // The named types this definition uses: those with a Rust type add themselves (and
    // what they use); logical-type fixeds have none, so their definitions travel here.
    let dependencies = checks.iter().map(|c| &c.ty);
    let fixed_definitions = loaded.logical_fixeds().into_iter().map(|id| {
        let name = set.get(id).name.to_string();
        let json = schema_json::definition_json(set, &Schema::Named(id));
        quote! {
            if !out.iter().any(|(n, _)| *n == #name) {
                out.push((#name, #json));
            }
        }
    });
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        const _: () = {
            #(const _: &str = ::core::include_str!(#files);)*
            #(#assertions)*
            #[automatically_derived]
            impl #impl_generics ::avrokit::AvroMessage for #ident #type_generics #where_clause {
                const FULL_NAME: ::core::option::Option<&'static str> = #full_name;
                const DEFINITION: &'static str = #definition;
                const DEFINITION_FINGERPRINT: u64 = #fingerprint;

                fn collect_definitions(out: &mut ::avrokit::Definitions) {
                    #(#fixed_definitions)*
                    #(<#dependencies as ::avrokit::AvroMessage>::collect_into(out);)*
                }

                fn schema() -> &'static ::avrokit::Schema {
                    static SCHEMA: ::std::sync::OnceLock<::avrokit::Schema> = ::std::sync::OnceLock::new();
                    SCHEMA.get_or_init(::avrokit::Schema::assemble::<Self>)
                }

                fn encode_to(&self, buf: &mut ::std::vec::Vec<u8>) -> ::core::result::Result<(), ::avrokit::EncodeError> {
                    #encode
                    ::core::result::Result::Ok(())
                }

                #[allow(clippy::needless_question_mark)]
                fn decode_from(r: &mut ::avrokit::codec::Reader<'_>) -> ::core::result::Result<Self, ::avrokit::DecodeError> {
                    #decode
                }

                #decode_in_place
            }
        };
    }
}

/// A record's field as its codec is generated: the Avro field, the Rust field holding it,
/// and for an adapted field the `repr` it is checked, encoded and decoded as.
struct BoundField<'a> {
    avro: &'a ir::Field,
    rust: &'a syn::Field,
    repr: Option<syn::Type>,
}

fn record(
    input: &DeriveInput,
    data: &syn::DataStruct,
    set: &SchemaSet,
    name: &FullName,
    record: &Record,
    checks: &mut Vec<NamedCheck>,
) -> syn::Result<Codec> {
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(
            input.ident.span(),
            format!("record `{name}` needs a struct with named fields"),
        ));
    };
    let idiomatic = rust_names::field_idents(record);
    // Which Avro field each Rust field is.
    let mut matched: Vec<Option<&syn::Field>> = vec![None; record.fields.len()];
    let mut errors: Option<syn::Error> = None;
    let mut push_error = |error: syn::Error| match &mut errors {
        Some(all) => all.combine(error),
        None => errors = Some(error),
    };
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named fields have identifiers");
        let rust = ident.to_string();
        let rust = rust.trim_start_matches("r#");
        let member = attrs::member(&field.attrs)?;
        let position = match &member.rename {
            Some(rename) => record.fields.iter().position(|f| f.name == rename.value()),
            None => idiomatic
                .iter()
                .position(|i| i.trim_start_matches("r#") == rust)
                .or_else(|| record.fields.iter().position(|f| f.name == rust)),
        };
        match position {
            Some(i) if matched[i].is_none() => matched[i] = Some(field),
            Some(i) => push_error(syn::Error::new(
                ident.span(),
                format!("two fields map to the schema's field `{}`", record.fields[i].name),
            )),
            // The rename, not the field, is what is wrong: point at it.
            None if member.rename.is_some() => {
                let rename = member.rename.as_ref().expect("matched by the guard");
                let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
                push_error(syn::Error::new(
                    rename.span(),
                    format!(
                        "the schema of `{}` has no field `{}` to rename `{rust}` to (its fields: {})",
                        name,
                        rename.value(),
                        names.join(", ")
                    ),
                ));
            }
            None => {
                let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
                push_error(syn::Error::new(
                    ident.span(),
                    format!(
                        "field `{rust}` is not in the schema of `{}` (its fields: {}); remove it, \
                         or #[avro(rename = \"...\")] it to one of them",
                        name,
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    for (i, slot) in matched.iter().enumerate() {
        if slot.is_none() {
            let avro = &record.fields[i];
            push_error(syn::Error::new(
                input.ident.span(),
                format!(
                    "missing field `{}`: the schema of `{}` has field `{}` of type `{}`, which is {} in Rust; \
                     add it, or #[avro(rename = \"{}\")] the field that holds it",
                    idiomatic[i].trim_start_matches("r#"),
                    name,
                    avro.name,
                    set.describe(&avro.schema),
                    check::expectation(set, &avro.schema),
                    avro.name,
                ),
            ));
        }
    }
    let mut bound = Vec::with_capacity(matched.len());
    for (avro, rust) in record.fields.iter().zip(&matched) {
        if let Some(rust) = *rust {
            let label = format!("field `{}`", avro.name);
            let repr = attrs::member(&rust.attrs)?.repr;
            let natural = repr.as_ref().unwrap_or(&rust.ty);
            if let Err(error) = check::check(set, &avro.schema, natural, &label, checks) {
                push_error(error);
            }
            bound.push(BoundField { avro, rust, repr });
        }
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    let encode = bound.iter().map(|BoundField { avro, rust, repr }| {
        let ident = &rust.ident;
        match repr {
            Some(repr) => {
                let ty = &rust.ty;
                let body = codec::encode(set, &avro.schema, &quote!((&repr)));
                // Spanned at the field's type: a wrong `Repr` is a compile error there.
                let convert = quote_spanned! {ty.span()=>
                    ::avrokit::codec::adapter_repr::<#ty, #repr>();
                    let repr: #repr = <#ty as ::avrokit::AvroAdapter>::to_repr(&self.#ident);
                };
                quote!({
                    #convert
                    #body
                })
            }
            None => codec::encode(set, &avro.schema, &quote!((&self.#ident))),
        }
    });
    // One expression for decode_from and decode_in_place, so an adapted field is
    // converted and its refusal located alike in both.
    let decode_value = |BoundField { avro, rust, repr }: &BoundField| {
        let value = codec::decode(set, &avro.schema);
        match repr {
            Some(repr) => {
                let ty = &rust.ty;
                let adapt = quote_spanned!(ty.span()=> ::avrokit::codec::adapted::<#ty>(repr, offset)?);
                quote!({
                    let offset = r.position();
                    let repr: #repr = #value;
                    #adapt
                })
            }
            None => value,
        }
    };
    let decode = bound.iter().map(|field| {
        let ident = &field.rust.ident;
        let value = decode_value(field);
        quote!(#ident: #value)
    });
    let place = quote::format_ident!("place");
    let in_place = bound.iter().map(|field| {
        let ident = &field.rust.ident;
        let body = match field.repr {
            Some(_) => {
                let value = decode_value(field);
                quote!(*#place = #value;)
            }
            None => codec::decode_in_place(set, &field.avro.schema, &place),
        };
        quote!({ let #place = &mut self.#ident; #body })
    });
    Ok(Codec {
        encode: quote!(#(#encode)*),
        decode: quote! {
            r.descend()?;
            // Fields in wire order: Rust evaluates struct expressions in the order written.
            let value = Self { #(#decode),* };
            r.ascend();
            ::core::result::Result::Ok(value)
        },
        decode_in_place: Some(quote! {
            r.descend()?;
            #(#in_place)*
            r.ascend();
        }),
    })
}

fn fixed_newtype(input: &DeriveInput, data: &syn::DataStruct, name: &str, size: usize) -> syn::Result<Codec> {
    let size_lit = Literal::usize_unsuffixed(size);
    let Fields::Unnamed(fields) = &data.fields else {
        return Err(syn::Error::new(
            input.ident.span(),
            format!("fixed `{name}` derives on a newtype struct over `[u8; {size}]`"),
        ));
    };
    if fields.unnamed.len() != 1 {
        return Err(syn::Error::new_spanned(
            &fields.unnamed,
            format!("fixed `{name}` derives on a newtype struct over `[u8; {size}]`: one field"),
        ));
    }
    let ty = &fields.unnamed[0].ty;
    // The length must be a literal: the macro compares it with the schema's size.
    let holds = match ty {
        syn::Type::Array(array) => {
            let is_u8 = matches!(&*array.elem, syn::Type::Path(p) if p.path.is_ident("u8"));
            let len = match &array.len {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(n), ..
                }) => n.base10_parse::<usize>().ok(),
                _ => None,
            };
            is_u8 && len == Some(size)
        }
        _ => false,
    };
    if !holds {
        let found = ty
            .to_token_stream()
            .to_string()
            .replace("[ ", "[")
            .replace(" ]", "]")
            .replace(" ;", ";");
        return Err(syn::Error::new_spanned(
            ty,
            format!("fixed `{name}` is {size} bytes, which is `[u8; {size}]` in Rust; found `{found}`"),
        ));
    }
    Ok(Codec {
        encode: quote!(::avrokit::codec::write_fixed(buf, &self.0);),
        decode: quote!(::core::result::Result::Ok(Self(r.read_fixed::<#size_lit>()?))),
        decode_in_place: None,
    })
}

fn avro_enum(input: &DeriveInput, data: &syn::DataEnum, name: &FullName, e: &EnumType) -> syn::Result<Codec> {
    let idiomatic = rust_names::enum_variant_idents(e);
    let mut by_symbol: Vec<Option<&syn::Ident>> = vec![None; e.symbols.len()];
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(syn::Error::new(variant.span(), "Avro enum symbols are unit variants"));
        }
        let member = attrs::member(&variant.attrs)?;
        let rust = variant.ident.to_string();
        let position = match &member.rename {
            Some(rename) => e.symbols.iter().position(|s| *s == rename.value()),
            None => idiomatic
                .iter()
                .position(|i| *i == rust)
                .or_else(|| e.symbols.iter().position(|s| *s == rust)),
        };
        match position {
            Some(i) if by_symbol[i].is_none() => by_symbol[i] = Some(&variant.ident),
            _ => {
                return Err(syn::Error::new(
                    variant.ident.span(),
                    format!(
                        "variant `{rust}` is not a symbol of enum `{}` (symbols: {}); remove it, \
                         or #[avro(rename = \"SYMBOL\")] it to one of them",
                        name,
                        e.symbols.join(", ")
                    ),
                ));
            }
        }
    }
    if let Some(missing) = by_symbol.iter().position(Option::is_none) {
        return Err(syn::Error::new(
            input.ident.span(),
            format!(
                "missing variant `{}` for symbol `{}` of enum `{}` (symbols: {}); add it, \
                 or #[avro(rename = \"{}\")] the variant that stands for it",
                idiomatic[missing],
                e.symbols[missing],
                name,
                e.symbols.join(", "),
                e.symbols[missing]
            ),
        ));
    }
    let variants: Vec<&syn::Ident> = by_symbol.into_iter().flatten().collect();
    let count = variants.len();
    let indexes = (0..count).map(|i| Literal::i64_unsuffixed(i as i64));
    let encode_arms = variants.iter().zip(indexes).map(|(v, i)| quote!(Self::#v => #i));
    let (last, rest) = variants.split_last().expect("an enum has symbols");
    let decode_arms = rest.iter().enumerate().map(|(i, v)| {
        let i = Literal::usize_unsuffixed(i);
        quote!(#i => Self::#v)
    });
    Ok(Codec {
        encode: quote!(::avrokit::codec::write_long(buf, match self { #(#encode_arms),* });),
        decode: quote!(::core::result::Result::Ok(match r.read_enum_index(#count)? { #(#decode_arms,)* _ => Self::#last })),
        decode_in_place: None,
    })
}

fn union_enum(
    input: &DeriveInput,
    data: &syn::DataEnum,
    set: &SchemaSet,
    branches: &[Schema],
    checks: &mut Vec<NamedCheck>,
) -> syn::Result<Codec> {
    let idiomatic = rust_names::union_variant_idents(set, branches);
    // Each branch's variant as it is written in Rust, for messages: `Point(Point)`, `Null`.
    let spelled: Vec<String> = idiomatic
        .iter()
        .zip(branches)
        .map(|(name, branch)| match branch {
            Schema::Null => name.clone(),
            _ => format!("{name}({})", check::rust_spelling(set, branch)),
        })
        .collect();
    let union = set.describe(&Schema::Union(branches.to_vec()));
    let mut by_branch: Vec<Option<&syn::Variant>> = vec![None; branches.len()];
    for variant in &data.variants {
        let member = attrs::member(&variant.attrs)?;
        let rust = variant.ident.to_string();
        let name = member.rename.map(|r| r.value()).unwrap_or(rust.clone());
        match idiomatic.iter().position(|i| *i == name) {
            Some(i) if by_branch[i].is_none() => by_branch[i] = Some(variant),
            _ => {
                return Err(syn::Error::new(
                    variant.ident.span(),
                    format!(
                        "variant `{rust}` is not a branch of the schema's `{union}`: its variants are {}",
                        spelled.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }
    if let Some(missing) = by_branch.iter().position(Option::is_none) {
        return Err(syn::Error::new(
            input.ident.span(),
            format!(
                "missing variant `{}` for the branch `{}` of the schema's `{union}`",
                spelled[missing],
                set.describe(&branches[missing])
            ),
        ));
    }
    let mut encode_arms = Vec::new();
    let mut decode_bodies = Vec::new();
    let mut in_place_bodies = Vec::new();
    let place = quote::format_ident!("place");
    for (i, (branch, variant)) in branches.iter().zip(by_branch).enumerate() {
        let variant = variant.expect("every branch has a variant: checked above");
        let v = &variant.ident;
        let index = Literal::i64_unsuffixed(i as i64);
        match (&variant.fields, branch) {
            (Fields::Unit, Schema::Null) => {
                encode_arms.push(quote!(Self::#v => ::avrokit::codec::write_long(buf, #index)));
                decode_bodies.push(quote!(Self::#v));
                in_place_bodies.push(quote!(*self = Self::#v));
            }
            (Fields::Unnamed(fields), _) if fields.unnamed.len() == 1 => {
                let label = format!("variant `{v}`");
                check::check(set, branch, &fields.unnamed[0].ty, &label, checks)?;
                let encode = codec::encode(set, branch, &quote!(value));
                let decode = codec::decode(set, branch);
                encode_arms.push(quote!(Self::#v(value) => { ::avrokit::codec::write_long(buf, #index); #encode }));
                let reuse = codec::decode_in_place(set, branch, &place);
                // The same branch as before reuses its value; another replaces it.
                in_place_bodies.push(quote! {
                    if let Self::#v(#place) = self { #reuse } else { *self = Self::#v(#decode) }
                });
                decode_bodies.push(quote!(Self::#v(#decode)));
            }
            _ => {
                return Err(syn::Error::new(
                    variant.span(),
                    format!(
                        "variant `{v}` holds the branch `{}`: a unit variant for null, else one unnamed field",
                        set.describe(branch)
                    ),
                ));
            }
        }
    }
    let count = branches.len();
    // read_union_index has checked the index, so the last branch is the catch-all arm.
    let last = decode_bodies.pop().expect("a union has branches");
    let arms = |bodies: &[TokenStream]| -> Vec<TokenStream> {
        bodies
            .iter()
            .enumerate()
            .map(|(i, body)| {
                let i = Literal::usize_unsuffixed(i);
                quote!(#i => #body)
            })
            .collect()
    };
    let decode_arms = arms(&decode_bodies);
    let last_in_place = in_place_bodies.pop().expect("a union has branches");
    let in_place_arms = arms(&in_place_bodies);
    Ok(Codec {
        encode: quote!(match self { #(#encode_arms),* }),
        decode: quote!(::core::result::Result::Ok(match r.read_union_index(#count)? { #(#decode_arms,)* _ => #last })),
        decode_in_place: Some(quote!(match r.read_union_index(#count)? { #(#in_place_arms,)* _ => #last_in_place })),
    })
}
