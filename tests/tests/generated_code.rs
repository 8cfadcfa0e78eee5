//! Snapshots of the Rust generated for `avro-schemas/` (in `snapshots/`) and for the
//! tricky corpus (beside it, in `corpus/tricky/snapshots/`), one snapshot per generated
//! file. Review changes with `cargo insta review`.

use avrokit_codegen::{Generated, Generator};

#[path = "support/corpus_snapshots.rs"]
mod corpus_snapshots;

fn generate(name: &str, generator: Generator) -> Generated {
    generator
        .generate()
        .unwrap_or_else(|diagnostics| panic!("{name} must generate:\n{diagnostics}"))
}

/// `astro/beam.rs` as `astro__beam.rs`.
fn snapshot_name(path: &std::path::Path) -> String {
    path.to_string_lossy().replace(['/', '\\'], "__")
}

#[test]
fn avro_schemas() {
    let generated = generate(
        "avro-schemas",
        Generator::new("../avro-schemas")
            .catalog("../avro-schemas/catalog.toml")
            .schema_layout(avrokit_codegen::SchemaLayout::OneTypePerFile)
            .derive_codecs("../avro-schemas"),
    );
    for file in &generated.rust {
        insta::assert_snapshot!(format!("avro_schemas__{}", snapshot_name(&file.path)), &file.contents);
    }
}

/// Topics of several event types: the enum of each topic's value types, its dispatch and
/// the descriptor with the catalog's subject strategy.
#[test]
fn event_types_corpus() {
    let generated = generate(
        "corpus/event-types",
        Generator::new("corpus/event-types")
            .catalog("corpus/event-types/catalog.toml")
            .derive_codecs("corpus/event-types"),
    );
    for file in &generated.rust {
        corpus_snapshots::assert_beside(
            "corpus/event-types/snapshots",
            &snapshot_name(&file.path),
            &file.contents,
        );
    }
}

#[test]
fn tricky_corpus() {
    let generated = generate(
        "corpus/tricky",
        Generator::new("corpus/tricky").derive_codecs("corpus/tricky"),
    );
    for file in &generated.rust {
        corpus_snapshots::assert_beside("corpus/tricky/snapshots", &snapshot_name(&file.path), &file.contents);
    }
}

#[test]
fn single_file_layout_nests_modules_inline() {
    let generated = Generator::new("corpus/tricky")
        .single_file("all.rs")
        .generate()
        .expect("the tricky corpus loads");
    assert_eq!(generated.rust.len(), 1);
    let code = &generated.rust[0].contents;
    assert!(code.contains("pub mod tricky {"), "{code}");
    assert!(!code.contains("#!["), "inner attributes cannot be include!d:\n{code}");
}
