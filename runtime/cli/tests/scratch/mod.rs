//! Scratch copies of `avro-schemas/` for the tests that run `avrokit` against the
//! stack, and names for them: every topic gets a prefix of its own, so a run's topics
//! and subjects are its own. Finding the stack is `running_stack`'s.

#![allow(dead_code)] // Each test file uses its own part.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("runtime/cli/ is two levels down")
        .to_path_buf()
}

/// A name no earlier run used, for scratch topics, subjects, directories and
/// databases: `prefix-<pid>-<nanos>`.
pub fn scratch_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// Copies `avro-schemas/` to a scratch directory, every topic renamed `<prefix>.<topic>`.
pub fn scratch_schemas(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(prefix);
    copy_dir(&root().join("avro-schemas"), &dir);
    let catalog = dir.join("catalog.toml");
    let text = std::fs::read_to_string(&catalog).unwrap();
    std::fs::write(&catalog, text.replace("[topics.\"", &format!("[topics.\"{prefix}."))).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
