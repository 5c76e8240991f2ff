/**
 * The embedded store's search terms (schema version 7): the store derives each state's
 * systems, owners and steps in JavaScript (`search_terms`, search-terms.ts) and writes
 * `instance_terms` and the `instance_counts` counters itself (search-index-writes.ts). After an
 * ingest through the atomic batch (`UPSERT_FOLDED_STATE`, instances gaining steps, owners
 * and statuses batch by batch), `writeStates` rewrites and the start-up repair
 * (`UPSERT_STATE`), the stored rows must equal the terms of the stored states, and the
 * counters a recount of the rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { foldInstance } from '../src/domain/instance/fold.ts';
import type { InstanceState } from '../src/domain/instance/instance-state.ts';
import { searchTermsOf } from '../src/adapters/sqlite/search-terms.ts';
import { databasePath } from '../src/adapters/sqlite/sqlite-database.ts';
import { SqliteEventStore } from '../src/adapters/sqlite/sqlite-event-store.ts';
import { history, type Outcome } from './storage/store-contract-fixtures.ts';
import { testIngester } from './helpers/batches.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Two steps per instance (the second with another owner, from a later batch), some from 'erp'. */
function events(): FlowtrailEvent[] {
  const outcomes: Outcome[] = ['running', 'waiting', 'completed', 'failed'];
  const all = Array.from({ length: 16 }, (_, i) => {
    const init = { process: i % 3 === 0 ? 'billing' : 'shipping', instance: `o-${i}` };
    const first = history({
      ...init,
      start: '2026-11-01T08:00:00Z',
      outcome: 'running',
      step: 'reserve',
      ...(i % 4 === 0 ? {} : { owner: `team-${i % 3}` }),
    });
    const second = history({
      ...init,
      start: `2026-11-01T08:0${1 + (i % 5)}:00Z`,
      outcome: outcomes[i % outcomes.length] as Outcome,
      step: i % 2 === 0 ? 'pick' : 'ship',
      owner: `team-${(i + 1) % 3}`,
    })
      .slice(1)
      .map((event) => ({ ...event, id: `${event.id}-b` }));
    return [...first, ...second].map((event) =>
      i % 5 === 0 ? { ...event, source: 'erp' } : event,
    );
  });
  return all.flat().sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/** Every stored term row, and every counter, against the stored states. */
function expectTermsAgree(dataDir: string): number {
  const db = new Database(databasePath(dataDir), { readonly: true });
  const states = (db.prepare('SELECT state FROM instances').all() as { state: string }[]).map(
    (row) => JSON.parse(row.state) as InstanceState,
  );
  const terms = db.prepare(
    'SELECT kind, value, process, status FROM instance_terms WHERE instance_key = ?',
  );
  for (const state of states) {
    const expected = searchTermsOf(state).map(([kind, value]) => ({
      kind,
      value,
      process: state.process,
      status: state.status,
    }));
    const stored = (terms.all(state.key) as typeof expected).sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value),
    );
    expect(stored, state.key).toEqual(
      expected.sort((a, b) => a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value)),
    );
  }
  const recount = db
    .prepare(
      `SELECT kind, process, status, value, count(*) AS n FROM instance_terms
         GROUP BY kind, process, status, value
       UNION ALL SELECT '', process, status, '', count(*) FROM instances GROUP BY process, status
       ORDER BY 1, 2, 3, 4`,
    )
    .all();
  const counters = db
    .prepare(
      'SELECT kind, process, status, value, n FROM instance_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4',
    )
    .all();
  expect(counters).toEqual(recount);
  db.close();
  return counters.length;
}

describe('sqlite search terms', () => {
  it('follow the states through batches, rewrites and the repair', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowtrail-search-terms-'));
    dirs.push(dataDir);
    const store = new SqliteEventStore({ dataDir });
    await store.prepare();
    const { ingester } = testIngester(store);
    const all = events();
    for (let from = 0; from < all.length; from += 7) {
      const batch = all.slice(from, from + 7).map((event, offset) => ({
        topic: 'in',
        partition: 0,
        offset: String(from + offset),
        key: null,
        value: Buffer.from(JSON.stringify(event)),
        headers: {},
      }));
      await ingester.process(batch);
      expectTermsAgree(dataDir);
    }
    // A rewrite without the second step's owner and with another status (`UPSERT_STATE`).
    const rewritten = (await store.search({ size: 100 })).instances.map((state) => ({
      ...state,
      status: 'cancelled' as const,
      steps: state.steps.slice(0, 1),
    }));
    expect(rewritten.length).toBe(16);
    expect(expectTermsAgree(dataDir)).toBeGreaterThan(30);
    await store.writeStates(rewritten);
    expectTermsAgree(dataDir);
    // The repair re-folds what a lost state write left stale.
    const db = new Database(databasePath(dataDir));
    db.exec('UPDATE instances SET event_count = 0');
    db.close();
    const report = await store.repairStaleStates(1000, (keys, byKey) =>
      keys.map((key) => foldInstance(byKey.get(key) ?? [])),
    );
    expect(report.repaired).toBeGreaterThan(0);
    expectTermsAgree(dataDir);
    await store.close();
  });
});
