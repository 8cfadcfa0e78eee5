#!/bin/sh
# docker compose's `init-scram` step: the SCRAM credential of $SECURE_USER that the
# broker's SASL_SSL listener checks logins against, with the password `stack-tls` drew.
# The native stack adds it when it formats the storage (`kafka-storage format
# --add-scram`); the apache/kafka image formats the storage itself, without that option,
# so here it goes in through the admin API once the broker is up. Setting it is an
# upsert, so every `up` may run this again.
#
# The password is on the tool's command line for its few seconds, in a container of its
# own, as it is on the native stack's format command; the tool does not print it.
set -eu
password=$(cat /tls/password)
/opt/kafka/bin/kafka-configs.sh --bootstrap-server "$KAFKA_BOOTSTRAP" --alter \
  --entity-type users --entity-name "$SECURE_USER" \
  --add-config "$SASL_MECHANISM=[password=$password]"
echo "init-scram: $SASL_MECHANISM credential of $SECURE_USER set"
