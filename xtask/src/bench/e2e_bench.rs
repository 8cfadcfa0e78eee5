//! `cargo xtask bench e2e`: avrokit on the local broker, end to end.
//!
//! Producer throughput for `TelescopeData` with a 1 KiB payload: avrokit's
//! `Producer::send` against a raw rdkafka `FutureProducer` sending the same records
//! pre-framed (same librdkafka settings), and against Python confluent-kafka's `Producer` +
//! `AvroSerializer` (`interop.py produce-bench`, pinned venv). Sink throughput: the avrokit
//! PostgreSQL sink against the Kafka Connect Debezium JDBC sink on the same topic, each
//! into its own scratch copy of `telescope_data_raw`, with the sink process's peak RSS and
//! the Connect worker's. The measured Rust side is `tests/bin/e2e_bench.rs`, built in
//! release mode; everything runs on scratch topics and tables, removed afterwards.
//! Measurements are printed, never asserted.

use crate::workspace;
use anyhow::{Context, bail};
use avrokit_cli::stack;
use clap::Args;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Arguments of `cargo xtask bench e2e`.
#[derive(Args)]
pub struct E2eBenchArgs {
    /// Records per producer round, and in the topic the sinks read.
    #[arg(long, default_value_t = 100_000)]
    records: usize,
    /// Producer rounds per contender; the best one counts.
    #[arg(long, default_value_t = 7)]
    rounds: usize,
    /// Most records per avrokit sink transaction (default: the Debezium sink's
    /// `batch.size` and Connect's `max.poll.records`, 500).
    #[arg(long, default_value_t = 500)]
    max_batch: usize,
    /// Leave out the Kafka Connect sink.
    #[arg(long)]
    no_connect: bool,
}

/// The end-to-end targets: avrokit's producer overhead over raw rdkafka, its speed-up over
/// Python, and its sink against Connect's.
const TARGET_OVERHEAD: f64 = 0.10;
const TARGET_VS_PYTHON: f64 = 10.0;
const TARGET_VS_CONNECT: f64 = 1.0;
/// The longest a sink may take to write every row.
const SINK_TIMEOUT: Duration = Duration::from_secs(300);
/// The connector file the Connect contender's configuration is derived from.
const CONNECTOR_FILE: &str = "generated/connect/dev/telescope_data_raw-sink.json";
/// The generated DDL the scratch tables are created from.
const TABLE_DDL: &str = "generated/sql/telescope_data_raw.sql";

/// The stack's addresses.
struct Stack {
    bootstrap: String,
    registry: String,
    connect: String,
    database: String,
}

/// Runs the benchmark, or says why it is skipped.
pub fn run(args: E2eBenchArgs) -> anyhow::Result<ExitCode> {
    let stack = match find_stack() {
        Ok(stack) => stack,
        Err(why) => {
            println!("SKIPPED bench e2e: {why}; start the stack with `cargo xtask stack up`");
            return Ok(ExitCode::SUCCESS);
        }
    };
    if args.records == 0 || args.rounds == 0 {
        bail!("--records and --rounds must be at least 1");
    }
    let bench = build_bench_binary()?;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let mut scratch = Scratch::new(&stack, bench, stamp)?;
    eprintln!(
        "bench e2e: scratch topics {}.*, tables {}_*; load average before: {}",
        scratch.run,
        scratch.table_prefix,
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );

    let produced = scratch.produce(&args)?;
    let python = scratch.python(&args, &produced);
    let avrokit_sink = scratch.avrokit_sink(&args, &produced);
    let connect_sink = if args.no_connect {
        Err(anyhow::anyhow!("left out (--no-connect)"))
    } else {
        scratch.connect_sink(&args, &produced)
    };
    print_summary(&args, &produced, &python, &avrokit_sink, &connect_sink);
    Ok(ExitCode::SUCCESS)
}

/// The stack's addresses, or why it is not up: each must be set and answer.
fn find_stack() -> Result<Stack, String> {
    let get = |key: &str| {
        std::env::var(key)
            .ok()
            .or_else(|| stack::running_setting(key))
            .ok_or_else(|| format!("{key} is unknown (the stack is not up)"))
    };
    let stack = Stack {
        bootstrap: get("KAFKA_BOOTSTRAP_SERVERS")?,
        registry: get("SCHEMA_REGISTRY_URL")?,
        connect: get("KAFKA_CONNECT_URL")?,
        database: get("DATABASE_URL")?,
    };
    let broker = stack.bootstrap.split(',').next().unwrap_or_default();
    std::net::TcpStream::connect(broker).map_err(|e| format!("Kafka at {broker}: {e}"))?;
    let agent = stack::http_agent();
    for url in [format!("{}/subjects", stack.registry), stack.connect.clone()] {
        agent.get(&url).call().map_err(|e| format!("{url}: {e}"))?;
    }
    psql(&stack.database, "SELECT 1").map_err(|e| format!("PostgreSQL at {}: {e}", stack.database))?;
    Ok(stack)
}

/// Builds `e2e-bench` (release, like the rest of the benchmarks) and returns its path.
fn build_bench_binary() -> anyhow::Result<PathBuf> {
    let root = workspace::root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--package", "avrokit-tests", "--bin", "e2e-bench"])
        .current_dir(&root)
        .status()
        .context("running `cargo build`")?;
    if !status.success() {
        bail!("`cargo build --release --package avrokit-tests --bin e2e-bench` failed ({status})");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("release").join("e2e-bench"))
}

/// Runs `statements` with psql on `url`; the unaligned, tuples-only output.
fn psql(url: &str, statements: &str) -> anyhow::Result<String> {
    let output = Command::new("psql")
        .args([url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statements])
        .output()
        .context("running psql")?;
    if !output.status.success() {
        bail!("{}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Waits for `child` and parses the JSON object it printed.
fn json_output(child: Child, what: &str) -> anyhow::Result<Value> {
    let output = child
        .wait_with_output()
        .with_context(|| format!("waiting for {what}"))?;
    if !output.status.success() {
        bail!("{what} failed ({})", output.status);
    }
    serde_json::from_slice(&output.stdout).with_context(|| format!("{what} printed no JSON"))
}

/// The numbers of a JSON array (none when it is not one).
fn numbers(array: &Value) -> Vec<f64> {
    array
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .collect()
}

/// What the producer round printed: sizes, seconds per round, the client settings.
struct Produced {
    record_bytes: f64,
    avrokit_secs: Vec<f64>,
    raw_secs: Vec<f64>,
    avrokit_enqueue_secs: Vec<f64>,
    raw_enqueue_secs: Vec<f64>,
    fire_and_forget_secs: Vec<f64>,
    last_key: String,
    config: Value,
}

/// Rows/s of one sink and the memory of its process.
struct SinkResult {
    /// Rows per second from the first rows seen to the last (startup left out).
    steady: f64,
    /// Rows per second from the start of the sink (or the deployment) to the last row.
    total: f64,
    /// `VmHWM` and `VmRSS` of the process, in KiB.
    peak_kib: Option<u64>,
    rss_kib: Option<u64>,
}

/// One run's scratch topics, tables, connector and files; all removed on drop.
struct Scratch<'a> {
    stack: &'a Stack,
    bench: PathBuf,
    run: String,
    table_prefix: String,
    topics: Vec<String>,
    tables: Vec<String>,
    connector: Option<String>,
    frames: PathBuf,
}

impl<'a> Scratch<'a> {
    fn new(stack: &'a Stack, bench: PathBuf, stamp: u64) -> anyhow::Result<Scratch<'a>> {
        let dir = workspace::root().join("target").join("bench-e2e");
        std::fs::create_dir_all(&dir)?;
        let run = format!("bench-e2e-{stamp}");
        let mut scratch = Scratch {
            stack,
            bench,
            frames: dir.join(format!("{run}.frames")),
            table_prefix: format!("bench_e2e_{stamp}"),
            run,
            topics: Vec::new(),
            tables: Vec::new(),
            connector: None,
        };
        for role in ["avrokit", "raw", "python", "sink"] {
            scratch.topics.push(scratch.topic(role));
        }
        let mut create = scratch.command();
        create.args(["topics", "create"]).args(&scratch.topics);
        json_output(create.stdout(Stdio::piped()).spawn()?, "e2e-bench topics create")?;
        Ok(scratch)
    }

    fn topic(&self, role: &str) -> String {
        format!("{}.{role}", self.run)
    }

    /// The bench binary, with the stack's addresses.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.bench);
        command
            .env("KAFKA_BOOTSTRAP_SERVERS", &self.stack.bootstrap)
            .env("SCHEMA_REGISTRY_URL", &self.stack.registry)
            .env("DATABASE_URL", &self.stack.database);
        command
    }

    fn produce(&self, args: &E2eBenchArgs) -> anyhow::Result<Produced> {
        eprintln!(
            "bench e2e: producers, {} rounds of {} records each (avrokit, raw rdkafka)",
            args.rounds, args.records
        );
        let mut command = self.command();
        command
            .arg("produce")
            .args([self.topic("avrokit"), self.topic("raw"), self.topic("sink")])
            .args([args.records.to_string(), args.rounds.to_string()])
            .arg(&self.frames);
        let out = json_output(command.stdout(Stdio::piped()).spawn()?, "e2e-bench produce")?;
        Ok(Produced {
            record_bytes: out["record_bytes"].as_f64().context("no record_bytes")?,
            avrokit_secs: numbers(&out["avrokit_secs"]),
            raw_secs: numbers(&out["raw_secs"]),
            avrokit_enqueue_secs: numbers(&out["avrokit_enqueue_secs"]),
            raw_enqueue_secs: numbers(&out["raw_enqueue_secs"]),
            fire_and_forget_secs: numbers(&out["fire_and_forget_secs"]),
            last_key: out["last_key"].as_str().context("no last_key")?.to_owned(),
            config: out["config"].clone(),
        })
    }

    /// Python's seconds per round on the same records and settings.
    fn python(&self, args: &E2eBenchArgs, produced: &Produced) -> anyhow::Result<Vec<f64>> {
        eprintln!("bench e2e: Python confluent-kafka, {} rounds", args.rounds);
        let script = workspace::root().join("tests/stack/interop/interop.py");
        let spec = serde_json::json!({
            "frames": self.frames,
            "source_topic": self.topic("raw"),
            "topic": self.topic("python"),
            "config": produced.config,
            "rounds": args.rounds,
        });
        let mut child = Command::new("python3")
            .arg(&script)
            .arg("produce-bench")
            .env("SCHEMA_REGISTRY_URL", &self.stack.registry)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("running python3 {}", script.display()))?;
        child
            .stdin
            .take()
            .context("stdin is piped")?
            .write_all(spec.to_string().as_bytes())?;
        let out = json_output(child, "interop.py produce-bench")?;
        Ok(numbers(&out["secs"]))
    }

    /// A scratch copy of `telescope_data_raw` from its generated DDL (indexes renamed
    /// too, as their names are per schema); its name.
    fn table(&mut self, role: &str) -> anyhow::Result<String> {
        let name = format!("{}_{role}", self.table_prefix);
        let ddl = std::fs::read_to_string(workspace::root().join(TABLE_DDL))?
            .replace("telescope_data_raw", &name)
            .replace("INDEX IF NOT EXISTS idx_", &format!("INDEX IF NOT EXISTS {name}_idx_"));
        self.tables.push(name.clone());
        psql(&self.stack.database, &ddl).with_context(|| format!("creating table {name}"))?;
        Ok(name)
    }

    /// Starts `e2e-bench watch` on `table`: the clock both sinks are timed by.
    fn watch(&self, table: &str, args: &E2eBenchArgs, produced: &Produced) -> anyhow::Result<Child> {
        let mut command = self.command();
        command
            .args(["watch", table, &args.records.to_string(), &produced.last_key])
            .stdout(Stdio::piped());
        Ok(command.spawn()?)
    }

    fn avrokit_sink(&mut self, args: &E2eBenchArgs, produced: &Produced) -> anyhow::Result<SinkResult> {
        eprintln!("bench e2e: avrokit sink, {} rows", args.records);
        let table = self.table("avrokit")?;
        let watcher = self.watch(&table, args, produced)?;
        let mut command = self.command();
        command.args([
            "sink",
            &self.topic("sink"),
            &format!("{}-sink", self.run),
            &table,
            &args.max_batch.to_string(),
        ]);
        let mut sink = command.spawn().context("starting e2e-bench sink")?;
        let watched = wait_watcher(watcher, || {
            sink.try_wait().ok().flatten().map(|s| format!("the sink exited ({s})"))
        });
        let memory = memory_kib(sink.id());
        // SIGTERM: the sink's own graceful shutdown (it commits and closes).
        let _ = Command::new("kill").args(["-TERM", &sink.id().to_string()]).status();
        let _ = sink.wait();
        Ok(watched?.with_memory(memory))
    }

    fn connect_sink(&mut self, args: &E2eBenchArgs, produced: &Produced) -> anyhow::Result<SinkResult> {
        eprintln!("bench e2e: Kafka Connect Debezium JDBC sink, {} rows", args.records);
        let table = self.table("connect")?;
        let name = format!("{}-connect", self.run);
        let dir = self.frames.with_extension("connect");
        let file = dir.join("bench").join(format!("{name}.json"));
        std::fs::create_dir_all(file.parent().context("a parent")?)?;
        std::fs::write(&file, self.connector_file(&name, &table)?)?;
        let watcher = self.watch(&table, args, produced)?;
        self.connector = Some(name.clone());
        let deployed = self.xtask_connect(&["deploy", "--env", "bench", "--dir"], Some(&dir), &name);
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(error) = deployed {
            let mut watcher = watcher;
            let _ = watcher.kill();
            let _ = watcher.wait();
            return Err(error);
        }
        let watched = wait_watcher(watcher, || None)?;
        Ok(watched.with_memory(stack::running_connect_pid().and_then(memory_kib)))
    }

    /// The generated connector file with the scratch topic, table and dead-letter topic.
    fn connector_file(&mut self, name: &str, table: &str) -> anyhow::Result<String> {
        let path = workspace::root().join(CONNECTOR_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut file: Value = serde_json::from_str(&text)?;
        file["name"] = name.into();
        let dead_letters = self.topic("connect-dlq");
        self.topics.push(dead_letters.clone());
        let config = &mut file["config"];
        config["topics"] = self.topic("sink").into();
        config["collection.name.format"] = table.into();
        config["errors.deadletterqueue.topic.name"] = dead_letters.into();
        Ok(serde_json::to_string_pretty(&file)?)
    }

    /// `cargo xtask connect ARGS [DIR] NAME --url <stack>`, with this very xtask binary.
    fn xtask_connect(&self, args: &[&str], dir: Option<&Path>, name: &str) -> anyhow::Result<()> {
        let mut command = Command::new(std::env::current_exe()?);
        command.arg("connect").args(args);
        if let Some(dir) = dir {
            command.arg(dir);
        }
        let output = command.args([name, "--url", &self.stack.connect]).output()?;
        if !output.status.success() {
            bail!(
                "xtask connect {args:?} {name}: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        if let Some(name) = self.connector.take()
            && let Err(error) = self.xtask_connect(&["delete"], None, &name)
        {
            eprintln!("bench e2e: {error}");
        }
        if !self.tables.is_empty() {
            let drop = format!("DROP TABLE IF EXISTS {}", self.tables.join(", "));
            if let Err(error) = psql(&self.stack.database, &drop) {
                eprintln!("bench e2e: dropping the scratch tables: {error}");
            }
        }
        let mut delete = self.command();
        delete.args(["topics", "delete"]).args(&self.topics);
        if let Err(error) = delete.status() {
            eprintln!("bench e2e: deleting the scratch topics: {error}");
        }
        let _ = std::fs::remove_file(&self.frames);
    }
}

/// Waits for the watcher's verdict (at most [`SINK_TIMEOUT`]), giving up early when
/// `gone` says why the sink stopped.
fn wait_watcher(mut watcher: Child, mut gone: impl FnMut() -> Option<String>) -> anyhow::Result<SinkResult> {
    let started = Instant::now();
    let why = loop {
        if watcher.try_wait()?.is_some() {
            break None;
        }
        if let Some(why) = gone() {
            break Some(why);
        }
        if started.elapsed() > SINK_TIMEOUT {
            break Some(format!("not every row after {} s", SINK_TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if let Some(why) = why {
        let _ = watcher.kill();
        let _ = watcher.wait();
        bail!("{why}");
    }
    let out = json_output(watcher, "e2e-bench watch")?;
    let get = |key: &str| out[key].as_f64().with_context(|| format!("watch printed no {key}"));
    let (first_secs, first_rows, done_secs, rows) =
        (get("first_secs")?, get("first_rows")?, get("done_secs")?, get("rows")?);
    Ok(SinkResult {
        steady: (rows - first_rows) / (done_secs - first_secs).max(f64::EPSILON),
        total: rows / done_secs.max(f64::EPSILON),
        peak_kib: None,
        rss_kib: None,
    })
}

impl SinkResult {
    fn with_memory(mut self, memory: Option<(u64, u64)>) -> SinkResult {
        (self.peak_kib, self.rss_kib) = (memory.map(|m| m.0), memory.map(|m| m.1));
        self
    }
}

/// `VmHWM` (peak resident set) and `VmRSS` of `pid`, in KiB.
fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

fn best(secs: &[f64]) -> Option<f64> {
    secs.iter().copied().reduce(f64::min)
}

fn median(secs: &[f64]) -> Option<f64> {
    let mut sorted = secs.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "-".to_owned(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
}

fn print_summary(
    args: &E2eBenchArgs,
    produced: &Produced,
    python: &anyhow::Result<Vec<f64>>,
    avrokit_sink: &anyhow::Result<SinkResult>,
    connect_sink: &anyhow::Result<SinkResult>,
) {
    let n = args.records as f64;
    let rate = |secs: Option<f64>| secs.map(|secs| n / secs);
    let [avrokit, raw, avrokit_enqueue, raw_enqueue, fire_and_forget] = [
        &produced.avrokit_secs,
        &produced.raw_secs,
        &produced.avrokit_enqueue_secs,
        &produced.raw_enqueue_secs,
        &produced.fire_and_forget_secs,
    ]
    .map(|secs| rate(best(secs)));
    let python_best = rate(python.as_ref().ok().and_then(|s| best(s)));
    println!();
    println!(
        "producer throughput: {} TelescopeData (1 KiB payload, {:.0} bytes with key and frame), best of {} rounds, acks=all, idempotence on",
        args.records, produced.record_bytes, args.rounds
    );
    println!(
        "| {:<60} | {:>10} | {:>7} | {:<40} |",
        "producer", "msgs/s", "MB/s", "avrokit against it"
    );
    println!("|{:-<62}|{:-<12}|{:-<9}|{:-<42}|", "", "", "", "");
    let row = |name: &str, rate: Option<f64>, versus: String| match rate {
        Some(rate) => println!(
            "| {name:<60} | {rate:>10.0} | {:>7.1} | {versus:<40} |",
            rate * produced.record_bytes / 1e6
        ),
        None => println!("| {name:<60} | {:>10} | {:>7} | {versus:<40} |", "-", "-"),
    };
    // avrokit's overhead over another producer (slower: positive).
    let overhead = |ours: Option<f64>, theirs: Option<f64>| ours.zip(theirs).map(|(ours, theirs)| theirs / ours - 1.0);
    // ... against the raw producer used the same way, which the target is about.
    let against_raw = |ours: Option<f64>, theirs: Option<f64>| {
        overhead(ours, theirs).map_or_else(String::new, |o| {
            format!(
                "overhead {:+.1}% (target <10%: {})",
                o * 100.0,
                verdict(o < TARGET_OVERHEAD)
            )
        })
    };
    row("avrokit Producer::send, a task per record", avrokit, String::new());
    row(
        "rdkafka FutureProducer::send, pre-framed, a task per record",
        raw,
        against_raw(avrokit, raw),
    );
    row("avrokit Producer::enqueue, streamed", avrokit_enqueue, String::new());
    row(
        "rdkafka FutureProducer::send_result, pre-framed, streamed",
        raw_enqueue,
        against_raw(avrokit_enqueue, raw_enqueue),
    );
    row(
        "librdkafka ThreadedProducer, pre-framed, fire-and-forget",
        fire_and_forget,
        overhead(avrokit_enqueue, fire_and_forget)
            .map_or_else(String::new, |o| format!("enqueue's overhead {:+.1}%", o * 100.0)),
    );
    let fastest = [avrokit, avrokit_enqueue].into_iter().flatten().reduce(f64::max);
    let speedup = fastest.zip(python_best).map(|(ours, theirs)| ours / theirs);
    row(
        "Python confluent-kafka Producer+AvroSerializer",
        python_best,
        match (&speedup, python) {
            (Some(s), _) => format!(
                "{s:.1}x faster (target ≥{TARGET_VS_PYTHON}x: {})",
                verdict(*s >= TARGET_VS_PYTHON)
            ),
            (None, Err(error)) => format!("FAILED: {error}"),
            (None, Ok(_)) => "FAILED: no rounds".to_owned(),
        },
    );
    // What bounds the Python ratio: the fastest any client, raw librdkafka included, sent
    // to this broker on this machine in this run.
    let any_client = [avrokit, raw, avrokit_enqueue, raw_enqueue, fire_and_forget]
        .into_iter()
        .flatten()
        .reduce(f64::max);
    if let (Some(python), Some(any_client)) = (python_best, any_client) {
        println!(
            "{TARGET_VS_PYTHON}x Python would be {:.0} msgs/s, {:.1}x the fastest any client sent to this broker here ({:.0} msgs/s, {:.1}x Python)",
            python * TARGET_VS_PYTHON,
            python * TARGET_VS_PYTHON / any_client,
            any_client,
            any_client / python
        );
    }
    let medians: Vec<String> = [
        ("send", &produced.avrokit_secs[..]),
        ("raw send", &produced.raw_secs[..]),
        ("enqueue", &produced.avrokit_enqueue_secs[..]),
        ("raw streamed", &produced.raw_enqueue_secs[..]),
        ("fire-and-forget", &produced.fire_and_forget_secs[..]),
        ("Python", python.as_deref().unwrap_or_default()),
    ]
    .into_iter()
    .filter_map(|(name, secs)| median(secs).map(|secs| format!("{name} {:.0}", n / secs)))
    .collect();
    println!(
        "median round (msgs/s; the spread is the machine's load): {}",
        medians.join(", ")
    );

    println!();
    println!(
        "sink throughput: {} rows into scratch copies of telescope_data_raw (steady: first rows to last; total: from start)",
        args.records
    );
    println!(
        "| {:<46} | {:>13} | {:>12} | {:>13} | {:>9} |",
        "sink", "steady rows/s", "total rows/s", "peak RSS", "RSS"
    );
    println!("|{:-<48}|{:-<15}|{:-<14}|{:-<15}|{:-<11}|", "", "", "", "", "");
    let avrokit_name = format!("avrokit postgres_sink (max_batch {})", args.max_batch);
    for (name, result) in [
        (avrokit_name.as_str(), avrokit_sink),
        ("Kafka Connect Debezium JDBC sink (worker)", connect_sink),
    ] {
        match result {
            Ok(r) => println!(
                "| {name:<46} | {:>13.0} | {:>12.0} | {:>13} | {:>9} |",
                r.steady,
                r.total,
                mib(r.peak_kib),
                mib(r.rss_kib)
            ),
            Err(error) => println!("| {name:<46} | {error}"),
        }
    }
    if let (Ok(ours), Ok(theirs)) = (avrokit_sink, connect_sink) {
        let ratio = ours.steady / theirs.steady;
        println!(
            "avrokit sink / Connect sink: {ratio:.2}x steady, {:.2}x total (target ≥{TARGET_VS_CONNECT}x: {})",
            ours.total / theirs.total,
            verdict(ratio >= TARGET_VS_CONNECT)
        );
    }
}
