//! `avrokit migrate [--sql DIR] [--database-url URL] [--dry-run] [--format json]`: brings
//! a PostgreSQL database to the sink tables `avrokit gen` generated, by running the
//! numbered migrations of `generated/sql/migrations/` (`NNNN_<table>_<what>.sql`: the
//! first of each table creates it with the DDL of `generated/sql/<table>.sql`, later
//! ones alter it) that the database has not run yet.
//!
//! What ran is recorded in the table `avrokit_migrations (name, checksum, applied_at)`
//! (created on first use, in the first schema of the connection's `search_path`), so
//! each migration runs once per database. Each pending one runs in its own transaction
//! together with its record: a migration that fails leaves nothing of itself behind, and
//! the ones before it stay applied. A migration whose file changed after a database ran
//! it (its checksum differs from the recorded one), or that was edited after `gen` wrote
//! it (its checksum differs from `tables.lock.json`'s), stops the run before anything is
//! applied (exit 1): databases that ran the old text would never see the edit; a schema
//! change gets a new migration from `gen` instead. Two runs against one database at the
//! same time take turns (a session advisory lock).
//!
//! The checksums are the ones `tables.lock.json` records (the content's Rabin
//! fingerprint, in hex).

use crate::endpoints::DatabaseArgs;
use crate::output::{OutputFormat, print_json, text_or_json};
use crate::schema_dir::OutDir;
use anyhow::{Context, anyhow, bail};
use avrokit_codegen::canonical::rabin_fingerprint;
use avrokit_codegen::sql::MIGRATIONS_DIR;
use clap::Args;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use tokio_postgres::config::Host;
use tokio_postgres::{Client, Config, NoTls};

/// The generated SQL directory's variable (`--sql`).
pub const SQL_DIR_VAR: &str = "AVROKIT_SQL_DIR";
/// The table that records the migrations a database ran.
pub const TRACKING_TABLE: &str = "avrokit_migrations";
/// The lock file `gen` keeps beside the migrations: their checksums and the tables'
/// shapes.
pub const LOCK_FILE: &str = "tables.lock.json";
/// The advisory lock key two concurrent runs take turns on (`avrokit_migrations` as
/// bytes, truncated to a `bigint`).
const LOCK_KEY: i64 = 0x6176_726f_6b69_745f;

/// Arguments of `avrokit migrate`.
#[derive(Args, Debug, Default)]
pub struct MigrateArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Where `gen` wrote the output; the SQL is in OUT/sql.
    #[command(flatten)]
    pub out: OutDir,
    /// The generated SQL directory, instead of OUT/sql: the tables' DDL and `migrations/`
    /// with `tables.lock.json`.
    #[arg(long = "sql", env = SQL_DIR_VAR, value_name = "DIR")]
    pub sql: Option<PathBuf>,
    /// List the pending migrations (and check the applied ones), changing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// `text` (a line per migration) or `json`: one object, `{"database"
    /// (`user@host:port/db`, no password), "migrations_dir", "dry_run", "ok" (nothing
    /// changed, edited or failed), "applied" (run now), "pending" (still to run),
    /// "already_applied", "migrations": [{"name", "checksum", "status"
    /// (`already_applied`, `applied`, `pending`, `changed`, `edited` or `failed`),
    /// "applied_at" (when the database ran it, else null), "recorded_checksum"
    /// (`changed`: what the database ran), "locked_checksum" (`edited`: what `gen`
    /// wrote), "error" (`failed`: why)}], "unknown":
    /// [names the database ran that no file has]}`.
    #[arg(long, value_parser = text_or_json(), default_value = "text")]
    pub format: OutputFormat,
}

impl MigrateArgs {
    /// The generated SQL directory.
    pub fn sql_dir(&self) -> PathBuf {
        self.sql.clone().unwrap_or_else(|| self.out.sql())
    }
}

/// One migration file.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The file's name (`0001_telescope_data_raw_create.sql`), its key in the database.
    pub name: String,
    /// Its SQL.
    pub sql: String,
    /// Its checksum.
    pub checksum: String,
    /// The checksum `tables.lock.json` records for it (`None`: written by hand, not
    /// locked yet).
    pub locked: Option<String>,
}

/// The migrations of `sql_dir/migrations/`, in order (by number, then name).
pub fn read_migrations(sql_dir: &Path) -> anyhow::Result<Vec<Migration>> {
    let dir = sql_dir.join(MIGRATIONS_DIR);
    if !dir.is_dir() {
        bail!(
            "no migrations in {}: run `avrokit gen` (it writes the sink tables' DDL and migrations), or pass \
             --sql DIR (or set {SQL_DIR_VAR})",
            dir.display()
        );
    }
    let locked = locked_checksums(&dir)?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry.with_context(|| format!("reading {}", dir.display()))?.path();
        if path.extension().is_some_and(|ext| ext == "sql") && path.is_file() {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let sql = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            files.push((name, sql));
        }
    }
    let mut migrations = Vec::new();
    for (name, sql) in &files {
        let Some(number) = name.split('_').next().and_then(|n| n.parse::<u32>().ok()) else {
            bail!(
                "{}: a migration's name must start with its number (`0007_...sql`)",
                dir.join(name).display()
            );
        };
        migrations.push((
            number,
            Migration {
                name: name.clone(),
                sql: sql.clone(),
                checksum: checksum(sql),
                locked: locked.get(name.as_str()).cloned(),
            },
        ));
    }
    migrations.sort_by(|(a, a_name), (b, b_name)| a.cmp(b).then_with(|| a_name.name.cmp(&b_name.name)));
    Ok(migrations.into_iter().map(|(_, m)| m).collect())
}

/// The checksum recorded for a migration's content: its Rabin fingerprint in hex, as
/// `tables.lock.json` records it.
pub fn checksum(sql: &str) -> String {
    format!("{:016x}", rabin_fingerprint(sql.as_bytes()))
}

/// The checksums `tables.lock.json` of `dir` records, by file name (none without one).
fn locked_checksums(dir: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let path = dir.join(LOCK_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    let lock: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let entries = lock["migrations"].as_array().map(Vec::as_slice).unwrap_or_default();
    entries
        .iter()
        .map(|entry| match (entry["file"].as_str(), entry["checksum"].as_str()) {
            (Some(file), Some(sum)) => Ok((file.to_owned(), sum.to_owned())),
            _ => bail!(
                "{}: a migration entry needs `file` and `checksum`: {entry}",
                path.display()
            ),
        })
        .collect()
}

/// Where a migration stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// The database ran it before this run.
    AlreadyApplied,
    /// Run now.
    Applied,
    /// Still to run.
    Pending,
    /// The database ran another text under this name (its recorded checksum).
    Changed(String),
    /// The file differs from what `gen` locked (the locked checksum).
    Edited(String),
    /// Running it failed (why); rolled back.
    Failed(String),
}

impl State {
    fn name(&self) -> &'static str {
        match self {
            State::AlreadyApplied => "already_applied",
            State::Applied => "applied",
            State::Pending => "pending",
            State::Changed(_) => "changed",
            State::Edited(_) => "edited",
            State::Failed(_) => "failed",
        }
    }
}

/// One migration's line of the report.
struct Row {
    migration: Migration,
    state: State,
    applied_at: Option<String>,
}

/// The report of one run.
struct Report {
    database: String,
    dir: PathBuf,
    dry_run: bool,
    rows: Vec<Row>,
    /// Names the database ran that no file has.
    unknown: Vec<String>,
}

impl Report {
    fn count(&self, f: impl Fn(&State) -> bool) -> usize {
        self.rows.iter().filter(|r| f(&r.state)).count()
    }

    fn ok(&self) -> bool {
        self.count(|s| matches!(s, State::Changed(_) | State::Edited(_) | State::Failed(_))) == 0
    }

    fn json(&self) -> Value {
        let migrations: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let mut entry = json!({
                    "name": row.migration.name,
                    "checksum": row.migration.checksum,
                    "status": row.state.name(),
                    "applied_at": row.applied_at,
                });
                match &row.state {
                    State::Changed(recorded) => entry["recorded_checksum"] = json!(recorded),
                    State::Edited(locked) => entry["locked_checksum"] = json!(locked),
                    State::Failed(why) => entry["error"] = json!(why),
                    _ => {}
                }
                entry
            })
            .collect();
        json!({
            "database": self.database,
            "migrations_dir": self.dir.display().to_string(),
            "dry_run": self.dry_run,
            "ok": self.ok(),
            "applied": self.count(|s| *s == State::Applied),
            "pending": self.count(|s| *s == State::Pending),
            "already_applied": self.count(|s| *s == State::AlreadyApplied),
            "migrations": migrations,
            "unknown": self.unknown,
        })
    }

    fn print_text(&self) {
        println!("migrate: {} from {}", self.database, self.dir.display());
        for row in &self.rows {
            let name = &row.migration.name;
            let line = match &row.state {
                State::AlreadyApplied => format!(
                    "  applied   {name}  ({})",
                    row.applied_at.as_deref().unwrap_or("earlier")
                ),
                State::Applied => format!("  applied   {name}  (now)"),
                State::Pending => format!("  pending   {name}"),
                State::Changed(recorded) => format!(
                    "  CHANGED   {name}: the database ran checksum {recorded}, the file now has {}; restore the \
                     file as it ran (a change needs a new migration)",
                    row.migration.checksum
                ),
                State::Edited(locked) => format!(
                    "  EDITED    {name}: checksum {} but tables.lock.json says {locked}; revert the edit (a schema \
                     change gets a new migration from `avrokit gen`)",
                    row.migration.checksum
                ),
                State::Failed(why) => format!("  FAILED    {name}: {why} (rolled back)"),
            };
            println!("{line}");
        }
        for name in &self.unknown {
            println!(
                "  note: the database ran {name}, which no file of {} has",
                self.dir.display()
            );
        }
        let (applied, pending, before) = (
            self.count(|s| *s == State::Applied),
            self.count(|s| *s == State::Pending),
            self.count(|s| *s == State::AlreadyApplied),
        );
        let changed = self.count(|s| matches!(s, State::Changed(_) | State::Edited(_)));
        let summary = if changed > 0 {
            format!("{changed} migration(s) changed after the fact; nothing applied")
        } else if self.count(|s| matches!(s, State::Failed(_))) > 0 {
            format!("{applied} applied, then one failed; {pending} not run")
        } else if self.dry_run {
            format!("{pending} pending, {before} already applied; dry run, nothing applied")
        } else {
            format!("{applied} applied, {before} already applied")
        };
        println!("migrate: {summary}");
    }

    fn print(&self, format: OutputFormat) {
        if format.is_json() {
            print_json(&self.json());
        } else {
            self.print_text();
        }
    }
}

/// Runs `avrokit migrate`: exit 0 when the database is up to date (or, with `--dry-run`,
/// could be brought there), 1 when a migration changed after the fact, 2 when the files
/// or the database cannot be used, or a migration fails.
pub fn run(args: &MigrateArgs) -> anyhow::Result<ExitCode> {
    let sql_dir = args.sql_dir();
    let migrations = read_migrations(&sql_dir)?;
    let url = args.database.url()?;
    let config = config(&url)?;
    let database = describe(&config);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let client = connect(&config, &database).await?;
        let mut report = Report {
            database: database.clone(),
            dir: sql_dir.join(MIGRATIONS_DIR),
            dry_run: args.dry_run,
            rows: Vec::new(),
            unknown: Vec::new(),
        };
        let recorded = recorded(&client, args.dry_run)
            .await
            .with_context(|| format!("reading {TRACKING_TABLE} of {database}"))?;
        report.unknown = recorded
            .keys()
            .filter(|name| !migrations.iter().any(|m| &&m.name == name))
            .cloned()
            .collect();
        for migration in migrations {
            let (state, applied_at) = match recorded.get(&migration.name) {
                Some((sum, _)) if *sum != migration.checksum => (State::Changed(sum.clone()), None),
                Some((_, at)) => (State::AlreadyApplied, Some(at.clone())),
                None => match &migration.locked {
                    Some(locked) if *locked != migration.checksum => (State::Edited(locked.clone()), None),
                    _ => (State::Pending, None),
                },
            };
            report.rows.push(Row {
                migration,
                state,
                applied_at,
            });
        }
        if !report.ok() {
            report.print(args.format);
            return Ok(ExitCode::from(crate::FINDING));
        }
        if args.dry_run {
            report.print(args.format);
            return Ok(ExitCode::SUCCESS);
        }
        let total = report.count(|s| *s == State::Pending);
        let mut done = 0;
        for row in report.rows.iter_mut().filter(|r| r.state == State::Pending) {
            done += 1;
            eprintln!("migrate: [{done}/{total}] {}", row.migration.name);
            match apply(&client, &row.migration).await {
                Ok(()) => row.state = State::Applied,
                Err(why) => {
                    let name = row.migration.name.clone();
                    row.state = State::Failed(why.clone());
                    report.print(args.format);
                    bail!(
                        "migration {name} failed and was rolled back (the {} before it stay applied): {why}",
                        done - 1
                    );
                }
            }
        }
        report.print(args.format);
        Ok(ExitCode::SUCCESS)
    })
}

/// `url` parsed, with a connect timeout when it sets none; the error never repeats the
/// URL (it may hold a password).
fn config(url: &str) -> anyhow::Result<Config> {
    let mut config: Config = url
        .parse()
        .map_err(|err| anyhow!("the database URL is not a PostgreSQL connection string: {err}"))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name("avrokit migrate");
    }
    Ok(config)
}

/// `user@host:port/db`, without the password, for messages.
fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let port = config
                .get_ports()
                .get(i)
                .or(config.get_ports().first())
                .copied()
                .unwrap_or(5432);
            match host {
                Host::Tcp(name) => format!("{name}:{port}"),
                Host::Unix(dir) => format!("{}:{port}", dir.display()),
            }
        })
        .collect();
    let hosts = if hosts.is_empty() {
        "localhost:5432".to_owned()
    } else {
        hosts.join(",")
    };
    let user = config.get_user().unwrap_or("(default user)");
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("(default database)");
    format!("{user}@{hosts}/{db}")
}

/// An error and its causes in one line (PostgreSQL's DETAIL and HINT lines joined with
/// `; `).
fn one_line(err: &tokio_postgres::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text.lines().map(str::trim).collect::<Vec<_>>().join("; ")
}

async fn connect(config: &Config, database: &str) -> anyhow::Result<Client> {
    let (client, connection) = config
        .connect(NoTls)
        .await
        .map_err(|err| anyhow!("cannot connect to PostgreSQL at {database}: {}", one_line(&err)))?;
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            eprintln!("warning: the connection to PostgreSQL ended: {}", one_line(&err));
        }
    });
    Ok(client)
}

/// What the database ran: name → (checksum, when). Outside a dry run, takes the advisory
/// lock and creates the tracking table when it is missing first.
async fn recorded(client: &Client, dry_run: bool) -> anyhow::Result<BTreeMap<String, (String, String)>> {
    let db = |err: tokio_postgres::Error| anyhow!("{}", one_line(&err));
    if dry_run {
        let exists: bool = client
            .query_one(&format!("SELECT to_regclass('{TRACKING_TABLE}') IS NOT NULL"), &[])
            .await
            .map_err(db)?
            .get(0);
        if !exists {
            return Ok(BTreeMap::new());
        }
    } else {
        client
            .execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])
            .await
            .map_err(db)?;
        client
            .batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (
                    name TEXT PRIMARY KEY,
                    checksum TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                );
                COMMENT ON TABLE {TRACKING_TABLE} IS 'The sink table migrations `avrokit migrate` ran: file name, checksum, when.'"
            ))
            .await
            .map_err(db)?;
    }
    let rows = client
        .query(
            &format!("SELECT name, checksum, applied_at::text FROM {TRACKING_TABLE} ORDER BY name"),
            &[],
        )
        .await
        .map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|row| (row.get(0), (row.get(1), row.get(2))))
        .collect())
}

/// Runs `migration` and records it, in one transaction; the error in one line.
async fn apply(client: &Client, migration: &Migration) -> Result<(), String> {
    let run = async {
        client.batch_execute("BEGIN").await?;
        client.batch_execute(&migration.sql).await?;
        client
            .execute(
                &format!("INSERT INTO {TRACKING_TABLE} (name, checksum) VALUES ($1, $2)"),
                &[&migration.name, &migration.checksum],
            )
            .await?;
        client.batch_execute("COMMIT").await
    };
    match run.await {
        Ok(()) => Ok(()),
        Err(err) => {
            let _ = client.batch_execute("ROLLBACK").await;
            Err(one_line(&err))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_is_described_without_its_password() {
        let config = config("postgres://avrokit:s3cret@127.0.0.1:5433/sinks").unwrap();
        assert_eq!(describe(&config), "avrokit@127.0.0.1:5433/sinks");
        let err = config_error("postgres://u:s3cret@[bad");
        assert!(!err.contains("s3cret"), "{err}");
    }

    fn config_error(url: &str) -> String {
        config(url).unwrap_err().to_string()
    }

    #[test]
    fn migrations_are_read_in_order_with_their_locked_checksums() {
        let dir = std::env::temp_dir().join(format!("avrokit-migrate-read-{}", std::process::id()));
        let migrations = dir.join(MIGRATIONS_DIR);
        std::fs::create_dir_all(&migrations).unwrap();
        std::fs::write(migrations.join("0002_t_add_b.sql"), "ALTER TABLE t ADD COLUMN b INT;\n").unwrap();
        std::fs::write(migrations.join("0001_t_create.sql"), "CREATE TABLE t (a INT);\n").unwrap();
        std::fs::write(migrations.join("10000_t_late.sql"), "SELECT 1;\n").unwrap();
        let lock = format!(
            r#"{{"migrations": [{{"file": "0001_t_create.sql", "checksum": "{}"}}], "tables": {{}}}}"#,
            checksum("CREATE TABLE t (a INT);\n")
        );
        std::fs::write(migrations.join(LOCK_FILE), lock).unwrap();
        let read = read_migrations(&dir).unwrap();
        let names: Vec<&str> = read.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["0001_t_create.sql", "0002_t_add_b.sql", "10000_t_late.sql"]);
        assert_eq!(read[0].locked.as_deref(), Some(read[0].checksum.as_str()));
        assert_eq!(read[1].locked, None);

        std::fs::write(migrations.join("oops.sql"), "SELECT 1;\n").unwrap();
        let err = read_migrations(&dir).unwrap_err().to_string();
        assert!(err.contains("must start with its number"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();

        let err = read_migrations(&dir).unwrap_err().to_string();
        assert!(
            err.starts_with("no migrations in ") && err.contains("avrokit gen"),
            "{err}"
        );
    }
}
