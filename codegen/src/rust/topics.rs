//! The `topics` module of a generated crate: each catalog topic as a typed
//! `avrokit::Topic<K, V>` constant, so that producing a value of the wrong type to a
//! topic does not compile.

use super::layout::ModuleTree;
use super::plan::Plan;
use super::types::TypeCx;
use crate::catalog::{Catalog, KeyFormat, SinkWriter, Topic};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::Schema;
use avrokit_schema::subject::SubjectNameStrategy;
use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// The generated module's name.
pub const MODULE: &str = "topics";

/// Adds the `topics` module for `catalog` to `tree`, or says which topics cannot be
/// described.
pub fn push(tree: &mut ModuleTree, cx: &TypeCx<'_>, plan: &Plan<'_>, catalog: &Catalog) -> Result<(), Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    let module = [MODULE.to_owned()];
    let mut items = Vec::new();
    for topic in &catalog.topics {
        let constant = topic.name.to_shouty_snake_case();
        if let Some(first) = names.insert(constant.clone(), &topic.name) {
            diagnostics.push(
                Diagnostic::at(
                    &catalog.file,
                    topic.span,
                    format!(
                        "topic `{}` and topic `{first}` would both be the constant topics::{constant}",
                        topic.name
                    ),
                )
                .with_hint("rename one of the topics"),
            );
            continue;
        }
        match descriptor(cx, plan, catalog, topic, &constant) {
            Ok(item) => items.push(item),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if plan.types.iter().any(|t| t.module.first().is_some_and(|m| m == MODULE)) {
        diagnostics.push(
            Diagnostic::at(
                &catalog.file,
                catalog.topics.first().map(|t| t.span).unwrap_or_default(),
                format!("the Avro namespace `{MODULE}` would share its Rust module with the topic descriptors"),
            )
            .with_hint("rename that namespace"),
        );
    }
    diagnostics.into_result(())?;
    tree.document(
        &module,
        "The catalog's topics, typed by their key and value types: name, registry subjects, settings per \
         environment and sink.",
    );
    for item in items {
        tree.push(&module, item);
    }
    Ok(())
}

fn descriptor(
    cx: &TypeCx<'_>,
    plan: &Plan<'_>,
    catalog: &Catalog,
    topic: &Topic,
    constant: &str,
) -> Result<TokenStream, Diagnostic> {
    let type_path = |schema: &Schema| match schema {
        // Records, enums and fixed types all implement `AvroMessage`.
        Schema::Named(id) => {
            let planned = &plan.types[id.0];
            Some(cx.path(&planned.module, &planned.ident))
        }
        _ => None,
    };
    let (mut values, mut idents) = (Vec::new(), Vec::new());
    for schema in &topic.value_types {
        let named = match schema {
            Schema::Named(id) => type_path(schema).map(|path| (path, &plan.types[id.0].ident)),
            _ => None,
        };
        let (path, ident) = named.ok_or_else(|| {
            Diagnostic::at(
                &catalog.file,
                topic.span,
                format!("topic `{}`: a typed topic needs a named type as its value", topic.name),
            )
        })?;
        values.push(path);
        idents.push(format_ident!("{ident}"));
    }
    // Several value types: an enum of them, defined beside the descriptor.
    let (value, values_enum) = match &values[..] {
        [one] => (one.clone(), None),
        _ => {
            let (ident, item) = value_enum(topic, idents, &values);
            (quote!(#ident), Some(item))
        }
    };
    let key = match (&topic.key, topic.key_format) {
        (None | Some(Schema::Null), _) | (_, KeyFormat::None) => quote!(()),
        (Some(Schema::String), KeyFormat::Raw) => quote!(str),
        (Some(Schema::Bytes), KeyFormat::Raw) => quote!([u8]),
        (Some(schema), KeyFormat::Avro) => {
            let record = type_path(schema).ok_or_else(|| {
                Diagnostic::at(
                    &catalog.file,
                    topic.span,
                    format!(
                        "topic `{}`: a typed topic needs a record type for an Avro key",
                        topic.name
                    ),
                )
                .with_hint(
                    "make the key a record, enum or fixed type, or use key_format = \"raw\" for a string or bytes key",
                )
            })?;
            quote!(::avrokit::AvroKey<#record>)
        }
        // The catalog refuses raw keys of any other type.
        (Some(_), KeyFormat::Raw) => quote!([u8]),
    };
    let name = &topic.name;
    let value_subject = topic.value_subject();
    let key_subject = match topic.key_subject() {
        Some(subject) => quote!(Some(#subject)),
        None => quote!(None),
    };
    let environments = catalog.environments.iter().map(|environment| {
        let settings = topic.settings_for(environment);
        let partitions = proc_macro2::Literal::u32_unsuffixed(settings.partitions);
        let replication_factor = proc_macro2::Literal::u16_unsuffixed(settings.replication_factor);
        let configs = settings
            .kafka_configs()
            .into_iter()
            .map(|(key, value)| quote!((#key, #value)));
        quote! {
            ::avrokit::topic::TopicConfig::new(#environment)
                .with_partitions(#partitions)
                .with_replication_factor(#replication_factor)
                .with_configs(&[#(#configs),*])
        }
    });
    let sink = match &topic.sink {
        Some(sink) => {
            let (table, key) = (&sink.table, &sink.primary_key);
            let writer = match sink.writer {
                SinkWriter::Avrokit => quote!(Avrokit),
                SinkWriter::ConfluentJdbc => quote!(ConfluentJdbc),
                SinkWriter::DebeziumJdbc => quote!(DebeziumJdbc),
            };
            let indexes = sink.indexes.iter().map(|index| {
                let (name, columns) = (&index.name, &index.columns);
                quote!(::avrokit::topic::SinkIndex::new(#name, &[#(#columns),*]))
            });
            quote!(Some(
                ::avrokit::topic::SinkSpec::new(#table, ::avrokit::topic::SinkWriter::#writer)
                    .with_primary_key(&[#(#key),*])
                    .with_indexes(&[#(#indexes),*])
            ))
        }
        None => quote!(None),
    };
    let doc = format!(
        " `{name}`{}",
        topic.doc.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
    );
    let ident = format_ident!("{constant}");
    let tombstones = topic.tombstones.then(|| quote!(.with_tombstones()));
    let strategy = (topic.subject_strategy != SubjectNameStrategy::TopicName).then(|| {
        let variant = format_ident!("{}", topic.subject_strategy.as_str().to_upper_camel_case());
        quote!(.with_subject_strategy(::avrokit::topic::SubjectNameStrategy::#variant))
    });
    Ok(quote! {
        #values_enum
        #[doc = #doc]
        pub const #ident: ::avrokit::Topic<#key, #value> = ::avrokit::Topic::new(
            #name,
            #value_subject,
            #key_subject,
            &[#(#environments),*],
            #sink,
        )#tombstones #strategy;
    })
}

/// The enum of a topic's several value types (`idents` their Rust names, `paths` their
/// paths), one variant each, and its [`TopicValue`](avrokit::TopicValue)-style dispatch:
/// a value encodes as its own type, data decodes into the variant the writer schema's
/// full name picks. Returns the enum's name and its items.
fn value_enum(
    topic: &Topic,
    idents: Vec<proc_macro2::Ident>,
    paths: &[TokenStream],
) -> (proc_macro2::Ident, TokenStream) {
    let ident = format_ident!("{}Value", topic.name.to_upper_camel_case());
    let count = paths.len();
    let indexes: Vec<_> = (0..count).map(proc_macro2::Literal::usize_unsuffixed).collect();
    let last = count - 1;
    let count_literal = proc_macro2::Literal::usize_unsuffixed(count);
    let (init, last_ident) = (&idents[..last], &idents[last]);
    let (init_paths, last_path) = (&paths[..last], &paths[last]);
    let init_indexes = &indexes[..last];
    let doc = format!(
        " The values of `{}`: one of its {count} event types, each registered under its own subject \
         (`{}`) and read into the variant its writer schema's full name picks.",
        topic.name,
        topic.subject_strategy.as_str()
    );
    let variant_docs = topic.value_subjects.iter().map(|s| format!(" Registered under `{s}`."));
    let item = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #ident {
            #( #[doc = #variant_docs] #idents(#paths), )*
        }

        impl ::avrokit::TopicValue for #ident {
            const TYPES: usize = #count_literal;

            fn type_index(&self) -> usize {
                match self {
                    #( Self::#idents(_) => #indexes, )*
                }
            }

            fn type_name(index: usize) -> ::core::option::Option<&'static str> {
                [#( <#paths as ::avrokit::AvroMessage>::FULL_NAME ),*][index]
            }

            fn type_schema(index: usize) -> &'static ::avrokit::Schema {
                match index {
                    #( #init_indexes => <#init_paths as ::avrokit::AvroMessage>::schema(), )*
                    _ => <#last_path as ::avrokit::AvroMessage>::schema(),
                }
            }

            fn encode_value(&self, buf: &mut ::std::vec::Vec<u8>) -> ::core::result::Result<(), ::avrokit::EncodeError> {
                match self {
                    #( Self::#idents(value) => ::avrokit::AvroMessage::encode_to(value, buf), )*
                }
            }

            fn decode_value(
                index: usize,
                body: &[u8],
                writer: &::avrokit::Schema,
            ) -> ::core::result::Result<Self, ::avrokit::ResolveError> {
                ::core::result::Result::Ok(match index {
                    #( #init_indexes => Self::#init(<#init_paths as ::avrokit::AvroMessage>::from_avro_with_writer(body, writer)?), )*
                    _ => Self::#last_ident(<#last_path as ::avrokit::AvroMessage>::from_avro_with_writer(body, writer)?),
                })
            }

            fn set_value(
                &mut self,
                index: usize,
                body: &[u8],
                writer: &::avrokit::Schema,
            ) -> ::core::result::Result<(), ::avrokit::ResolveError> {
                // Into the value in place when it already is of that type.
                match (self, index) {
                    #( (Self::#idents(value), #indexes) => ::avrokit::AvroMessage::set_from_avro_with_writer(value, body, writer), )*
                    (this, index) => {
                        *this = Self::decode_value(index, body, writer)?;
                        ::core::result::Result::Ok(())
                    }
                }
            }
        }

        #(
            impl ::core::convert::From<#paths> for #ident {
                fn from(value: #paths) -> Self {
                    Self::#idents(value)
                }
            }
        )*
    };
    (ident, item)
}
