//! `avrokit docs` end to end in a real browser: the site for `avro-schemas/` is built by
//! the `avrokit` binary into a temporary directory, then `docs_site/check_site.mjs`
//! drives Debian's Chromium headless through playwright-core over `file://`: no console
//! or page errors, every link of every page resolves (anchors included), the graph has a
//! node per topic, search finds and opens fields, tables, symbols and topics, and the
//! seed's history shows TelescopeCommand's compatible `priority` change. Screenshots go
//! to `target/test-artifacts/docs-site*.png`.
//!
//! Needs Node 18+ with npm, and `/usr/bin/chromium` (or `CHROMIUM`): when it is missing
//! and the test runs as root, it installs Debian's `chromium` package with apt-get, as a
//! fresh CI machine does; otherwise it fails saying what to install. playwright-core is
//! installed with npm into `target/tools/playwright/` on first use (it downloads no
//! browser).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The playwright-core version the script is written against.
const PLAYWRIGHT: &str = "1.65.2";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace")
}

/// The workspace's `target/` (where the binary under test was built).
fn target_dir() -> PathBuf {
    let binary = Path::new(env!("CARGO_BIN_EXE_avrokit"));
    // target/<profile>/avrokit
    binary
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| workspace().join("target"))
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// The Chromium binary: `CHROMIUM`, else `/usr/bin/chromium`, installed with apt-get
/// when missing and the test runs as root.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "CHROMIUM={} is not a file", path.display());
        return path;
    }
    let path = PathBuf::from("/usr/bin/chromium");
    if path.is_file() {
        return path;
    }
    assert!(
        is_root(),
        "the docs site test needs Chromium at /usr/bin/chromium: install Debian's package \
         (`sudo apt-get install -y --no-install-recommends chromium`) or set CHROMIUM to a Chromium binary"
    );
    eprintln!("docs_site: installing chromium with apt-get");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    let installed = install()
        || (Command::new("apt-get")
            .arg("update")
            .status()
            .is_ok_and(|s| s.success())
            && install());
    assert!(
        installed && path.is_file(),
        "the docs site test needs Chromium, and `apt-get install -y --no-install-recommends chromium` failed: \
         install it (Debian's `chromium` package) or set CHROMIUM to a Chromium binary"
    );
    path
}

/// playwright-core in `target/tools/playwright/`, installed with npm on first use.
fn playwright() -> PathBuf {
    assert!(
        runs("node", &["--version"]) && runs("npm", &["--version"]),
        "the docs site test needs Node.js 18+ and npm (`apt-get install nodejs npm`) to drive Chromium"
    );
    let dir = target_dir().join("tools/playwright");
    let installed = dir.join("node_modules/playwright-core/package.json");
    let current = std::fs::read_to_string(&installed)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|package| package["version"] == PLAYWRIGHT);
    if !current {
        std::fs::create_dir_all(&dir).expect("target/tools/playwright");
        eprintln!(
            "docs_site: installing playwright-core {PLAYWRIGHT} into {}",
            dir.display()
        );
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
            .arg(&dir)
            .arg(format!("playwright-core@{PLAYWRIGHT}"))
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .status()
            .expect("npm runs");
        assert!(
            status.success() && installed.is_file(),
            "npm could not install playwright-core {PLAYWRIGHT} into {}",
            dir.display()
        );
    }
    dir
}

fn is_shallow(repo: &Path) -> bool {
    Command::new("git")
        .current_dir(repo)
        .args(["rev-parse", "--is-shallow-repository"])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "true")
}

#[test]
fn docs_site_renders_links_searches_and_draws_in_headless_chromium() {
    let started = Instant::now();
    let chromium = chromium();
    let playwright = playwright();
    let workspace = workspace();
    let site = std::env::temp_dir().join(format!("avrokit-docs-site-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&site);

    let built = Command::new(env!("CARGO_BIN_EXE_avrokit"))
        .current_dir(&workspace)
        .args(["docs", "--schemas", "avro-schemas", "--out"])
        .arg(&site)
        .output()
        .expect("avrokit runs");
    let stdout = String::from_utf8_lossy(&built.stdout);
    assert!(
        built.status.success(),
        "avrokit docs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(stdout.contains(" pages (10 topics, 15 types) in "), "{stdout}");
    assert!(site.join("index.html").is_file());

    let artifacts = target_dir().join("test-artifacts");
    std::fs::create_dir_all(&artifacts).expect("target/test-artifacts");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs_site/check_site.mjs");
    // A shallow clone lacks the seed's history; everything else is still checked.
    let expect_history = !is_shallow(&workspace);
    if !expect_history {
        eprintln!("docs_site: shallow clone, the history is not checked");
    }
    let checked = Command::new("node")
        .arg(&script)
        .arg(&site)
        .arg(&artifacts)
        .arg(&playwright)
        .env("CHROMIUM", &chromium)
        .env("EXPECT_HISTORY", if expect_history { "1" } else { "0" })
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&checked.stdout);
    assert!(
        checked.status.success(),
        "the site fails in Chromium:\n{report}\n{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(report.trim()).expect("the script's summary");
    assert_eq!(summary["pages"], 1 + 10 + 15 + 3, "{summary}");
    assert_eq!(summary["topicNodes"], 10, "{summary}");
    for shot in [
        "docs-site.png",
        "docs-site-type.png",
        "docs-site-search.png",
        "docs-site-topic.png",
    ] {
        let png = artifacts.join(shot);
        let bytes = std::fs::read(&png).unwrap_or_else(|err| panic!("{}: {err}", png.display()));
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{}",
            png.display()
        );
    }
    eprintln!(
        "docs_site: {summary} in {:.1}s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        artifacts.display()
    );
    let _ = std::fs::remove_dir_all(&site);
}
