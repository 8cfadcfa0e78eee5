//! Generates the tricky corpus the way a downstream crate would (a `build.rs` and
//! `include!`), so that compiling this crate proves the generated code compiles.

fn main() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // The sink corpus is compiled too: the PostgreSQL sink tests insert its types. Each
    // corpus has its own directory, since writing one removes the `.rs` files it does not
    // generate.
    for (dir, module) in [("corpus/tricky", "tricky"), ("corpus/sql/ok", "sql")] {
        let generated = avrokit_codegen::Generator::new(dir)
            .single_file(format!("{module}.rs"))
            .derive_codecs(dir)
            .generate()
            .unwrap_or_else(|diagnostics| panic!("{dir} must load:\n{diagnostics}"));
        generated.write_rust(&out.join(module)).expect("OUT_DIR is writable");
        generated.print_rerun_if_changed();
    }
    // The seed types once per other string and bytes type, for the fastavro round trip
    // and the codec bench.
    use avrokit_codegen::{BytesType, StringType};
    for (module, string, bytes) in [
        ("seed_box_str_bytes", StringType::BoxStr, BytesType::Bytes),
        ("seed_arc_str", StringType::ArcStr, BytesType::VecU8),
    ] {
        let generated = avrokit_codegen::Generator::new("../avro-schemas")
            .single_file(format!("{module}.rs"))
            .serde_feature(None)
            .string_type(string)
            .bytes_type(bytes)
            .derive_codecs("../avro-schemas")
            .generate()
            .unwrap_or_else(|diagnostics| panic!("avro-schemas must load:\n{diagnostics}"));
        generated.write_rust(&out.join(module)).expect("OUT_DIR is writable");
        generated.print_rerun_if_changed();
    }
    // Topics of several event types: the enum of each topic's value types and its descriptor.
    let dir = "corpus/event-types";
    let generated = avrokit_codegen::Generator::new(dir)
        .single_file("event_types.rs")
        .serde_feature(None)
        .derive_codecs(dir)
        .catalog(format!("{dir}/catalog.toml"))
        .generate()
        .unwrap_or_else(|diagnostics| panic!("{dir} must load:\n{diagnostics}"));
    generated
        .write_rust(&out.join("event_types"))
        .expect("OUT_DIR is writable");
    generated.print_rerun_if_changed();
    // The options corpus as its catalog's `[codegen]` table configures it, and plain.
    let dir = "corpus/codegen-options";
    for (module, catalog) in [("codegen_options", true), ("codegen_options_plain", false)] {
        let mut generator = avrokit_codegen::Generator::new(dir)
            .single_file(format!("{module}.rs"))
            .serde_feature(None)
            .derive_codecs(dir);
        if catalog {
            generator = generator.catalog(format!("{dir}/catalog.toml"));
        }
        let generated = generator
            .generate()
            .unwrap_or_else(|diagnostics| panic!("{dir} must load:\n{diagnostics}"));
        generated.write_rust(&out.join(module)).expect("OUT_DIR is writable");
        generated.print_rerun_if_changed();
    }
}
