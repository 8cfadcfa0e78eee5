//! `cargo xtask bench e2e`: avrokit's clients on the local stack, end to end, measured as
//! each client's own CPU time per record beside its throughput.
//!
//! On 2 cores the broker and PostgreSQL share the CPU with the client, so wall-clock
//! throughput mostly measures them; each client therefore runs in a process of its own
//! and reports that process's CPU time (`getrusage(RUSAGE_SELF)`: its threads and
//! librdkafka's), which is what the client costs per record. For `TelescopeData` (1 KiB
//! payload) and `AccessEvent` (about 80 bytes):
//!
//! - producers: avrokit's `Producer` (a task per record, and streamed) against a raw
//!   rdkafka producer sending the same records pre-framed (same settings), librdkafka's
//!   fire-and-forget `ThreadedProducer`, and Python confluent-kafka's `SerializingProducer`
//!   + `AvroSerializer`;
//! - consumers, on one topic avrokit filled: avrokit's typed `Consumer` against a raw
//!   rdkafka `StreamConsumer` that unframes and runs the derived `from_avro`, and Python's
//!   `DeserializingConsumer` + `AvroDeserializer`;
//! - sinks, from that topic: the avrokit PostgreSQL sink against the Kafka Connect
//!   Debezium JDBC sink (the worker JVM's CPU) and psql's `\copy` of the same rows (the
//!   database's own limit).
//!
//! The measured Rust side is `tests/bin/e2e_bench.rs` (release build), the Python side
//! `tests/stack/interop/client_bench.py`; everything runs on scratch topics and tables,
//! removed afterwards. Targets are printed as met or missed, never asserted.

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
    /// Records per round, and in the topic the consumers and sinks read (default 100,000;
    /// 20,000 with --quick).
    #[arg(long)]
    records: Option<usize>,
    /// Rounds per producer and consumer, alternating between the Rust contenders (default
    /// 5; 2 with --quick).
    #[arg(long)]
    rounds: Option<usize>,
    /// Most records per avrokit sink transaction (default: the Debezium sink's
    /// `batch.size` and Connect's `max.poll.records`, 500).
    #[arg(long, default_value_t = 500)]
    max_batch: usize,
    /// Most records per batch of the measured consumers (avrokit's and the raw client's
    /// commit interval); default 500, Connect's `max.poll.records`.
    #[arg(long, default_value_t = 500)]
    consumer_batch: usize,
    /// Leave out the Kafka Connect sink.
    #[arg(long)]
    no_connect: bool,
    /// Fewer records and rounds, for a first look in a few minutes.
    #[arg(long)]
    quick: bool,
    /// Only these record types (default both).
    #[arg(long = "type", value_parser = ["telescope", "access"])]
    types: Vec<String>,
    /// Only these clients (default all).
    #[arg(long = "clients", value_parser = ["producers", "consumers", "sinks"], value_delimiter = ',')]
    clients: Vec<String>,
    /// How the avrokit sink writes its batches (`postgres::Strategy`).
    #[arg(long, default_value = "unnest", value_parser = ["insert", "unnest", "copy"])]
    sink_strategy: String,
    /// When the avrokit sink's consumer commits its offsets: after each batch's
    /// transaction (`sync`), or stored after it and committed by librdkafka every few
    /// seconds (`background`).
    #[arg(long, default_value = "background", value_parser = ["sync", "background"])]
    sink_commit: String,
}

/// What one run measures: the arguments with their defaults applied.
struct Plan {
    records: usize,
    rounds: usize,
    max_batch: usize,
    consumer_batch: usize,
    no_connect: bool,
    clients: Vec<String>,
    sink_strategy: String,
    sink_commit: String,
}

impl Plan {
    /// Whether `clients` (producers, consumers or sinks) are measured.
    fn measures(&self, clients: &str) -> bool {
        self.clients.is_empty() || self.clients.iter().any(|c| c == clients)
    }
}

/// At most this share more CPU per record than the raw rdkafka client.
const TARGET_OVERHEAD: f64 = 0.10;
/// At least this many times less CPU per record than Python confluent-kafka.
const TARGET_VS_PYTHON: f64 = 10.0;
/// The avrokit sink's rows/s against Connect's, and against psql's `\copy`.
const TARGET_VS_CONNECT: f64 = 4.0;
const TARGET_VS_COPY: f64 = 0.5;
/// The longest a sink may take to write every row.
const SINK_TIMEOUT: Duration = Duration::from_secs(300);
/// The connector file the Connect contender's configuration is derived from.
const CONNECTOR_FILE: &str = "generated/connect/dev/telescope_data_raw-sink.json";

/// A record type of the bench: its name for `e2e-bench`, and its sink table.
struct Kind {
    name: &'static str,
    title: &'static str,
    table: &'static str,
    primary_key: &'static str,
}

const KINDS: [Kind; 2] = [
    Kind {
        name: "telescope",
        title: "TelescopeData (1 KiB payload)",
        table: "telescope_data_raw",
        primary_key: "data_id",
    },
    Kind {
        name: "access",
        title: "AccessEvent (small)",
        table: "raw_access_events",
        primary_key: "event_id",
    },
];

/// The Rust producers, each in its own process: `e2e-bench produce` names and labels.
const PRODUCERS: [(&str, &str); 6] = [
    ("avrokit-send", "avrokit Producer::send, a task per record"),
    (
        "raw-send",
        "rdkafka FutureProducer::send, pre-framed, a task per record",
    ),
    ("avrokit-stream", "avrokit Producer::enqueue, streamed"),
    (
        "raw-stream",
        "rdkafka FutureProducer::send_result, pre-framed, streamed",
    ),
    ("avrokit-post", "avrokit Producer::post, fire-and-forget"),
    (
        "raw-threaded",
        "librdkafka ThreadedProducer, pre-framed, fire-and-forget",
    ),
];

/// The Rust consumers: `e2e-bench consume` names and labels.
const CONSUMERS: [(&str, &str); 5] = [
    ("avrokit", "avrokit Consumer::run, in place, commit after each batch"),
    (
        "avrokit-background",
        "avrokit Consumer::run, in place, background commit",
    ),
    (
        "avrokit-fresh",
        "avrokit Consumer::run, new values, commit after each batch",
    ),
    (
        "raw-commit",
        "rdkafka StreamConsumer + from_avro, sync commit per batch",
    ),
    ("raw", "rdkafka StreamConsumer + unframe + from_avro"),
];

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
    let plan = Plan {
        records: args.records.unwrap_or(if args.quick { 20_000 } else { 100_000 }),
        rounds: args.rounds.unwrap_or(if args.quick { 2 } else { 5 }),
        max_batch: args.max_batch,
        consumer_batch: args.consumer_batch,
        no_connect: args.no_connect,
        clients: args.clients,
        sink_strategy: args.sink_strategy,
        sink_commit: args.sink_commit,
    };
    if plan.records == 0 || plan.rounds == 0 || plan.max_batch == 0 || plan.consumer_batch == 0 {
        bail!("--records, --rounds, --max-batch and --consumer-batch must be at least 1");
    }
    let bench = build_bench_binary()?;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let mut scratch = Scratch::new(&stack, bench, stamp);
    eprintln!(
        "bench e2e: scratch topics {}.*, tables {}_*; load average before: {}",
        scratch.run,
        scratch.table_prefix,
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    let started = Instant::now();
    let mut reports = Vec::new();
    for kind in KINDS
        .iter()
        .filter(|k| args.types.is_empty() || args.types.iter().any(|t| t == k.name))
    {
        reports.push((kind, scratch.bench_kind(kind, &plan)?));
    }
    println!();
    println!(
        "bench e2e: {} records per round, {} rounds, {:.0} s; CPU is each client process's own (getrusage), the median round's",
        plan.records,
        plan.rounds,
        started.elapsed().as_secs_f64()
    );
    for (kind, report) in &reports {
        report.print(kind, &plan);
    }
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

/// Wall and CPU seconds of one client's rounds.
#[derive(Default)]
struct Rounds {
    secs: Vec<f64>,
    cpu_secs: Vec<f64>,
}

impl Rounds {
    fn extend(&mut self, out: &Value) {
        self.secs.extend(numbers(&out["secs"]));
        self.cpu_secs.extend(numbers(&out["cpu_secs"]));
    }

    /// Records per second of the fastest round.
    fn best_rate(&self, records: usize) -> Option<f64> {
        self.secs.iter().copied().reduce(f64::min).map(|s| records as f64 / s)
    }

    /// CPU microseconds per record of the median round.
    fn cpu_us(&self, records: usize) -> Option<f64> {
        median(&self.cpu_secs).map(|s| s * 1e6 / records as f64)
    }
}

fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied()
}

/// Rows/s of one sink, its CPU time and the memory of its process.
struct SinkResult {
    /// Rows per second from the first rows seen to the last (startup left out).
    steady: f64,
    /// Rows per second from the start of the sink (or the deployment) to the last row.
    total: f64,
    /// CPU seconds of the sink's process in the run.
    cpu_secs: Option<f64>,
    /// `VmHWM` of the process, in KiB.
    peak_kib: Option<u64>,
}

/// psql's `\copy` of the same rows.
struct CopyResult {
    secs: f64,
    psql_cpu_secs: f64,
    backend_cpu_secs: Option<f64>,
}

/// One record type's measurements.
struct Report {
    record_bytes: f64,
    producers: Vec<Rounds>,
    python_producer: anyhow::Result<Rounds>,
    consumers: Vec<Rounds>,
    python_consumer: anyhow::Result<Rounds>,
    avrokit_sink: anyhow::Result<SinkResult>,
    connect_sink: anyhow::Result<SinkResult>,
    copy: anyhow::Result<CopyResult>,
}

/// One run's scratch topics, tables, connectors and files; all removed on drop.
struct Scratch<'a> {
    stack: &'a Stack,
    bench: PathBuf,
    run: String,
    table_prefix: String,
    dir: PathBuf,
    topics: Vec<String>,
    tables: Vec<String>,
    connectors: Vec<String>,
}

impl<'a> Scratch<'a> {
    fn new(stack: &'a Stack, bench: PathBuf, stamp: u64) -> Scratch<'a> {
        Scratch {
            stack,
            bench,
            run: format!("bench-e2e-{stamp}"),
            table_prefix: format!("bench_e2e_{stamp}"),
            dir: workspace::root().join("target").join("bench-e2e"),
            topics: Vec::new(),
            tables: Vec::new(),
            connectors: Vec::new(),
        }
    }

    /// Creates the scratch topic `<run>.<kind>.<role>`; its name.
    fn topic(&mut self, kind: &Kind, role: &str) -> anyhow::Result<String> {
        let name = format!("{}.{}.{role}", self.run, kind.name);
        self.topics.push(name.clone());
        let mut create = self.command();
        create.args(["topics", "create", &name]);
        json_output(create.stdout(Stdio::piped()).spawn()?, "e2e-bench topics create")?;
        Ok(name)
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

    /// `e2e-bench ARGS`' JSON output.
    fn bench_json(&self, args: &[&str]) -> anyhow::Result<Value> {
        let mut command = self.command();
        command.args(args).stdout(Stdio::piped());
        json_output(command.spawn()?, &format!("e2e-bench {}", args[..2].join(" ")))
    }

    /// `client_bench.py COMMAND` with `spec` on stdin: its rounds.
    fn python(&self, command: &str, spec: &Value) -> anyhow::Result<Rounds> {
        let script = workspace::root().join("tests/stack/interop/client_bench.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(command)
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
        let mut rounds = Rounds::default();
        rounds.extend(&json_output(child, &format!("client_bench.py {command}"))?);
        Ok(rounds)
    }

    /// Every measurement of one record type.
    fn bench_kind(&mut self, kind: &Kind, args: &Plan) -> anyhow::Result<Report> {
        let records = args.records.to_string();
        std::fs::create_dir_all(&self.dir)?;
        let frames = self.dir.join(format!("{}.{}.frames", self.run, kind.name));
        let frames_arg = frames.to_string_lossy().into_owned();
        let input = self.topic(kind, "input")?;
        eprintln!("bench e2e: {}: filling {input} with {records} records", kind.name);
        let fill = self.bench_json(&["fill", kind.name, &input, &records, &frames_arg])?;
        let record_bytes = fill["record_bytes"].as_f64().context("no record_bytes")?;
        let last_key = fill["last_key"].as_str().context("no last_key")?.to_owned();

        let mut producers: Vec<Rounds> = Vec::new();
        let mut python_producer = Err(anyhow::anyhow!("left out (--clients)"));
        if args.measures("producers") {
            eprintln!("bench e2e: {}: producers, {} rounds", kind.name, args.rounds);
            let mut producer_topics = Vec::new();
            for (name, _) in PRODUCERS {
                producer_topics.push(self.topic(kind, name)?);
            }
            producers = PRODUCERS.iter().map(|_| Rounds::default()).collect();
            // One round per process, alternating, so a busy neighbour slows all rather than one.
            for _ in 0..args.rounds {
                for (((name, _), topic), rounds) in PRODUCERS.iter().zip(&producer_topics).zip(&mut producers) {
                    rounds.extend(&self.bench_json(&["produce", name, kind.name, topic, &records, "1"])?);
                }
            }
            let python_topic = self.topic(kind, "python")?;
            python_producer = self.python(
                "produce",
                &serde_json::json!({
                    "frames": frames,
                    "source_topic": input,
                    "topic": python_topic,
                    "config": fill["config"],
                    "rounds": args.rounds,
                }),
            );
        }
        let _ = std::fs::remove_file(&frames);

        let mut consumers: Vec<Rounds> = Vec::new();
        let mut python_consumer = Err(anyhow::anyhow!("left out (--clients)"));
        if args.measures("consumers") {
            eprintln!("bench e2e: {}: consumers, {} rounds", kind.name, args.rounds);
            consumers = CONSUMERS.iter().map(|_| Rounds::default()).collect();
            for round in 0..args.rounds {
                for ((name, _), rounds) in CONSUMERS.iter().zip(&mut consumers) {
                    let group = format!("{}.{}.{name}.{round}", self.run, kind.name);
                    rounds.extend(&self.bench_json(&[
                        "consume",
                        name,
                        kind.name,
                        &input,
                        &group,
                        &records,
                        &args.consumer_batch.to_string(),
                    ])?);
                }
            }
            python_consumer = self.python(
                "consume",
                &serde_json::json!({
                    "bootstrap": self.stack.bootstrap,
                    "topic": input,
                    "group": format!("{}.{}.python", self.run, kind.name),
                    "records": args.records,
                    "rounds": args.rounds,
                }),
            );
        }
        let left_out = || anyhow::anyhow!("left out (--clients)");
        let mut avrokit_sink: anyhow::Result<SinkResult> = Err(left_out());
        let mut copy: anyhow::Result<CopyResult> = Err(left_out());
        let mut connect_sink: anyhow::Result<SinkResult> = Err(left_out());
        if args.measures("sinks") {
            eprintln!("bench e2e: {}: avrokit sink, {records} rows", kind.name);
            let avrokit_table = self.table(kind, "avrokit")?;
            avrokit_sink = self.avrokit_sink(kind, args, &input, &avrokit_table, &last_key);
            eprintln!("bench e2e: {}: psql \\copy of the same rows", kind.name);
            copy = match &avrokit_sink {
                Ok(_) => self.copy(kind, &avrokit_table),
                Err(_) => Err(anyhow::anyhow!("no rows to copy: the avrokit sink failed")),
            };
            connect_sink = if args.no_connect {
                Err(anyhow::anyhow!("left out (--no-connect)"))
            } else {
                eprintln!(
                    "bench e2e: {}: Kafka Connect Debezium JDBC sink, {records} rows",
                    kind.name
                );
                self.connect_sink(kind, args, &input, &last_key)
            };
        }
        Ok(Report {
            record_bytes,
            producers,
            python_producer,
            consumers,
            python_consumer,
            avrokit_sink,
            connect_sink,
            copy,
        })
    }

    /// A scratch copy of the kind's table from its generated DDL (indexes renamed too, as
    /// their names are per schema); its name.
    fn table(&mut self, kind: &Kind, role: &str) -> anyhow::Result<String> {
        let name = format!("{}_{}_{role}", self.table_prefix, kind.name);
        let file = format!("generated/sql/{}.sql", kind.table);
        let ddl = std::fs::read_to_string(workspace::root().join(&file))
            .with_context(|| format!("reading {file}"))?
            .replace(kind.table, &name)
            .replace("INDEX IF NOT EXISTS idx_", &format!("INDEX IF NOT EXISTS {name}_idx_"));
        self.tables.push(name.clone());
        psql(&self.stack.database, &ddl).with_context(|| format!("creating table {name}"))?;
        Ok(name)
    }

    /// Starts `e2e-bench watch` on `table`: the clock every sink is timed by.
    fn watch(&self, kind: &Kind, table: &str, args: &Plan, last_key: &str) -> anyhow::Result<Child> {
        let mut command = self.command();
        command
            .args(["watch", table, kind.primary_key, &args.records.to_string(), last_key])
            .stdout(Stdio::piped());
        Ok(command.spawn()?)
    }

    fn avrokit_sink(
        &mut self,
        kind: &Kind,
        args: &Plan,
        topic: &str,
        table: &str,
        last_key: &str,
    ) -> anyhow::Result<SinkResult> {
        let watcher = self.watch(kind, table, args, last_key)?;
        let mut command = self.command();
        command.args([
            "sink",
            kind.name,
            topic,
            &format!("{}.{}.sink", self.run, kind.name),
            table,
            &args.max_batch.to_string(),
            &args.sink_strategy,
            &args.sink_commit,
        ]);
        let mut sink = command.spawn().context("starting e2e-bench sink")?;
        let watched = wait_watcher(watcher, || {
            sink.try_wait().ok().flatten().map(|s| format!("the sink exited ({s})"))
        });
        let pid = sink.id().to_string();
        let (cpu_secs, peak_kib) = (proc_cpu_secs(&pid), memory_kib(&pid));
        // SIGTERM: the sink's own graceful shutdown (it commits and closes).
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let _ = sink.wait();
        let mut result = watched?;
        (result.cpu_secs, result.peak_kib) = (cpu_secs, peak_kib);
        Ok(result)
    }

    /// The avrokit sink's rows loaded again by psql's `\copy` into a fresh scratch table.
    fn copy(&mut self, kind: &Kind, from: &str) -> anyhow::Result<CopyResult> {
        let to = self.table(kind, "copy")?;
        let file = self.dir.join(format!("{}.{}.copy", self.run, kind.name));
        let out = self.bench_json(&["copy", from, &to, &file.to_string_lossy()])?;
        let _ = std::fs::remove_file(&file);
        Ok(CopyResult {
            secs: out["secs"].as_f64().context("copy printed no secs")?,
            psql_cpu_secs: out["psql_cpu_secs"].as_f64().context("copy printed no psql_cpu_secs")?,
            backend_cpu_secs: out["backend_cpu_secs"].as_f64(),
        })
    }

    fn connect_sink(&mut self, kind: &Kind, args: &Plan, topic: &str, last_key: &str) -> anyhow::Result<SinkResult> {
        let table = self.table(kind, "connect")?;
        let name = format!("{}-{}-connect", self.run, kind.name);
        let dir = self.dir.join(format!("{name}.connect"));
        let file = dir.join("bench").join(format!("{name}.json"));
        std::fs::create_dir_all(file.parent().context("a parent")?)?;
        std::fs::write(&file, self.connector_file(kind, &name, topic, &table)?)?;
        let worker = stack::running_connect_pid().map(|pid| pid.to_string());
        let cpu_before = worker.as_deref().and_then(proc_cpu_secs);
        let watcher = self.watch(kind, &table, args, last_key)?;
        self.connectors.push(name.clone());
        let deployed = self.xtask_connect(&["deploy", "--env", "bench", "--dir"], Some(&dir), &name);
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(error) = deployed {
            let mut watcher = watcher;
            let _ = watcher.kill();
            let _ = watcher.wait();
            return Err(error);
        }
        let mut result = wait_watcher(watcher, || None)?;
        let cpu_after = worker.as_deref().and_then(proc_cpu_secs);
        result.cpu_secs = cpu_before.zip(cpu_after).map(|(before, after)| after - before);
        result.peak_kib = worker.as_deref().and_then(memory_kib);
        Ok(result)
    }

    /// The generated connector file with the scratch topic, table, key and dead-letter
    /// topic.
    fn connector_file(&mut self, kind: &Kind, name: &str, topic: &str, table: &str) -> anyhow::Result<String> {
        let path = workspace::root().join(CONNECTOR_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut file: Value = serde_json::from_str(&text)?;
        file["name"] = name.into();
        let dead_letters = format!("{}.{}.connect-dlq", self.run, kind.name);
        self.topics.push(dead_letters.clone());
        let config = &mut file["config"];
        config["topics"] = topic.into();
        config["collection.name.format"] = table.into();
        config["primary.key.fields"] = kind.primary_key.into();
        config["errors.deadletterqueue.topic.name"] = dead_letters.into();
        // The JDBC driver sends strings as varchar, which PostgreSQL will not put into a
        // uuid column (AccessEvent's key) unless told to infer the type.
        let url = config["connection.url"].as_str().unwrap_or_default().to_owned();
        config["connection.url"] = format!("{url}?stringtype=unspecified").into();
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
        for name in std::mem::take(&mut self.connectors) {
            if let Err(error) = self.xtask_connect(&["delete"], None, &name) {
                eprintln!("bench e2e: {error}");
            }
        }
        if !self.tables.is_empty() {
            let drop = format!("DROP TABLE IF EXISTS {}", self.tables.join(", "));
            if let Err(error) = psql(&self.stack.database, &drop) {
                eprintln!("bench e2e: dropping the scratch tables: {error}");
            }
        }
        if !self.topics.is_empty() {
            let mut delete = self.command();
            delete.args(["topics", "delete"]).args(&self.topics);
            if let Err(error) = delete.status() {
                eprintln!("bench e2e: deleting the scratch topics: {error}");
            }
        }
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
        cpu_secs: None,
        peak_kib: None,
    })
}

/// User + system seconds of process `pid` so far (`/proc/PID/stat`, in clock ticks of
/// 10 ms), every thread included.
fn proc_cpu_secs(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: the fields start after its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// `VmHWM` (peak resident set) of `pid`, in KiB.
fn memory_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn cell(value: Option<f64>, precision: usize) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.precision$}"))
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "-".to_owned(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
}

/// "+4.1% CPU/record vs raw (target ≤+10%: met)".
fn against_raw(ours: Option<f64>, raw: Option<f64>) -> String {
    ours.zip(raw).map_or_else(String::new, |(ours, raw)| {
        let overhead = ours / raw - 1.0;
        format!(
            "{:+.1}% CPU/record vs raw (target ≤+{:.0}%: {})",
            overhead * 100.0,
            TARGET_OVERHEAD * 100.0,
            verdict(overhead <= TARGET_OVERHEAD)
        )
    })
}

/// "Python 14.2x avrokit's CPU/record (target ≥10x: met)", for each avrokit row named.
fn against_python(python: &anyhow::Result<Rounds>, records: usize, ours: &[(&str, Option<f64>)]) -> String {
    let theirs = match python {
        Ok(rounds) => rounds.cpu_us(records),
        Err(error) => return format!("FAILED: {error:#}"),
    };
    ours.iter()
        .filter_map(|(name, ours)| {
            let ratio = theirs? / (*ours)?;
            Some(format!(
                "{ratio:.1}x {name} (target ≥{TARGET_VS_PYTHON:.0}x: {})",
                verdict(ratio >= TARGET_VS_PYTHON)
            ))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One row of a client table.
fn client_row(name: &str, rounds: Option<&Rounds>, records: usize, record_bytes: f64, note: &str) {
    let rate = rounds.and_then(|r| r.best_rate(records));
    println!(
        "| {name:<58} | {:>9} | {:>6} | {:>8} | {note} |",
        cell(rate, 0),
        cell(rate.map(|r| r * record_bytes / 1e6), 1),
        cell(rounds.and_then(|r| r.cpu_us(records)), 2),
    );
}

fn client_header(first: &str) {
    println!(
        "| {first:<58} | {:>9} | {:>6} | {:>8} | against |",
        "msgs/s", "MB/s", "CPU µs"
    );
    println!("|{:-<60}|{:->11}|{:->8}|{:->10}|---|", "", "", "", "");
}

impl Report {
    fn print(&self, kind: &Kind, args: &Plan) {
        let n = args.records;
        println!();
        println!(
            "{}: {:.0} bytes per record with key and frame; msgs/s: the best round; CPU µs: per record, the median round",
            kind.title, self.record_bytes
        );
        self.print_producers(n);
        self.print_consumers(n, args.consumer_batch);
        self.print_sinks(args);
    }

    fn print_producers(&self, n: usize) {
        let cpu = |rounds: &Rounds| rounds.cpu_us(n);
        println!();
        if self.producers.is_empty() {
            println!("producers: left out (--clients)");
            return;
        }
        client_header("producer");
        let [send, raw_send, stream, raw_stream, post, threaded] = [0, 1, 2, 3, 4, 5].map(|i| &self.producers[i]);
        let row = |i: usize, rounds: &Rounds, note: String| {
            client_row(PRODUCERS[i].1, Some(rounds), n, self.record_bytes, &note);
        };
        row(0, send, against_raw(cpu(send), cpu(raw_send)));
        row(1, raw_send, String::new());
        row(2, stream, against_raw(cpu(stream), cpu(raw_stream)));
        row(3, raw_stream, String::new());
        row(4, post, against_raw(cpu(post), cpu(threaded)));
        row(5, threaded, String::new());
        client_row(
            "Python confluent-kafka SerializingProducer + AvroSerializer",
            self.python_producer.as_ref().ok(),
            n,
            self.record_bytes,
            &against_python(
                &self.python_producer,
                n,
                &[("post", cpu(post)), ("enqueue", cpu(stream)), ("send", cpu(send))],
            ),
        );
    }

    fn print_consumers(&self, n: usize, batch: usize) {
        let cpu = |rounds: &Rounds| rounds.cpu_us(n);
        println!();
        if self.consumers.is_empty() {
            println!("consumers: left out (--clients)");
            return;
        }
        client_header(&format!("consumer (decoded and handled, batches of {batch})"));
        let [raw_commit, raw] = [3, 4].map(|i| &self.consumers[i]);
        for (i, ((_, name), rounds)) in CONSUMERS.iter().zip(&self.consumers).enumerate() {
            let note = match i {
                // Committing after each batch, against the raw client doing the same.
                0 | 2 => format!(
                    "{}; {}",
                    against_raw(cpu(rounds), cpu(raw_commit)).replace("vs raw", "vs raw-commit"),
                    against_raw(cpu(rounds), cpu(raw)).replace("vs raw", "vs raw, background commit")
                ),
                1 => against_raw(cpu(rounds), cpu(raw)),
                _ => String::new(),
            };
            client_row(name, Some(rounds), n, self.record_bytes, &note);
        }
        let [batch, background] = [0, 1].map(|i| &self.consumers[i]);
        client_row(
            "Python confluent-kafka DeserializingConsumer + AvroDeserializer",
            self.python_consumer.as_ref().ok(),
            n,
            self.record_bytes,
            &against_python(
                &self.python_consumer,
                n,
                &[
                    ("commit after batch", cpu(batch)),
                    ("background commit", cpu(background)),
                ],
            ),
        );
        println!();
    }

    fn print_sinks(&self, args: &Plan) {
        let n = args.records as f64;
        println!(
            "| {:<58} | {:>13} | {:>12} | {:>10} | {:>9} |",
            "sink (rows/s: steady from the first rows, total from the start)",
            "steady rows/s",
            "total rows/s",
            "CPU µs/row",
            "peak RSS"
        );
        println!("|{:-<60}|{:->15}|{:->14}|{:->12}|{:->11}|", "", "", "", "", "");
        let sinks = [
            (
                format!(
                    "avrokit postgres_sink (max_batch {}, {}, {} commit; its process)",
                    args.max_batch, args.sink_strategy, args.sink_commit
                ),
                &self.avrokit_sink,
            ),
            (
                "Kafka Connect Debezium JDBC sink (the worker JVM, its own overhead included)".to_owned(),
                &self.connect_sink,
            ),
        ];
        for (name, result) in sinks {
            match result {
                Ok(r) => println!(
                    "| {name:<58} | {:>13.0} | {:>12.0} | {:>10} | {:>9} |",
                    r.steady,
                    r.total,
                    cell(r.cpu_secs.map(|s| s * 1e6 / n), 2),
                    mib(r.peak_kib)
                ),
                Err(error) => println!("| {name:<58} | FAILED: {error:#} |"),
            }
        }
        match &self.copy {
            Ok(c) => println!(
                "| {:<58} | {:>13.0} | {:>12.0} | {:>10} | {:>9} |",
                "psql \\copy (FORMAT binary) of the same rows (psql; backend)",
                n / c.secs,
                n / c.secs,
                format!(
                    "{:.2}; {}",
                    c.psql_cpu_secs * 1e6 / n,
                    cell(c.backend_cpu_secs.map(|s| s * 1e6 / n), 2)
                ),
                "-"
            ),
            Err(error) => println!("| psql \\copy | FAILED: {error:#} |"),
        }
        if let Ok(ours) = &self.avrokit_sink {
            let mut verdicts = Vec::new();
            if let Ok(connect) = &self.connect_sink {
                let ratio = ours.steady / connect.steady;
                verdicts.push(format!(
                    "{ratio:.2}x Connect's rows/s (target ≥{TARGET_VS_CONNECT:.0}x: {})",
                    verdict(ratio >= TARGET_VS_CONNECT)
                ));
            }
            if let Ok(copy) = &self.copy {
                let ratio = ours.steady / (n / copy.secs);
                verdicts.push(format!(
                    "{ratio:.2}x psql \\copy's rows/s (target ≥{TARGET_VS_COPY}x: {})",
                    verdict(ratio >= TARGET_VS_COPY)
                ));
            }
            if !verdicts.is_empty() {
                println!("avrokit sink: {}", verdicts.join("; "));
            }
        }
    }
}
