#!/usr/bin/env bash
# Every test Flowtrail has, on a clean clone: `npm test` runs this script.
#   1. installs npm dependencies when node_modules is missing or older than the lockfile
#      (`npm install`, which follows package-lock.json: `npm ci` refuses this lockfile
#      because npm 11 leaves other platforms' optional packages out of it),
#   2. lint + format check + typecheck,
#   3. unit tests (pure core, SDK, config, codecs),
#   4. installs and starts REAL Kafka and Elasticsearch (`flowtrail infra up`;
#      Maven Central jars / integ-test-zip, reused when already running or installed),
#   5. validates docker-compose.yml without a Docker engine,
#   6. integration tests against those servers, then the fault tests, which stop and
#      restart servers mid-ingest (collector/test/faults): a private pair of their own
#      (the `infra` instance `faults`, Kafka :19092, Elasticsearch :19200) that the
#      faults project's globalSetup starts and, unless FLOWTRAIL_KEEP_INFRA=1, stops,
#   7. the dashboard's browser test: Debian's chromium (installed by
#      scripts/install-chromium.sh) driven by playwright-core against `next build` +
#      `next start` and a real `flowtrail up`,
#   8. stops the servers it started (FLOWTRAIL_KEEP_INFRA=1 keeps them).
# It ends with one line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
results_dir=test-artifacts
mkdir -p "$results_dir"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm install"
  npm install --no-audit --no-fund
fi

step "lint, format, typecheck"
npm run --silent lint
npm run --silent typecheck # the collector and SDK, the dashboard, the browser tests

step "unit tests"
unit_status=0
npx vitest run --project unit --reporter=default --reporter=json \
  --outputFile.json="$results_dir/unit.json" || unit_status=$?

started_infra=0
stop_infra() {
  if [ "$started_infra" = 1 ] && [ "${FLOWTRAIL_KEEP_INFRA:-0}" != 1 ]; then
    step "stopping Kafka and Elasticsearch"
    node collector/bin/flowtrail.js infra down || true
  fi
}
trap stop_infra EXIT

step "real Kafka and Elasticsearch"
if ! node collector/bin/flowtrail.js infra status --quiet-if-up >/dev/null 2>&1; then
  started_infra=1
fi
node collector/bin/flowtrail.js infra up

step "docker-compose.yml"
bash scripts/validate-compose.sh

step "integration tests (real servers)"
int_status=0
npx vitest run --project integration --reporter=default --reporter=json \
  --outputFile.json="$results_dir/integration.json" || int_status=$?

step "fault tests (a private pair of real servers stopped and restarted mid-ingest)"
fault_status=0
npx vitest run --project faults --passWithNoTests --reporter=default --reporter=json \
  --outputFile.json="$results_dir/faults.json" || fault_status=$?

step "dashboard in a real browser"
bash scripts/install-chromium.sh
e2e_status=0
npx vitest run --root . --config dashboard/e2e/vitest.e2e.config.ts --reporter=default \
  --reporter=json --outputFile.json="$results_dir/e2e.json" || e2e_status=$?

node scripts/summarize-tests.mjs "$results_dir/unit.json" "$results_dir/integration.json" \
  "$results_dir/e2e.json" "$results_dir/faults.json"
[ "$unit_status" = 0 ] && [ "$int_status" = 0 ] && [ "$fault_status" = 0 ] && [ "$e2e_status" = 0 ]
