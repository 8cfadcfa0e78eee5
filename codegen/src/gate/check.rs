//! One pair of schema files, old and new, under one mode (`compat check`).

use super::Status;
use super::format::{self, Checked, Format};
use crate::compat::{self, Compatibility, Version};
use crate::ir::{Schema, SchemaSet};
use crate::source::SourceFile;
use crate::{LoadOptions, Strictness, load_files, schema_json};
use std::path::Path;

/// Checks `new` (the proposed schema) against `old` (the schema as registered so far)
/// under `mode`, and prints the result in `format`. Each file must be self-contained
/// (every type it uses defined in it). A file that does not load prints the loader's
/// located diagnostics to stderr and ends [`Status::Undecided`]; with
/// [`Strictness::Strict`], logical-type warnings fail too.
pub fn check_pair(old: &Path, new: &Path, mode: Compatibility, format: Format, strictness: Strictness) -> Status {
    let (old_loaded, new_loaded) = match (load(old), load(new)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for err in [old.err(), new.err()].into_iter().flatten() {
                eprintln!("{err}");
            }
            return Status::Undecided;
        }
    };
    let previous = [Version {
        number: 1,
        set: &old_loaded.0,
        schema: &old_loaded.1,
    }];
    let verdict = compat::check((&new_loaded.0, &new_loaded.1), &previous, mode);
    let checked = Checked {
        subject: new.display().to_string(),
        failed_json: verdict
            .failed_version
            .map(|_| schema_json::to_json(&old_loaded.0, &old_loaded.1)),
        verdict,
    };
    Status::from_passed(format::print(&[checked], format, strictness))
}

/// Loads one self-contained `.avsc` file: its set and its top-level schema.
fn load(path: &Path) -> Result<(SchemaSet, Schema), String> {
    let text =
        std::fs::read_to_string(path).map_err(|err| format!("{}: cannot read the file: {err}", path.display()))?;
    let set = load_files(vec![SourceFile::new(path, text)], &LoadOptions::default()).map_err(|d| d.to_string())?;
    let root = set.roots[0].clone();
    Ok((set, root))
}
