/**
 * The embedded store's recency scan (`EventScanFilter.recent`, event-store.ts): the
 * processes by a loose index scan (one seek of `instances_by_process` per process), then
 * each process's instances newest `lastEventAt` first, a keyset page at a time from the
 * same index (process, last_event_ms DESC, key), then the events of the page. Only the
 * index range of the horizon is read; a busy process costs `perProcess` rows, no more.
 */
import type { EventScanFilter, InstanceEvents, RecentScan } from '../../ports/event-store.ts';
import { RECENT_SCAN_PAGE, recentScanSinceMs } from '../../ports/recent-scan.ts';

/** Every process (bytewise order): each step seeks the next one in `instances_by_process`. */
const PROCESSES_SQL = `
WITH RECURSIVE p(process) AS (
  SELECT MIN(process) FROM instances
  UNION ALL
  SELECT (SELECT MIN(process) FROM instances WHERE process > p.process) FROM p
  WHERE p.process IS NOT NULL)
SELECT process FROM p WHERE process IS NOT NULL`;

/** A page of one process's instances after the cursor (ms, key), newest first. */
function pageSql(bySource: boolean): string {
  return `
SELECT key, last_event_ms AS ms FROM instances INDEXED BY instances_by_process
WHERE process = @process AND last_event_ms >= @since
  AND (last_event_ms < @ms OR (last_event_ms = @ms AND key > @key))${
    bySource ? " AND json_extract(state, '$.source') = @source" : ''
  }
ORDER BY last_event_ms DESC, key LIMIT @limit`;
}

export interface RecentScanSql {
  /** Runs a query, returns its rows. */
  all: (sql: string, params: Record<string, string | number>) => unknown[];
  eventsOfInstances: (keys: readonly string[]) => Promise<Map<string, InstanceEvents['events']>>;
}

export async function* scanRecent(
  sql: RecentScanSql,
  filter: EventScanFilter,
  recent: RecentScan,
): AsyncGenerator<InstanceEvents> {
  const since = recentScanSinceMs('sqlite', recent);
  if (recent.perProcess === 0) return;
  const processes =
    filter.process !== undefined
      ? [filter.process]
      : (sql.all(PROCESSES_SQL, {}) as { process: string }[]).map((row) => row.process);
  const statement = pageSql(filter.source !== undefined);
  for (const process of processes) {
    let left = recent.perProcess;
    let cursor = { ms: Number.MAX_SAFE_INTEGER, key: '' };
    while (left > 0) {
      const limit = Math.min(left, RECENT_SCAN_PAGE);
      const params: Record<string, string | number> = { process, since, ...cursor, limit };
      if (filter.source !== undefined) params.source = filter.source;
      const rows = sql.all(statement, params) as {
        key: string;
        ms: number;
      }[];
      const byKey = await sql.eventsOfInstances(rows.map((row) => row.key));
      for (const { key } of rows) {
        const events = byKey.get(key);
        if (events !== undefined) yield { key, events };
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < limit) break;
      left -= rows.length;
      cursor = { ms: last.ms, key: last.key };
    }
  }
}
