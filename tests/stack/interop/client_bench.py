#!/usr/bin/env python3
"""Python confluent-kafka's clients for `cargo xtask bench e2e`: wall and CPU time per round.

    client_bench.py produce    reads {"frames", "source_topic", "topic", "config", "rounds"}
                               on stdin; decodes the records avrokit framed into "frames"
                               (big-endian u32 length + bytes, key then value, per record;
                               untimed), then times "rounds" rounds of SerializingProducer
                               (librdkafka "config", as avrokit's) + AvroSerializer sending
                               them all to "topic" until every one is acknowledged
    client_bench.py consume    reads {"bootstrap", "topic", "group", "records", "rounds"} on
                               stdin; each round a DeserializingConsumer + AvroDeserializer
                               in a new group reads the first "records" records of "topic"

Both print {"secs": [...], "cpu_secs": [...]}: the wall time of each round (for consume,
from the first record to the last) and this process's CPU time in it
(getrusage(RUSAGE_SELF): the interpreter and librdkafka's threads). The Avro schema is
the one avrokit registered for the source topic (self-contained, as the registry holds it).
Runs in interop.py's pinned virtualenv.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from interop import ensure_venv, read_frames  # noqa: E402


def cpu_secs() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def produce(client, spec) -> dict:
    from confluent_kafka import SerializingProducer
    from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext, StringSerializer

    source = SerializationContext(spec["source_topic"], MessageField.VALUE)
    context = SerializationContext(spec["topic"], MessageField.VALUE)
    deserializer = AvroDeserializer(client)
    frames = read_frames(spec["frames"])
    records = [(key.decode(), deserializer(frame, source)) for key, frame in frames]
    schema = client.get_latest_version(f"{spec['source_topic']}-value").schema.schema_str
    serializer = AvroSerializer(client, schema, conf={"auto.register.schemas": True})
    # The same bytes on the wire as avrokit's (the schema ids of the two subjects may differ).
    if serializer(records[0][1], context)[5:] != frames[0][1][5:]:
        sys.exit("client_bench: confluent-kafka encodes the bench's records differently from avrokit")
    failures = []

    def delivered(err, _msg):
        if err is not None:
            failures.append(err)

    producer = SerializingProducer(
        {**spec["config"], "key.serializer": StringSerializer("utf_8"), "value.serializer": serializer}
    )
    # Untimed, as on the Rust side: connection, idempotent producer id, schema id.
    producer.produce(spec["topic"], key=records[0][0], value=records[0][1])
    producer.flush()
    secs, cpu = [], []
    for _ in range(spec["rounds"]):
        cpu_before, start = cpu_secs(), time.perf_counter()
        for key, value in records:
            while True:
                try:
                    producer.produce(spec["topic"], key=key, value=value, on_delivery=delivered)
                    break
                except BufferError:
                    producer.poll(0.01)
            producer.poll(0)
        if producer.flush(120) != 0 or failures:
            sys.exit(f"client_bench: deliveries failed: {failures[:3]}")
        secs.append(time.perf_counter() - start)
        cpu.append(cpu_secs() - cpu_before)
    return {"secs": secs, "cpu_secs": cpu}


def consume(client, spec) -> dict:
    from confluent_kafka import DeserializingConsumer
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import StringDeserializer

    secs, cpu = [], []
    for round_ in range(spec["rounds"]):
        cpu_before = cpu_secs()
        consumer = DeserializingConsumer({
            "bootstrap.servers": spec["bootstrap"],
            "group.id": f"{spec['group']}-{round_}",
            "auto.offset.reset": "earliest",
            "key.deserializer": StringDeserializer("utf_8"),
            "value.deserializer": AvroDeserializer(client),
        })
        consumer.subscribe([spec["topic"]])
        seen, first, checksum = 0, None, 0
        deadline = time.monotonic() + 300
        while seen < spec["records"]:
            if time.monotonic() > deadline:
                sys.exit(f"client_bench: only {seen} of {spec['records']} records in 300 s")
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error() is not None:
                sys.exit(f"client_bench: {message.error()}")
            if first is None:
                first = time.perf_counter()
            checksum += len(message.value())
            seen += 1
        secs.append(time.perf_counter() - first)
        cpu.append(cpu_secs() - cpu_before)
        consumer.close()
    return {"secs": secs, "cpu_secs": cpu}


def main() -> None:
    ensure_venv(__file__)
    from confluent_kafka.schema_registry import SchemaRegistryClient

    registry = os.environ.get("SCHEMA_REGISTRY_URL")
    if not registry:
        sys.exit("client_bench: SCHEMA_REGISTRY_URL is not set")
    client = SchemaRegistryClient({"url": registry.rstrip("/")})
    commands = {"produce": produce, "consume": consume}
    if sys.argv[1:2] == [] or sys.argv[1] not in commands:
        sys.exit("client_bench: usage: client_bench.py produce|consume < SPEC_JSON")
    print(json.dumps(commands[sys.argv[1]](client, json.load(sys.stdin))))


if __name__ == "__main__":
    main()
