/**
 * Command-line arguments of `flowtrail query`. Pure: arguments in, the overrides (or the
 * help request, or every problem) out. Everything else comes from the environment.
 */
import { parseArgs } from 'node:util';
import type { QueryOverrides } from '../../main/config/query-config.ts';

export const QUERY_USAGE = `usage: flowtrail query [--port P]

Runs a query node: the HTTP API's read routes (search, instances, events, timeline,
state as of, graph, heat maps, ownership, processes, export, alerts with acknowledge and
silence, definitions) over Elasticsearch, with no Kafka consumer and no detection sweeps,
so queries scale out apart from ingestion. Ingest (POST /api/events) and command delivery
(/api/commands) answer 404 with {"error": "this is a query-only node ...", "retriable":
false}: send events to a collector. SIGTERM or SIGINT stops it (exit 0); a bad
configuration exits 2 and lists every problem.

  --port P   HTTP API port (default $FLOWTRAIL_HTTP_PORT or 4100; 0 = any free)
  -h, --help this text

Environment: ELASTICSEARCH_URL, ELASTICSEARCH_USERNAME / _PASSWORD / _API_KEY,
ELASTICSEARCH_REQUEST_TIMEOUT_MS, FLOWTRAIL_INDEX_PREFIX (the collectors' prefix),
FLOWTRAIL_INDEX_REPLICAS, FLOWTRAIL_HTTP_HOST, FLOWTRAIL_HTTP_PORT, FLOWTRAIL_API_KEY,
FLOWTRAIL_MAX_BODY_BYTES, FLOWTRAIL_DEFINITIONS_DIR, FLOWTRAIL_RETRY_MIN_MS / _MAX_MS,
FLOWTRAIL_SHUTDOWN_TIMEOUT_MS, LOG_LEVEL. Kafka variables are ignored. See
docs/operations.md, "Scaling".`;

export type ParsedQueryArgs =
  { ok: true; overrides: QueryOverrides } | { ok: false; help: boolean; problems: string[] };

export function parseQueryArgs(args: readonly string[]): ParsedQueryArgs {
  let values: { port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    return { ok: false, help: false, problems: [(err as Error).message] };
  }
  if (values.help === true) return { ok: false, help: true, problems: [] };
  if (values.port === undefined) return { ok: true, overrides: {} };
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    return {
      ok: false,
      help: false,
      problems: [`--port: expected 0..65535, got "${values.port}"`],
    };
  }
  return { ok: true, overrides: { port } };
}
