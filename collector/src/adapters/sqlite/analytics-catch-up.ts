/**
 * `catchUpAnalytics` of the embedded store (ports/analytics-store.ts): walks every
 * instance with stored events in key order, a page per short transaction, and adds to
 * the buckets what its events add beyond the ones its mark says the analytics include
 * (`analyticsChange`; nothing for an instance that is up to date, which is every
 * instance a batch wrote since). Safe beside ingest: both follow the same mark rule.
 * `fromScratch` first empties buckets and marks AND drops the fold summaries (a summary
 * promises that the analytics include its events), all in one transaction.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { analyticsChange } from '../../domain/analytics/analytics-contribution.ts';
import { addDelta, emptyDelta } from '../../domain/analytics/analytics-delta.ts';
import type { AnalyticsCatchUpReport } from '../../ports/analytics-store.ts';
import type { Prepare, SqliteDatabase } from './sqlite-database.ts';
import {
  eventsUpTo,
  eventsWithRowids,
  mergeAnalytics,
  readMarks,
  setAnalyticsComplete,
  writeMark,
} from './analytics-rows.ts';

const KEYS_AFTER = `SELECT DISTINCT instance_key AS key FROM events
  WHERE instance_key > ? ORDER BY instance_key LIMIT ?`;

const DEFAULT_PAGE = 500;

function clearAnalytics(db: SqliteDatabase, prepare: Prepare): void {
  db.transaction(() => {
    prepare('DELETE FROM analytics_buckets').run();
    prepare('DELETE FROM analytics_marks').run();
    prepare('UPDATE instances SET fold_summary = NULL WHERE fold_summary IS NOT NULL').run();
    setAnalyticsComplete(prepare, false);
  })();
}

/** One page after `after`: the keys walked and how many changed. */
function catchUpPage(
  db: SqliteDatabase,
  prepare: Prepare,
  after: string,
  size: number,
): { keys: string[]; changed: number } {
  return db.transaction(() => {
    const keys = (prepare(KEYS_AFTER).all(after, size) as { key: string }[]).map((r) => r.key);
    const stored = eventsWithRowids(prepare, keys);
    const marks = readMarks(prepare, keys);
    const delta = emptyDelta();
    let changed = 0;
    for (const key of keys) {
      const entry = stored.get(key);
      if (entry === undefined) continue;
      const previous: FlowtrailEvent[] = eventsUpTo(entry, marks.get(key));
      if (previous.length === entry.events.length) continue;
      addDelta(delta, analyticsChange(previous, entry.events).delta);
      writeMark(
        prepare,
        key,
        entry.rowids.reduce((max, rowid) => Math.max(max, rowid), -1),
      );
      changed += 1;
    }
    mergeAnalytics(prepare, delta);
    return { keys, changed };
  })();
}

/**
 * Runs the whole walk; `pause` runs between pages (the store yields to the event loop
 * there, so requests are served while a large file catches up).
 */
export async function catchUpAnalytics(
  db: SqliteDatabase,
  prepare: Prepare,
  options: { pageSize?: number; fromScratch?: boolean },
  pause: () => Promise<void>,
): Promise<AnalyticsCatchUpReport> {
  const size = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE));
  if (options.fromScratch === true) clearAnalytics(db, prepare);
  let after = '';
  const report: AnalyticsCatchUpReport = { instances: 0, changed: 0 };
  for (;;) {
    const page = catchUpPage(db, prepare, after, size);
    report.instances += page.keys.length;
    report.changed += page.changed;
    const last = page.keys.at(-1);
    if (last === undefined || page.keys.length < size) break;
    after = last;
    await pause();
  }
  setAnalyticsComplete(prepare, true);
  return report;
}
