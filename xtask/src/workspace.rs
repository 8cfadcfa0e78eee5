//! Where the workspace is, so every task works from any directory.

use std::path::PathBuf;

/// The workspace root (the parent of this crate's manifest directory).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
