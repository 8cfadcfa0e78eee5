#!/usr/bin/env python3
"""Schema references with Python confluent-kafka, driven by
`tests/tests/stack_registry_references.rs` on the stack:

    references.py produce TOPIC SHARED_SUBJECT N
        registers `shared.Money` under SHARED_SUBJECT, then `shop.Order` (two Money
        fields, the type used by name) under TOPIC-value with the reference
        [{"name": "shared.Money", "subject": SHARED_SUBJECT, "version": <its version>}],
        as a Java or Python team sharing a type does; produces N orders (keys py-<i>,
        order_id py-<i>, total <i>00 cents, tip <i> cents) to TOPIC with a
        SerializingProducer + AvroSerializer writing that latest version; prints
        {"id": <Order's id>, "frames": [<hex of each value>]}
    references.py deserialize TOPIC HEX...
        prints, as a JSON list, what AvroDeserializer reads from each frame (the writer
        schema fetched by id, its references resolved by confluent-kafka)

Reads KAFKA_BOOTSTRAP_SERVERS (produce) and SCHEMA_REGISTRY_URL; runs in interop.py's
pinned venv.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from interop import ensure_venv  # noqa: E402

MONEY = {
    "type": "record",
    "name": "Money",
    "namespace": "shared",
    "fields": [{"name": "cents", "type": "long"}, {"name": "currency", "type": "string", "default": "EUR"}],
}
ORDER = {
    "type": "record",
    "name": "Order",
    "namespace": "shop",
    "fields": [
        {"name": "order_id", "type": "string"},
        {"name": "total", "type": "shared.Money"},
        {"name": "tip", "type": ["null", "shared.Money"], "default": None},
    ],
}


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"references: {name} is not set (eval $(cargo xtask stack env))")
    return value


def order(i: int) -> dict:
    """The i-th order Python writes; the Rust test expects exactly these values."""
    return {
        "order_id": f"py-{i}",
        "total": {"cents": i * 100, "currency": "EUR"},
        "tip": {"cents": i, "currency": "CHF"} if i % 2 else None,
    }


def produce(client, topic: str, shared_subject: str, count: int) -> dict:
    from confluent_kafka import SerializingProducer
    from confluent_kafka.schema_registry import Schema, SchemaReference
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import StringSerializer

    client.register_schema(shared_subject, Schema(json.dumps(MONEY), "AVRO"))
    money = client.lookup_schema(shared_subject, Schema(json.dumps(MONEY), "AVRO"))
    reference = SchemaReference("shared.Money", shared_subject, money.version)
    order_schema = Schema(json.dumps(ORDER), "AVRO", [reference])
    order_id = client.register_schema(f"{topic}-value", order_schema)
    serializer = AvroSerializer(
        client,
        order_schema,
        conf={"auto.register.schemas": False, "use.latest.version": True},
    )
    frames = []

    def value_serializer(value, context):
        frame = serializer(value, context)
        frames.append(frame.hex())
        return frame

    producer = SerializingProducer({
        "bootstrap.servers": env("KAFKA_BOOTSTRAP_SERVERS"),
        "key.serializer": StringSerializer("utf_8"),
        "value.serializer": value_serializer,
    })
    for i in range(count):
        producer.produce(topic, key=f"py-{i}", value=order(i))
    if producer.flush(30) != 0:
        sys.exit("references: records were not delivered within 30 s")
    return {"id": order_id, "frames": frames}


def deserialize(client, topic: str, frames: list) -> list:
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    context = SerializationContext(topic, MessageField.VALUE)
    deserializer = AvroDeserializer(client)
    return [deserializer(bytes.fromhex(frame), context) for frame in frames]


def main() -> None:
    ensure_venv(__file__)
    from confluent_kafka.schema_registry import SchemaRegistryClient

    client = SchemaRegistryClient({"url": env("SCHEMA_REGISTRY_URL").rstrip("/")})
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "produce" and len(sys.argv) == 5:
        print(json.dumps(produce(client, sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    elif command == "deserialize" and len(sys.argv) >= 3:
        print(json.dumps(deserialize(client, sys.argv[2], sys.argv[3:])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
