#!/usr/bin/env python3
"""End-to-end smoke test through the native (or Docker) stack.

Registers an Avro schema through the Confluent-compatible registry API, produces one
Confluent-framed record (magic byte 0, 4-byte big-endian schema id, Avro binary) to a
fresh topic, consumes it back and decodes it, deploys a Debezium JDBC sink connector for
the topic and waits until the row is in PostgreSQL.

Reads KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, KAFKA_CONNECT_URL and DATABASE_URL
(as printed by `cargo xtask stack env`). On first run it creates a virtual environment
under target/stack/venv with the pinned clients of requirements.txt and re-runs itself
there. Exit code 0 means every step passed; anything else prints the failing step.
"""

import io
import json
import os
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
VENV = REPO / "target" / "stack" / "venv"
REQUIREMENTS = HERE / "requirements.txt"
REGISTRY_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"

SCHEMA = {
    "type": "record",
    "name": "SmokeRow",
    "namespace": "io.avrokit.smoke",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
}


def ensure_venv(script: str = __file__) -> None:
    """Re-exec `script` inside target/stack/venv, creating it (pinned requirements) if needed."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements"
    wanted = REQUIREMENTS.read_text()
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        print(f"smoke: creating {VENV} with {REQUIREMENTS.name}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "-r", str(REQUIREMENTS)],
            check=True,
        )
        stamp.write_text(wanted)
    os.execv(str(python), [str(python), str(Path(script).resolve()), *sys.argv[1:]])


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"smoke: {name} is not set; run `cargo xtask stack up` and "
                 f"`eval $(cargo xtask stack env)` first")
    return value


def http(method: str, url: str, body=None, content_type="application/json"):
    """One HTTP call; returns (status, parsed JSON body or text)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", f"{content_type}, application/json")
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    text = raw.decode(errors="replace")
    try:
        return status, json.loads(text) if text else None
    except json.JSONDecodeError:
        return status, text


def step(msg: str) -> None:
    print(f"smoke: {msg}", flush=True)


def fail(msg: str) -> None:
    sys.exit(f"smoke: FAILED: {msg}")


def main() -> None:
    ensure_venv()
    import fastavro
    from confluent_kafka import Consumer, Producer
    from confluent_kafka.admin import AdminClient, NewTopic

    bootstrap = env("KAFKA_BOOTSTRAP_SERVERS")
    registry = env("SCHEMA_REGISTRY_URL").rstrip("/")
    connect = env("KAFKA_CONNECT_URL").rstrip("/")
    database = urllib.parse.urlparse(env("DATABASE_URL"))

    run = f"{int(time.time() * 1000)}"
    topic = f"avrokit_smoke_{run}"
    subject = f"{topic}-value"

    # 1. Register the schema through the Confluent API.
    status, body = http(
        "POST", f"{registry}/subjects/{urllib.parse.quote(subject, safe='')}/versions",
        {"schema": json.dumps(SCHEMA), "schemaType": "AVRO"}, REGISTRY_CONTENT_TYPE)
    if status != 200 or "id" not in body:
        fail(f"register {subject}: HTTP {status} {body}")
    schema_id = body["id"]
    step(f"registered {subject} as id {schema_id}")
    # Apicurio only: the ccompat id must be the content id, which is what Connect's
    # converter is configured to look up (`apicurio.registry.use-id=contentId`).
    base = registry.rsplit("/apis/", 1)[0]
    status, meta = http("GET", f"{base}/apis/registry/v2/groups/default/artifacts/"
                               f"{urllib.parse.quote(subject, safe='')}/meta")
    if status == 200 and isinstance(meta, dict):
        if meta.get("contentId") != schema_id:
            fail(f"ccompat id {schema_id} is not the content id {meta.get('contentId')} "
                 f"(global id {meta.get('globalId')}); is legacy-id-mode enabled?")
        step(f"id {schema_id} is Apicurio's content id (global id {meta.get('globalId')})")

    # 2. Create the topic and produce one Confluent-framed record.
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for name, fut in admin.create_topics([NewTopic(topic, 1, 1)]).items():
        fut.result(timeout=30)
    parsed = fastavro.parse_schema(SCHEMA)
    row = {"id": 42, "name": "smoke ✓", "amount": 12.5, "note": run}
    buf = io.BytesIO()
    buf.write(b"\x00" + struct.pack(">I", schema_id))
    fastavro.schemaless_writer(buf, parsed, row)
    frame = buf.getvalue()
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    delivered = []
    producer.produce(topic, key=str(row["id"]).encode(), value=frame,
                     on_delivery=lambda err, msg: delivered.append(err))
    producer.flush(30)
    if delivered != [None]:
        fail(f"produce to {topic}: {delivered}")
    step(f"produced {len(frame)} bytes to {topic}")

    # 3. Consume it back and decode it with the schema the registry returns for the id.
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"smoke-{run}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    msg, deadline = None, time.time() + 60
    while msg is None and time.time() < deadline:
        msg = consumer.poll(1.0)
        if msg is not None and msg.error():
            fail(f"consume {topic}: {msg.error()}")
    consumer.close()
    if msg is None:
        fail(f"consume {topic}: nothing within 60 s")
    value = msg.value()
    magic, got_id = value[0], struct.unpack(">I", value[1:5])[0]
    if magic != 0 or got_id != schema_id:
        fail(f"frame header: magic {magic}, id {got_id}, expected 0 and {schema_id}")
    status, body = http("GET", f"{registry}/schemas/ids/{got_id}", None, REGISTRY_CONTENT_TYPE)
    if status != 200:
        fail(f"GET /schemas/ids/{got_id}: HTTP {status} {body}")
    writer = fastavro.parse_schema(json.loads(body["schema"]))
    decoded = fastavro.schemaless_reader(io.BytesIO(value[5:]), writer, parsed)
    if decoded != row:
        fail(f"round trip: {decoded!r} != {row!r}")
    step(f"consumed and decoded {decoded}")

    # 4. Sink the topic into PostgreSQL with the Debezium JDBC sink connector.
    connector = f"smoke-sink-{run}"
    jdbc_url = f"jdbc:postgresql://{database.hostname}:{database.port or 5432}{database.path}"
    config = {
        "connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector",
        "tasks.max": "1",
        "topics": topic,
        "connection.url": jdbc_url,
        "connection.username": urllib.parse.unquote(database.username or ""),
        "connection.password": urllib.parse.unquote(database.password or ""),
        "insert.mode": "upsert",
        "primary.key.mode": "record_value",
        "primary.key.fields": "id",
        "schema.evolution": "basic",
        "collection.name.format": "${topic}",
    }
    status, body = http("PUT", f"{connect}/connectors/{connector}/config", config)
    if status not in (200, 201):
        fail(f"PUT /connectors/{connector}/config: HTTP {status} {body}")
    step(f"deployed connector {connector}")

    psql = ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-h", database.hostname, "-p", str(database.port or 5432),
            "-U", urllib.parse.unquote(database.username or ""), "-d", database.path.lstrip("/"),
            "-c", f'SELECT id, name, amount, note FROM "{topic}"']
    psql_env = {**os.environ, "PGPASSWORD": urllib.parse.unquote(database.password or "")}
    found, deadline, last = None, time.time() + 90, ""
    while found is None and time.time() < deadline:
        res = subprocess.run(psql, env=psql_env, capture_output=True, text=True)
        last = (res.stdout + res.stderr).strip()
        if res.returncode == 0 and res.stdout.strip():
            found = res.stdout.strip()
            break
        _, st = http("GET", f"{connect}/connectors/{connector}/status")
        tasks = (st or {}).get("tasks", []) if isinstance(st, dict) else []
        failed = [t for t in tasks if t.get("state") == "FAILED"]
        if failed:
            fail(f"connector task failed: {failed[0].get('trace', '')[:2000]}")
        time.sleep(1)
    http("DELETE", f"{connect}/connectors/{connector}")
    expected = f"42|smoke ✓|12.5|{run}"
    if found != expected:
        fail(f"row in PostgreSQL: got {found or last!r}, expected {expected!r}")
    step(f"row in PostgreSQL table \"{topic}\": {found}")
    print("smoke: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
