#!/usr/bin/env python3
"""Kafka interop with Python confluent-kafka's SerializingProducer and
DeserializingConsumer (AvroSerializer / AvroDeserializer), driven by
`tests/tests/stack_kafka_python_interop.rs` on the stack:

    kafka_interop.py produce TOPIC N   produces N TelescopeData records (keys py-0 ...,
                                       data_id py-<i>, sequence_number <i>), schema
                                       auto-registered under TOPIC-value; prints "produced N"
    kafka_interop.py consume TOPIC N   reads N records from the start of TOPIC and prints
                                       each as a JSON line {"key", "value"} (bytes as hex,
                                       timestamps as epoch milliseconds)

Reads KAFKA_BOOTSTRAP_SERVERS and SCHEMA_REGISTRY_URL; runs in interop.py's pinned venv.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from interop import SCHEMA_FILE, TELESCOPE_DATA, as_json, ensure_venv  # noqa: E402


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"kafka_interop: {name} is not set (eval $(cargo xtask stack env))")
    return value


def main() -> None:
    ensure_venv(__file__)
    from confluent_kafka import DeserializingConsumer, SerializingProducer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
    from confluent_kafka.serialization import StringDeserializer, StringSerializer

    command, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    bootstrap = env("KAFKA_BOOTSTRAP_SERVERS")
    registry = SchemaRegistryClient({"url": env("SCHEMA_REGISTRY_URL").rstrip("/")})
    if command == "produce":
        producer = SerializingProducer({
            "bootstrap.servers": bootstrap,
            "enable.idempotence": True,
            "key.serializer": StringSerializer("utf_8"),
            "value.serializer": AvroSerializer(registry, SCHEMA_FILE.read_text(),
                                               conf={"auto.register.schemas": True}),
        })
        errors = []
        for i in range(count):
            value = dict(TELESCOPE_DATA, data_id=f"py-{i}", sequence_number=i)
            producer.produce(topic, key=f"py-{i}", value=value,
                             on_delivery=lambda err, msg: errors.append(err) if err else None)
        remaining = producer.flush(30)
        if errors or remaining:
            sys.exit(f"kafka_interop: {len(errors)} failed, {remaining} unacknowledged: {errors[:3]}")
        print(f"produced {count}")
    elif command == "consume":
        consumer = DeserializingConsumer({
            "bootstrap.servers": bootstrap,
            "group.id": f"{topic}-python-{time.time_ns()}",
            "auto.offset.reset": "earliest",
            "key.deserializer": StringDeserializer("utf_8"),
            "value.deserializer": AvroDeserializer(registry),
        })
        consumer.subscribe([topic])
        seen, deadline = 0, time.time() + 60
        while seen < count and time.time() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                sys.exit(f"kafka_interop: {message.error()}")
            print(json.dumps({"key": message.key(), "value": as_json(message.value())}), flush=True)
            seen += 1
        consumer.close()
        if seen < count:
            sys.exit(f"kafka_interop: only {seen} of {count} records within 60 s")
    else:
        sys.exit(f"kafka_interop: unknown command {command!r} (produce TOPIC N | consume TOPIC N)")


if __name__ == "__main__":
    main()
