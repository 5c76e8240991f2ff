/**
 * `scanInstanceEvents` of the SQLite store (sqlite-event-store.ts): the stored events of
 * every instance (of a process or source), whole instances per page, keyset-paged by
 * instance key so a page costs the same wherever it starts; with `recent`, the newest
 * instances per process instead (recent-scan-queries.ts).
 */
import type { EventScanFilter, InstanceEvents } from '../../ports/event-store.ts';
import { scanRecent, type RecentScanSql } from './recent-scan-queries.ts';

/** Instances per page. */
const SCAN_PAGE = 200;

export async function* scanInstances(
  sql: RecentScanSql,
  filter: EventScanFilter,
): AsyncGenerator<InstanceEvents> {
  if (filter.recent !== undefined) {
    yield* scanRecent(sql, filter, filter.recent);
    return;
  }
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (filter.process !== undefined) {
    where.push('process = @process');
    params.process = filter.process;
  }
  if (filter.source !== undefined) {
    where.push('source = @source');
    params.source = filter.source;
  }
  let after = '';
  for (;;) {
    const keys = sql.all(
      `SELECT DISTINCT instance_key AS key FROM events
         WHERE instance_key > @after${where.map((w) => ` AND ${w}`).join('')}
         ORDER BY instance_key LIMIT ${SCAN_PAGE}`,
      { ...params, after },
    ) as { key: string }[];
    if (keys.length === 0) return;
    const byKey = await sql.eventsOfInstances(keys.map((k) => k.key));
    for (const { key } of keys) yield { key, events: byKey.get(key) ?? [] };
    after = (keys[keys.length - 1] as { key: string }).key;
  }
}
