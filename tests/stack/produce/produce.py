#!/usr/bin/env python3
"""Produces records given as hex to a Kafka topic, for end-to-end tests that have their
frames already (built and framed by avrokit) but no Rust Kafka client yet.

    produce.py TOPIC < lines of KEY<TAB>VALUE_HEX

Keys are UTF-8 strings, values raw bytes. Waits for every delivery and exits non-zero,
naming the failure, when one is not acknowledged. Reads KAFKA_BOOTSTRAP_SERVERS. Runs in
the smoke test's virtual environment (target/stack/venv, pinned confluent-kafka).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "smoke"))
from smoke import ensure_venv  # noqa: E402


def main() -> None:
    ensure_venv(__file__)
    from confluent_kafka import Producer

    if len(sys.argv) != 2:
        sys.exit("usage: produce.py TOPIC < KEY<TAB>VALUE_HEX lines")
    topic = sys.argv[1]
    producer = Producer({"bootstrap.servers": os.environ["KAFKA_BOOTSTRAP_SERVERS"],
                         "enable.idempotence": True})
    errors, count = [], 0
    for line in sys.stdin:
        if not line.strip():
            continue
        key, value = line.rstrip("\n").split("\t", 1)
        producer.produce(topic, key=key.encode(), value=bytes.fromhex(value),
                         on_delivery=lambda err, msg: errors.append(err) if err else None)
        count += 1
    remaining = producer.flush(30)
    if errors or remaining:
        sys.exit(f"produce: {len(errors)} failed, {remaining} unacknowledged: {errors[:3]}")
    print(f"produce: {count} records to {topic}")


if __name__ == "__main__":
    main()
