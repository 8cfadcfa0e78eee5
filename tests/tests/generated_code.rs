//! Snapshots of the Rust generated for `avro-schemas/` and for the tricky corpus, one
//! snapshot per generated file. Review changes with `cargo insta review`.

use avrokit_codegen::Generator;

fn snapshot_generation(name: &str, generator: Generator) {
    let generated = generator
        .generate()
        .unwrap_or_else(|diagnostics| panic!("{name} must generate:\n{diagnostics}"));
    for file in &generated.rust {
        let file_name = file.path.to_string_lossy().replace(['/', '\\'], "__");
        insta::assert_snapshot!(format!("{name}__{file_name}"), &file.contents);
    }
}

#[test]
fn seed_schemas() {
    snapshot_generation(
        "seeds",
        Generator::new("../avro-schemas")
            .catalog("../avro-schemas/catalog.toml")
            .schema_layout(avrokit_codegen::SchemaLayout::OneTypePerFile)
            .derive_codecs("../avro-schemas"),
    );
}

#[test]
fn tricky_corpus() {
    snapshot_generation("tricky", Generator::new("corpus/tricky").derive_codecs("corpus/tricky"));
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
