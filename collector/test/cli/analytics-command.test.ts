/**
 * `flowtrail analytics rebuild` (tools/cli/analytics-command.ts) on a real embedded file
 * whose analytics are behind its events (events stored with `writeEvents`, which keeps
 * none): afterwards the store answers from the analytics, and they equal one analytics
 * fold per instance; a second run changes nothing; `--from-scratch` gives the same
 * buckets; bad arguments are exit 2 with every problem.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { instanceKeyOf } from '@flowtrail/sdk/protocol';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { runAnalytics } from '../../src/tools/cli/analytics-command.ts';
import { history } from '../storage/store-contract-fixtures.ts';
import { expectedBuckets } from '../analytics/expected-buckets.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { env: {}, cwd: '/', out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
  };
}

describe('flowtrail analytics rebuild', () => {
  it('brings the analytics of a file up to its events, idempotently', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowtrail-analytics-cli-'));
    dirs.push(dataDir);
    const events = [
      ...history({
        process: 'order',
        instance: 'o-1',
        start: '2026-11-20T10:00:00Z',
        outcome: 'completed',
        step: 'pay',
      }),
      ...history({
        process: 'order',
        instance: 'o-2',
        start: '2026-11-20T11:30:00Z',
        outcome: 'waiting',
        step: 'pay',
      }),
      ...history({
        process: 'pick',
        instance: 'p-1',
        start: '2026-11-21T08:00:00+01:00',
        outcome: 'failed',
        step: 'pick',
      }),
    ];
    const store = new SqliteEventStore({ dataDir });
    await store.prepare();
    await store.writeEvents(events);
    expect(await store.analyticsBuckets({})).toBeUndefined();
    await store.close();

    const first = io();
    expect(await runAnalytics(['rebuild', '--data-dir', dataDir, '--json'], first.io)).toBe(0);
    const instances = new Set(events.map((e) => instanceKeyOf(e))).size;
    expect(JSON.parse(first.out[0] as string)).toEqual({ instances, changed: instances });
    const second = io();
    expect(await runAnalytics(['rebuild', '--data-dir', dataDir, '--json'], second.io)).toBe(0);
    expect(JSON.parse(second.out[0] as string)).toEqual({ instances, changed: 0 });
    const third = io();
    expect(
      await runAnalytics(
        ['rebuild', '--from-scratch', '--page-size', '1', '--data-dir', dataDir],
        third.io,
      ),
    ).toBe(0);
    expect(third.out[0]).toContain(
      `${instances} instances walked, ${instances} brought up to date`,
    );

    const reopened = new SqliteEventStore({ dataDir });
    await reopened.prepare();
    expect(await reopened.analyticsBuckets({})).toStrictEqual(expectedBuckets(events));
    await reopened.close();
  });

  it('refuses bad arguments with every problem, exit 2', async () => {
    const run = io();
    expect(
      await runAnalytics(['rebiuld', '--page-size', '0', '--data-dir', '/no/such/dir'], run.io),
    ).toBe(2);
    expect(run.err.join('\n')).toMatch(/subcommand "rebuild"/);
    expect(run.err.join('\n')).toMatch(/--page-size: expected 1..10000/);
  });
});
