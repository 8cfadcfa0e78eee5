//! PostgreSQL 15 from the machine's binaries: a fresh cluster under the stack's data dir.
//!
//! PostgreSQL refuses to run as root; when `stack up` runs as root (CI, containers) the
//! cluster is owned by, and the server runs as, the `postgres` system user (`setpriv`
//! switches user and then `exec`s, so the recorded pid is the postmaster's).

use super::Stack;
use super::health::Probe;
use super::process::effective_uid;
use super::topology::{DB_NAME, DB_PASSWORD, DB_USER, POSTGRES_MAJOR, Service};
use anyhow::{Context, bail};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The system user that owns the cluster when `stack up` runs as root.
const SERVICE_USER: &str = "postgres";

/// Runs `initdb` when the data directory is new; returns the server command and whether
/// the cluster is fresh (then [`create_database`] must run once it is healthy).
pub fn command(stack: &Stack) -> anyhow::Result<(Command, bool)> {
    let bin = bin_dir()?;
    let root = stack.layout.data(Service::Postgres);
    let data = root.join("pgdata");
    let owner = owner()?;
    fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(&root, Some(uid), Some(gid))
            .with_context(|| format!("giving {} to user {SERVICE_USER}", root.display()))?;
    }
    let fresh = !data.join("PG_VERSION").exists();
    if fresh {
        initdb(stack, &bin, &root, &data, owner)?;
    }
    let mut cmd = as_owner(owner, &bin.join("postgres"));
    cmd.arg("-D")
        .arg(&data)
        .arg("-p")
        .arg(stack.ports.of(Service::Postgres).to_string())
        .args(["-c", "listen_addresses=127.0.0.1"])
        // TCP only: no socket directory to own or clean up.
        .args(["-c", "unix_socket_directories="])
        // A throwaway test database: durability is not needed, speed is.
        .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
        .args(["-c", "full_page_writes=off", "-c", "max_connections=50"]);
    Ok((cmd, fresh))
}

fn initdb(stack: &Stack, bin: &Path, root: &Path, data: &Path, owner: Option<(u32, u32)>) -> anyhow::Result<()> {
    let pwfile = root.join("initdb.pw");
    fs::write(&pwfile, format!("{DB_PASSWORD}\n"))?;
    fs::set_permissions(&pwfile, fs::Permissions::from_mode(0o600))?;
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid))?;
    }
    let log = stack.layout.logs().join("postgres-initdb.log");
    let out = fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
    let status = as_owner(owner, &bin.join("initdb"))
        .arg("-D")
        .arg(data)
        .args(["-U", DB_USER, "-E", "UTF8", "--no-locale", "--no-sync"])
        .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
        .arg(format!("--pwfile={}", pwfile.display()))
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .status()
        .context("running initdb")?;
    let _ = fs::remove_file(&pwfile);
    if !status.success() {
        bail!(
            "initdb failed ({status}); log: {}\n{}",
            log.display(),
            super::health::tail_lines(&log, 20)
        );
    }
    Ok(())
}

/// Healthy when `pg_isready` says the server accepts connections on the stack's port.
pub fn probe(stack: &Stack) -> Probe {
    let bin = bin_dir().map_err(|e| e.to_string())?;
    let port = stack.ports.of(Service::Postgres).to_string();
    let out = Command::new(bin.join("pg_isready"))
        .args(["-q", "-h", "127.0.0.1", "-p", &port, "-U", DB_USER, "-d", "postgres"])
        .output()
        .map_err(|e| format!("running pg_isready: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("pg_isready exited with {}", out.status))
    }
}

/// Creates the `avrokit` database (once, on a fresh cluster).
pub fn create_database(stack: &Stack) -> anyhow::Result<()> {
    let bin = bin_dir()?;
    let out = Command::new(bin.join("createdb"))
        .args(["-h", "127.0.0.1", "-p"])
        .arg(stack.ports.of(Service::Postgres).to_string())
        .args(["-U", DB_USER, DB_NAME])
        .env("PGPASSWORD", DB_PASSWORD)
        .output()
        .context("running createdb")?;
    if !out.status.success() {
        bail!(
            "createdb {DB_NAME} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// The PostgreSQL binaries: `$AVROKIT_PG_BINDIR`, Debian's versioned directory, or
/// `pg_config --bindir` from PATH.
fn bin_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("AVROKIT_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let debian = PathBuf::from(format!("/usr/lib/postgresql/{POSTGRES_MAJOR}/bin"));
    if debian.join("postgres").is_file() {
        return Ok(debian);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("postgres").is_file() {
            return Ok(dir);
        }
    }
    bail!(
        "PostgreSQL server binaries not found: install them (Debian: `apt-get install \
         postgresql-{POSTGRES_MAJOR}`) or set AVROKIT_PG_BINDIR"
    )
}

/// `(uid, gid)` of the `postgres` user when running as root; `None` otherwise.
fn owner() -> anyhow::Result<Option<(u32, u32)>> {
    if effective_uid() != Some(0) {
        return Ok(None);
    }
    let passwd = fs::read_to_string("/etc/passwd").context("reading /etc/passwd")?;
    for line in passwd.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() > 3 && fields[0] == SERVICE_USER {
            let uid = fields[2].parse().context("uid of user postgres")?;
            let gid = fields[3].parse().context("gid of user postgres")?;
            return Ok(Some((uid, gid)));
        }
    }
    bail!(
        "running as root, and PostgreSQL refuses to: create a `{SERVICE_USER}` system user \
         (Debian's postgresql packages do) or run the stack as a normal user"
    )
}

/// `program`, run as the cluster's owner when that differs from the current user.
fn as_owner(owner: Option<(u32, u32)>, program: &Path) -> Command {
    match owner {
        Some((uid, gid)) => {
            let mut cmd = Command::new("setpriv");
            cmd.arg(format!("--reuid={uid}"))
                .arg(format!("--regid={gid}"))
                .arg("--clear-groups")
                .arg(program);
            cmd
        }
        None => Command::new(program),
    }
}
