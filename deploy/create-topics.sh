#!/usr/bin/env bash
# One-shot topic creation for docker-compose.yml (runs in the apache/kafka image).
set -euo pipefail
: "${BOOTSTRAP_SERVER:=kafka:29092}"
: "${TOPICS:=flowtrail.events flowtrail.dlq flowtrail.commands flowtrail.command-acks flowtrail.alerts}"
: "${PARTITIONS:=3}"
for topic in $TOPICS; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVER" --create --if-not-exists \
    --topic "$topic" --partitions "$PARTITIONS" --replication-factor 1
done
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVER" --list
