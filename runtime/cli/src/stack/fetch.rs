//! Fetching the stack's jars once, with Maven, into `target/stack/cache`.
//!
//! The Maven project (`runtime/cli/stack/`, compiled into the binary and written to
//! `target/stack/recipe/`) copies or unpacks every artifact. A stamp file holds the text of
//! the project's pom files: while it matches, the cache is complete and `stack up` starts
//! offline without running Maven at all.

use super::layout::Layout;
use anyhow::{Context, bail};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const STAMP: &str = ".fetched-from";

/// The fetch project: each pom's path under the recipe directory, and its text.
const RECIPE: [(&str, &str); 5] = [
    ("pom.xml", include_str!("../../stack/pom.xml")),
    ("kafka/pom.xml", include_str!("../../stack/kafka/pom.xml")),
    ("registry/pom.xml", include_str!("../../stack/registry/pom.xml")),
    (
        "plugin-debezium-jdbc/pom.xml",
        include_str!("../../stack/plugin-debezium-jdbc/pom.xml"),
    ),
    (
        "plugin-apicurio-converter/pom.xml",
        include_str!("../../stack/plugin-apicurio-converter/pom.xml"),
    ),
];

/// Writes the fetch project the binary carries to the recipe directory.
fn write_recipe(layout: &Layout) -> anyhow::Result<()> {
    let dir = layout.fetch_pom();
    let dir = dir.parent().unwrap_or(Path::new("."));
    for (path, text) in RECIPE {
        let file = dir.join(path);
        if fs::read_to_string(&file).ok().as_deref() == Some(text) {
            continue;
        }
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
    }
    Ok(())
}

/// Makes sure the cache holds what the fetch project describes; runs Maven if not.
pub fn ensure_cache(layout: &Layout) -> anyhow::Result<()> {
    write_recipe(layout)?;
    let wanted = pom_fingerprint();
    let cache = layout.cache();
    if fs::read_to_string(cache.join(STAMP)).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    let partial = layout.base().join("cache.partial");
    if partial.exists() {
        fs::remove_dir_all(&partial).with_context(|| format!("removing the unfinished fetch {}", partial.display()))?;
    }
    fs::create_dir_all(&partial).with_context(|| format!("creating {}", partial.display()))?;
    let log = layout.logs().join("fetch.log");
    fs::create_dir_all(layout.logs())?;
    eprintln!(
        "stack: fetching jars with Maven into {} (first run only; log: {})",
        cache.display(),
        log.display()
    );
    let started = Instant::now();
    run_maven(layout, &partial, &log)?;
    sync_plugin_manifests(&partial, &log)?;
    if cache.exists() {
        fs::remove_dir_all(&cache).with_context(|| format!("removing the stale cache {}", cache.display()))?;
    }
    fs::write(partial.join(STAMP), &wanted)?;
    fs::rename(&partial, &cache).with_context(|| format!("moving {} to {}", partial.display(), cache.display()))?;
    eprintln!("stack: fetched in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The text of every pom of the fetch project, in a fixed order: the cache's stamp.
fn pom_fingerprint() -> String {
    RECIPE
        .iter()
        .map(|(path, text)| format!("== {path}\n{text}\n"))
        .collect()
}

fn run_maven(layout: &Layout, out: &Path, log: &Path) -> anyhow::Result<()> {
    let log_file = fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let status = Command::new("mvn")
        .args(["-B", "-q", "-f"])
        .arg(layout.fetch_pom())
        .arg("package")
        .arg(format!("-Dstack.cache={}", out.display()))
        .stdout(log_file.try_clone()?)
        .stderr(log_file)
        .status();
    let status = match status {
        Ok(status) => status,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => bail!(
            "`mvn` is not on PATH: install Maven (Debian: `apt-get install maven`) so the \
             stack can fetch its jars from Maven Central"
        ),
        Err(err) => return Err(err).context("starting `mvn`"),
    };
    if !status.success() {
        let tail = super::health::tail_lines(log, 25);
        bail!(
            "fetching the stack's jars failed (`mvn -f {} package` exited with {status}); \
             full log: {}\n--- last lines ---\n{tail}",
            layout.fetch_pom().display(),
            log.display()
        );
    }
    Ok(())
}

/// Runs Kafka's `connect-plugin-path sync-manifests` over the fetched plugins: it adds the
/// ServiceLoader manifests a plugin lacks (Apicurio's converter has none), so the worker can
/// use `plugin.discovery=service_load` and skip the reflective scan of every jar.
fn sync_plugin_manifests(cache: &Path, log: &Path) -> anyhow::Result<()> {
    let out = fs::OpenOptions::new()
        .append(true)
        .open(log)
        .with_context(|| format!("opening {}", log.display()))?;
    let status = super::java::command(256)
        .arg("-cp")
        .arg(cache.join("kafka-libs").join("*"))
        .args([
            "org.apache.kafka.tools.ConnectPluginPath",
            "sync-manifests",
            "--plugin-path",
        ])
        .arg(cache.join("connect-plugins"))
        .stdout(out.try_clone()?)
        .stderr(out)
        .status()
        .context("running org.apache.kafka.tools.ConnectPluginPath")?;
    if !status.success() {
        bail!(
            "writing the Connect plugins' ServiceLoader manifests failed ({status}); log: {}\n{}",
            log.display(),
            super::health::tail_lines(log, 20)
        );
    }
    Ok(())
}
