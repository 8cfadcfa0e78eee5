//! A pipeline team's whole day with the installed `avrokit` command, in a repository of
//! their own (a fresh git repository in the temp directory, outside this workspace):
//! their schema and catalog, then `gen`, `compat` against git history (a compatible
//! change on a branch passes, a breaking one fails at the field), `register`, `compat
//! --registry`, `topics apply`, `migrate` (the sink table from the generated migration,
//! recorded, so a second run does nothing), `connect deploy`, `produce` of 1000 records,
//! `consume` of them back as they were sent, the connector's rows in PostgreSQL, `lag` at
//! 0 for the caught-up group and `connect delete`.
//!
//! The command is installed as a user's would be: the built binary copied into a `bin/`
//! directory put first on `PATH`, and run as plain `avrokit` from the repository. Every
//! service comes from the environment (`KAFKA_BOOTSTRAP_SERVERS`, ..., `DATABASE_URL`), as
//! in a user's CI. Without a running stack the test prints `SKIPPED ...` and passes.

mod running_stack;
mod scratch;
mod scratch_repo;

use scratch::scratch_name;
use scratch_repo::Repo;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const RECORDS: usize = 1000;

/// The stack's four settings, or `None` (having said why) when the brokers do not listen.
fn stack_env(test: &str) -> Option<Vec<(&'static str, String)>> {
    running_stack::bootstrap(test)?;
    let keys = [
        "KAFKA_BOOTSTRAP_SERVERS",
        "SCHEMA_REGISTRY_URL",
        "KAFKA_CONNECT_URL",
        "DATABASE_URL",
    ];
    let settings: Option<Vec<_>> = keys
        .iter()
        .map(|key| Some((*key, running_stack::setting(key).0?)))
        .collect();
    if settings.is_none() {
        running_stack::skip(test, &format!("the stack lacks one of {keys:?}"));
    }
    settings
}

fn order_schema(extra_field: &str) -> String {
    format!(
        r#"{{"type": "record", "name": "Order", "namespace": "t", "doc": "An order.",
  "fields": [
    {{"name": "order_id", "type": "string"}},
    {{"name": "amount", "type": "double"}},
    {{"name": "placed_at", "type": {{"type": "long", "logicalType": "timestamp-millis"}}}}{extra_field}
  ]}}"#
    )
}

const NOTE: &str = r#",
    {"name": "note", "type": ["null", "string"], "default": null}"#;

/// The built `avrokit` copied into a fresh `bin/` directory, as `cargo install` would put
/// it; removed on drop.
struct Installed {
    bin: PathBuf,
}

impl Installed {
    fn new(name: &str) -> Installed {
        let bin = std::env::temp_dir().join(format!("{name}-install")).join("bin");
        let _ = std::fs::remove_dir_all(&bin);
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_avrokit"), bin.join("avrokit")).expect("installing avrokit");
        Installed { bin }
    }

    /// `PATH` with the `bin/` directory first.
    fn path(&self) -> String {
        let rest = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(self.bin.clone()).chain(std::env::split_paths(&rest));
        std::env::join_paths(dirs).unwrap().to_string_lossy().into_owned()
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if let Some(dir) = self.bin.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

struct Team {
    repo: Repo,
    env: Vec<(&'static str, String)>,
    installed: Installed,
}

impl Team {
    /// `avrokit ARGS` (the installed command, found on `PATH`) in the repository, stdin
    /// piped in; the output (printed).
    fn avrokit(&self, args: &[&str], stdin: &str) -> Output {
        let mut command = Command::new("avrokit");
        command
            .args(args)
            .current_dir(&self.repo.dir)
            .env("PATH", self.installed.path())
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())));
        let out = running_stack::run_with_input(command, stdin);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let shown: String = stdout.lines().take(20).collect::<Vec<_>>().join("\n");
        println!(
            "$ avrokit {}\n{shown}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// `avrokit ARGS`, which must exit 0; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.avrokit(args, "");
        assert!(out.status.success(), "avrokit {args:?}: {}", out.status);
        String::from_utf8(out.stdout).unwrap()
    }

    fn setting(&self, key: &str) -> &str {
        &self.env.iter().find(|(k, _)| *k == key).unwrap().1
    }

    fn sql(&self, statements: &str) -> String {
        running_stack::psql(self.setting("DATABASE_URL"), statements).unwrap_or_else(|err| panic!("psql: {err}"))
    }
}

#[test]
fn a_team_runs_its_pipeline_from_its_own_repository() {
    let Some(env) = stack_env("a_team_runs_its_pipeline_from_its_own_repository") else {
        return;
    };
    let run = scratch_name("user");
    // A table's name is an identifier: no dashes.
    let (topic, table) = (format!("{run}.orders"), format!("orders_{}", run.replace('-', "_")));
    let team = Team {
        repo: Repo::new(&run),
        env,
        installed: Installed::new(&format!("avrokit-{run}")),
    };
    assert!(!team.repo.dir.starts_with(scratch::root()), "outside the workspace");
    // Plain `avrokit` is the installed copy, not a workspace build.
    let version = team.ok(&["--version"]);
    assert!(version.starts_with("avrokit "), "{version}");
    let found = Command::new("sh")
        .args(["-c", "command -v avrokit"])
        .env("PATH", team.installed.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&found.stdout).trim(),
        team.installed.bin.join("avrokit").display().to_string()
    );
    team.repo.write("t/order.avsc", &order_schema(""));
    team.repo.write(
        "catalog.toml",
        &format!(
            r#"environments = ["dev"]

[connect]
converter = "apicurio"

[topics."{topic}"]
key = "string"
key_format = "raw"
value = "t.Order"
compatibility = "BACKWARD"

[topics."{topic}".sink]
table = "{table}"
writer = "debezium-jdbc"
primary_key = ["order_id"]
"#
        ),
    );
    team.repo.commit("orders");

    // A compatible change on a branch: the gate compares with the merge base of main.
    team.repo.git(&["checkout", "-q", "-b", "notes"]);
    team.repo.write("t/order.avsc", &order_schema(NOTE));
    team.repo.commit("orders get an optional note");
    let gate = team.ok(&["compat"]);
    assert!(gate.contains("is compatible (BACKWARD)"), "{gate}");
    // A breaking one in the working tree fails, naming the field.
    team.repo.write(
        "t/order.avsc",
        &order_schema(NOTE).replace(r#""type": "double""#, r#""type": "string""#),
    );
    let broken = team.avrokit(&["compat"], "");
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stdout).contains("/fields/1/type"));
    team.repo.write("t/order.avsc", &order_schema(NOTE));

    let generated = team.ok(&["gen"]);
    assert!(generated.contains("1 sink tables"), "{generated}");
    for file in [
        "generated/src/lib.rs".to_owned(),
        format!("generated/sql/{table}.sql"),
        format!("generated/connect/dev/{table}-sink.json"),
    ] {
        assert!(team.repo.dir.join(&file).is_file(), "gen wrote {file}");
    }
    team.ok(&["gen", "--check"]);

    team.ok(&["register"]);
    team.ok(&["compat", "--registry"]);
    team.ok(&["topics", "apply"]);
    // The sink table, from the generated migration, into DATABASE_URL's database.
    let migration = format!("0001_{table}_create.sql");
    let pending: Value = serde_json::from_str(&team.ok(&["migrate", "--dry-run", "--format", "json"])).unwrap();
    let mine: Vec<&Value> = pending["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["name"] == json!(migration))
        .collect();
    assert_eq!(mine.len(), 1, "{pending}");
    assert_eq!(mine[0]["status"], json!("pending"));
    let migrated = team.ok(&["migrate"]);
    assert!(
        migrated.contains(&format!("applied   {migration}  (now)")),
        "{migrated}"
    );
    assert_eq!(team.sql(&format!("SELECT to_regclass('{table}') IS NOT NULL")), "t");
    let again = team.ok(&["migrate"]);
    assert!(again.contains("migrate: 0 applied"), "{again}");
    let connector = format!("{table}-sink");
    team.ok(&["connect", "deploy"]);

    let input: String = (0..RECORDS)
        .map(|i| {
            let note = if i % 3 == 0 { Value::Null } else { json!({"string": format!("n{i}")}) };
            let value = json!({"order_id": format!("o-{i}"), "amount": i as f64 * 1.5, "placed_at": 1_700_000_000_000i64 + i as i64, "note": note});
            format!("{}\n", json!({"key": format!("o-{i}"), "value": value}))
        })
        .collect();
    let produced = team.avrokit(&["produce", &topic, "--envelope"], &input);
    assert!(produced.status.success());
    assert!(
        String::from_utf8_lossy(&produced.stderr).contains(&format!("{RECORDS} of {RECORDS} record(s) acknowledged"))
    );

    let group = format!("{run}-readers");
    let count = RECORDS.to_string();
    let consumed = team.ok(&[
        "consume",
        &topic,
        "--from-beginning",
        "--group",
        &group,
        "--max-messages",
        &count,
        "--timeout",
        "30",
    ]);
    let lines: Vec<Value> = consumed.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let sent: Vec<Value> = input.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), RECORDS);
    for (got, want) in lines.iter().zip(&sent) {
        assert_eq!((&got["key"], &got["value"]), (&want["key"], &want["value"]));
    }

    let lag: Value = serde_json::from_str(&team.ok(&["lag", &group, "--topic", &topic, "--format", "json"])).unwrap();
    let partitions = lag["partitions"].as_array().unwrap();
    assert!(!partitions.is_empty());
    assert!(partitions.iter().all(|p| p["lag"] == json!(0)), "caught up: {lag}");

    let deadline = Instant::now() + Duration::from_secs(120);
    let rows = loop {
        let rows: usize = team.sql(&format!("SELECT count(*) FROM {table}")).parse().unwrap();
        if rows == RECORDS || Instant::now() > deadline {
            break rows;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(rows, RECORDS, "the connector sank every record");
    assert_eq!(
        team.sql(&format!("SELECT note FROM {table} WHERE order_id = 'o-4'")),
        "n4"
    );

    team.ok(&["connect", "delete", &connector]);
    team.sql(&format!(
        "DROP TABLE {table}; DELETE FROM avrokit_migrations WHERE name = '{migration}'"
    ));
}
