//! Generates the tricky corpus the way a downstream crate would (a `build.rs` and
//! `include!`), so that compiling this crate proves the generated code compiles.

fn main() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let generated = avrokit_codegen::Generator::new("corpus/tricky")
        .single_file("tricky.rs")
        .derive_codecs("corpus/tricky")
        .generate()
        .unwrap_or_else(|diagnostics| panic!("the tricky corpus must load:\n{diagnostics}"));
    generated.write_rust(&out).expect("OUT_DIR is writable");
    generated.print_rerun_if_changed();
}
