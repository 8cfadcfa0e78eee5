//! The `topics` module of a generated crate: each catalog topic as a typed
//! `avrokit::Topic<K, V>` constant, so that producing a value of the wrong type to a
//! topic does not compile.

use super::layout::ModuleTree;
use super::plan::Plan;
use super::types::TypeCx;
use crate::catalog::{Catalog, KeyFormat, SinkWriter, Topic};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::Schema;
use heck::ToShoutySnakeCase;
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
    let value = type_path(&topic.value).ok_or_else(|| {
        Diagnostic::at(
            &catalog.file,
            topic.span,
            format!("topic `{}`: a typed topic needs a named type as its value", topic.name),
        )
    })?;
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
    Ok(quote! {
        #[doc = #doc]
        pub const #ident: ::avrokit::Topic<#key, #value> = ::avrokit::Topic::new(
            #name,
            #value_subject,
            #key_subject,
            &[#(#environments),*],
            #sink,
        );
    })
}
