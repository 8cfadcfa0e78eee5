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
}
