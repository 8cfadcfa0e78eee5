//! Compile-time checks of `#[derive(AvroMessage)]`: every kind of disagreement between a
//! Rust type and its schema fails to compile with the error pinned in `ui/fail/*.stderr`,
//! and the types in `ui/pass/` compile and round-trip. Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p avrokit-macros --test ui` and read every change.

use std::path::{Path, PathBuf};

#[test]
fn ui() {
    link_schemas();
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}

/// trybuild compiles the cases as a crate of its own in `<target>/tests/trybuild/<crate>/`,
/// and that directory, not this crate's, is the `CARGO_MANIFEST_DIR` the derive resolves
/// `#[avro(schema = "...")]` against. Linking `tests/ui` there lets the cases name their
/// schemas exactly as code in this crate would (`tests/ui/schemas/x.avsc`), wherever the
/// target directory is.
fn link_schemas() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // CARGO_TARGET_TMPDIR is `<target>/tmp`.
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory");
    let project_tests: PathBuf = target_dir.join("tests/trybuild/avrokit-macros/tests");
    std::fs::create_dir_all(&project_tests).expect("create the trybuild project's tests/");
    let link = project_tests.join("ui");
    let source = manifest_dir.join("tests/ui");
    if std::fs::read_link(&link).is_ok_and(|existing| existing == source) {
        return;
    }
    let _ = std::fs::remove_file(&link);
    symlink_dir(&source, &link);
}

#[cfg(unix)]
fn symlink_dir(source: &Path, link: &Path) {
    std::os::unix::fs::symlink(source, link).expect("link tests/ui into the trybuild project");
}

#[cfg(windows)]
fn symlink_dir(source: &Path, link: &Path) {
    std::os::windows::fs::symlink_dir(source, link).expect("link tests/ui into the trybuild project");
}
