#!/bin/sh
# docker compose's `init-topics` step: create every topic of avro-schemas/catalog.toml
# (idempotent). Runs in the apache/kafka image and only makes the topics exist:
# `cargo xtask topics apply` then brings their settings (partitions, retention, ...) to
# the catalog's.
set -eu
catalog=/avro-schemas/catalog.toml
for topic in $(sed -n 's/^\[topics\."\([^"]*\)"\]$/\1/p' "$catalog"); do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$KAFKA_BOOTSTRAP" \
    --create --if-not-exists --topic "$topic" --partitions 1 --replication-factor 1
done
echo "init-topics: done"
