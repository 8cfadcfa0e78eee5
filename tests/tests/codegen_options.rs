//! The code generation options (`[codegen]`, the `Generator` builder, `avrokit gen`'s
//! flags): a snapshot of `corpus/codegen-options/` generated with each option (beside it,
//! in `snapshots/`), its catalog-configured types (compiled by `build.rs`) against the
//! plain ones byte for byte, every seed type with each string and bytes type against the
//! fastavro vectors, and the located errors of `errors/*.toml` (each beside its case).

use avrokit::{AvroMessage, Registered};
use avrokit_codegen::{BytesType, CodegenConfig, Generator, StringType};
use avrokit_tests::codegen_adapters::{Cents, CustomerId, Host};
use avrokit_tests::{codegen_options as configured, codegen_options_plain as plain};
use serde_json::Value;
use std::collections::BTreeMap;

#[path = "support/corpus_snapshots.rs"]
mod corpus_snapshots;

const CORPUS: &str = "corpus/codegen-options";

/// `shop.rs` as `generator` writes it.
fn shop_module(generator: Generator) -> String {
    let generated = generator
        .generate()
        .unwrap_or_else(|diagnostics| panic!("{CORPUS} must generate:\n{diagnostics}"));
    let file = generated
        .rust
        .iter()
        .find(|f| f.path.ends_with("shop.rs"))
        .expect("the shop module");
    file.contents.clone()
}

fn corpus() -> Generator {
    Generator::new(CORPUS).derive_codecs(CORPUS)
}

#[test]
fn each_option_generates_as_snapshotted() {
    let mut per_type = CodegenConfig::default();
    per_type
        .type_settings("shop.Status")
        .derives
        .push("strum::Display".into());
    per_type
        .type_settings("shop.Status")
        .attributes
        .push("#[repr(u8)]".into());
    let cases: Vec<(&str, Generator)> = vec![
        ("default", corpus()),
        ("string_box_str", corpus().string_type(StringType::BoxStr)),
        ("string_arc_str", corpus().string_type(StringType::ArcStr)),
        ("bytes_bytes", corpus().bytes_type(BytesType::Bytes)),
        (
            "derives_and_attributes",
            corpus()
                .derive("PartialOrd")
                .derive("Hash")
                .attribute("#[must_use]")
                .codegen(per_type),
        ),
        (
            "type_override",
            corpus().type_override("shop.Customer", "crate::CustomerId"),
        ),
        (
            "field_override",
            corpus().field_override("shop.Order", "host", "crate::Host"),
        ),
        ("logical_type", corpus().logical_type("money", "crate::Cents")),
        ("catalog", corpus().catalog(format!("{CORPUS}/catalog.toml"))),
    ];
    for (name, generator) in cases {
        corpus_snapshots::assert_beside(&format!("{CORPUS}/snapshots"), name, &shop_module(generator));
    }
}

#[test]
fn without_derive_codecs_an_override_carries_no_repr_attribute() {
    let code = shop_module(Generator::new(CORPUS).logical_type("money", "crate::Cents"));
    assert!(code.contains("pub amount: crate::Cents"), "{code}");
    assert!(!code.contains("repr ="), "{code}");
}

#[test]
fn builder_settings_apply_over_the_catalogs() {
    let code = shop_module(
        corpus()
            .catalog(format!("{CORPUS}/catalog.toml"))
            .string_type(StringType::ArcStr)
            .field_override("shop.Order", "host", "crate::OtherHost"),
    );
    assert!(code.contains("pub id: ::std::sync::Arc<str>"), "{code}");
    assert!(code.contains("pub host: crate::OtherHost"), "{code}");
    // The catalog's other settings stay.
    assert!(code.contains("pub amount: crate::codegen_adapters::Cents"), "{code}");
}

#[test]
fn the_cli_flags_configure_the_same_generator() {
    // The corpus's catalog (found by default) says Box<str> and Bytes: the flags win.
    let args = avrokit_cli::generate::GenArgs {
        string_type: Some("Arc<str>".into()),
        bytes_type: Some("Vec<u8>".into()),
        derives: vec!["PartialOrd".into()],
        attributes: vec!["#[non_exhaustive]".into()],
        any_layout: true,
        paths: avrokit_cli::schema_dir::SchemaPaths {
            schemas: CORPUS.into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let code = shop_module(args.generator());
    assert!(code.contains("pub id: ::std::sync::Arc<str>"), "{code}");
    assert!(code.contains("pub payload: Vec<u8>"), "{code}");
    assert!(code.contains("pub amount: crate::codegen_adapters::Cents"), "{code}");
    assert!(code.contains("PartialOrd"), "{code}");
    assert!(code.contains("#[non_exhaustive]"), "{code}");
}

#[test]
fn bad_builder_values_are_errors_not_panics() {
    let diagnostics = corpus()
        .derive("Partial Ord")
        .attribute("non_exhaustive")
        .field_override("shop.Order", "host", "crate::Host<")
        .generate()
        .expect_err("bad values fail")
        .to_string();
    for expected in [
        "`Partial Ord` is not a derive path",
        "`non_exhaustive` is not an outer attribute",
        "`crate::Host<` is not a Rust type",
    ] {
        assert!(diagnostics.contains(expected), "{expected}:\n{diagnostics}");
    }
}

/// An order of the plain types, and the same order of the configured ones.
fn orders() -> (plain::shop::Order, configured::shop::Order) {
    let plain_customer = plain::shop::Customer {
        id: 7,
        name: "Ada".into(),
        avatar: vec![0, 255, 1],
    };
    let plain = plain::shop::Order {
        id: "order-1".into(),
        payload: (0..=255).collect(),
        note: Some("leave at the door".into()),
        tags: vec!["gift".into(), "fragile".into()],
        attachments: BTreeMap::from([("invoice".into(), vec![1, 2, 3])]),
        amount: 1999,
        refunds: vec![500, 250],
        customer: plain_customer.clone(),
        previous_customer: Some(plain::shop::Customer {
            id: 3,
            ..plain_customer
        }),
        host: "shop.example".into(),
        status: plain::shop::Status::Paid,
    };
    let customer = configured::shop::Customer {
        id: 7,
        name: "Ada".into(),
        avatar: avrokit::bytes::Bytes::from_static(&[0, 255, 1]),
    };
    let ours = configured::shop::Order {
        id: "order-1".into(),
        payload: (0..=255).collect::<Vec<u8>>().into(),
        note: Some("leave at the door".into()),
        tags: vec!["gift".into(), "fragile".into()],
        attachments: BTreeMap::from([("invoice".into(), avrokit::bytes::Bytes::from_static(&[1, 2, 3]))]),
        amount: Cents(1999),
        refunds: vec![Cents(500), Cents(250)],
        customer: CustomerId {
            record: customer.clone(),
        },
        previous_customer: Some(CustomerId {
            record: configured::shop::Customer { id: 3, ..customer },
        }),
        host: Host::new("shop.example").expect("not empty"),
        status: configured::shop::Status::Paid,
    };
    (plain, ours)
}

#[test]
fn configured_types_write_and_read_the_plain_types_bytes() {
    let (plain, ours) = orders();
    let bytes = plain.to_avro().expect("encodes");
    assert_eq!(ours.to_avro().expect("encodes"), bytes);
    assert_eq!(configured::shop::Order::from_avro(&bytes).expect("decodes"), ours);
    let mut reused = ours.clone();
    reused.set_from_avro(&bytes).expect("decodes in place");
    assert_eq!(reused, ours);
    assert_eq!(
        configured::shop::Order::fingerprint(),
        plain::shop::Order::fingerprint()
    );
}

#[test]
fn bytes_fields_share_a_bytes_frame() {
    let (plain, _) = orders();
    let frame = avrokit::bytes::Bytes::from(plain.to_avro().expect("encodes"));
    let ours = configured::shop::Order::from_avro_bytes(&frame).expect("decodes");
    let inside = |field: &avrokit::bytes::Bytes| {
        let start = frame.as_ptr() as usize;
        (start..start + frame.len()).contains(&(field.as_ptr() as usize))
    };
    assert!(inside(&ours.payload), "the payload is a slice of the frame");
    assert!(inside(&ours.attachments["invoice"]), "map values too");
    assert!(inside(&ours.customer.record.avatar), "and bytes of adapted records");
    // From a plain slice the same decode copies.
    let copied = configured::shop::Order::from_avro(&frame).expect("decodes");
    assert!(!inside(&copied.payload));
    assert_eq!(copied, ours);
}

#[test]
fn an_adapter_refusal_is_a_decode_error_at_the_value() {
    let (mut plain, _) = orders();
    plain.host = String::new();
    let bytes = plain.to_avro().expect("encodes");
    let error = configured::shop::Order::from_avro(&bytes).expect_err("an empty host is refused");
    let message = error.to_string();
    assert!(message.contains("a host name cannot be empty"), "{message}");
    assert!(message.contains("Host"), "{message}");
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn seed_types_reproduce_fastavro_bytes_with_every_string_and_bytes_type() {
    let text = std::fs::read_to_string("vectors/fastavro.json").expect("tests/vectors/fastavro.json");
    let vectors: Value = serde_json::from_str(&text).expect("valid JSON");
    let registries: [(&str, &'static [Registered]); 2] = [
        ("Box<str> + Bytes", avrokit_tests::seed_box_str_bytes::REGISTRY),
        ("Arc<str> + Vec<u8>", avrokit_tests::seed_arc_str::REGISTRY),
    ];
    let mut checked = 0;
    let mut seed_vectors = 0;
    let mut failures = Vec::new();
    for vector in vectors["vectors"].as_array().expect("vectors") {
        let type_name = vector["type"].as_str().expect("type");
        // The seed types (the tricky corpus's are not generated with these choices).
        if Registered::find(avrokit_generated::REGISTRY, type_name).is_none() {
            continue;
        }
        seed_vectors += 1;
        let binary = hex(vector["binary"].as_str().expect("binary"));
        for (choice, registry) in registries {
            let Some(entry) = Registered::find(registry, type_name) else {
                failures.push(format!("{type_name} ({choice}): not generated"));
                continue;
            };
            match (entry.reencode)(&binary) {
                Ok(again) if again == binary => checked += 1,
                Ok(_) => failures.push(format!(
                    "{type_name} ({choice}): re-encoded bytes differ from fastavro's"
                )),
                Err(error) => failures.push(format!("{type_name} ({choice}): {error:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        seed_vectors >= 12 * avrokit_generated::REGISTRY.len(),
        "every seed record type has twelve vectors: {seed_vectors}"
    );
    assert_eq!(checked, 2 * seed_vectors, "every seed vector, with each choice");
}

#[test]
fn bad_configurations_are_located_errors() {
    let dir = format!("{CORPUS}/errors");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("the errors corpus")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "{cases:?}");
    for case in cases {
        let diagnostics = corpus()
            .codegen_file(&case)
            .generate()
            .expect_err("a bad configuration fails")
            .to_string();
        let name = case.file_stem().expect("a file name").to_string_lossy().into_owned();
        corpus_snapshots::assert_beside(&dir, &name, &diagnostics);
    }
}
