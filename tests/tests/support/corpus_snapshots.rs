//! Where the expected output of a corpus case lives: beside the case.
//!
//! A case `tests/corpus/<corpus>/<case>.avsc` (or `.toml`, or a directory `<case>/`) has
//! its expected output in `tests/corpus/<corpus>/<case>.snap`; a corpus directory that
//! generates several files as one case keeps one `.snap` per generated file in its
//! `snapshots/` subdirectory. The files are insta snapshots, reviewed with
//! `cargo insta review` like any other.

use std::path::Path;

/// insta settings that write and read the snapshot `<name>.snap` in `tests/<dir>`,
/// without the test module's name in front.
fn in_dir(dir: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// Asserts `value` against `tests/<dir>/<name>.snap`.
pub fn assert_beside(dir: &str, name: &str, value: &str) {
    in_dir(dir).bind(|| insta::assert_snapshot!(name, value));
}
