//! The connector files `avrokit gen` wrote for one environment:
//! `generated/connect/<env>/<connector>.json`.

use anyhow::{Context, bail};
use avrokit_codegen::connect::ConnectorFile;
use std::path::Path;

/// The connectors of `dir/<environment>/`, sorted by name: all of them, or those `names`
/// lists (each must exist).
pub fn load(dir: &Path, environment: &str, names: &[String]) -> anyhow::Result<Vec<ConnectorFile>> {
    let env_dir = dir.join(environment);
    let entries = std::fs::read_dir(&env_dir).with_context(|| {
        format!(
            "reading {} (is `{environment}` an environment of the catalog? run `avrokit gen`)",
            env_dir.display()
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let file: ConnectorFile =
            serde_json::from_str(&text).with_context(|| format!("{} is not a connector file", path.display()))?;
        files.push(file);
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    if names.is_empty() {
        return Ok(files);
    }
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !files.iter().any(|f| &f.name == *n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        let known: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        bail!(
            "no connector file for {} in {} (there are: {})",
            missing.join(", "),
            env_dir.display(),
            known.join(", ")
        );
    }
    files.retain(|f| names.contains(&f.name));
    Ok(files)
}
