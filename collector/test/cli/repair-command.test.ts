/**
 * The full-scan repair (app/ingest/full-state-repair.ts) on the embedded SQLite store, and
 * `flowtrail repair` (tools/cli/repair-command.ts, repair-args.ts): every instance folded
 * again from its stored events, stale states (missing, behind, ahead) counted, the
 * missing and behind ones written again, in pages; `--dry-run` only counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { repairAllStates } from '../../src/app/ingest/full-state-repair.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { parseRepairArgs } from '../../src/tools/cli/repair-args.ts';
import { DEMO_DEFINITIONS_DIR } from '../../src/main/config/embedded-config.ts';
import { runRepair } from '../../src/tools/cli/repair-command.ts';
import { at, makeEvent } from '../helpers/events.ts';

const dirs: string[] = [];
const stores: SqliteEventStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-repair-'));
  dirs.push(dir);
  return dir;
}

async function openStore(dataDir: string): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ dataDir });
  stores.push(store);
  await store.prepare();
  return store;
}

/** `count` instances of `process`, 6 events each (started, 2 steps, completed). */
function instances(count: number, process = 'order'): FlowtrailEvent[][] {
  return Array.from({ length: count }, (_, i) => {
    const instance = `${process}-${String(i).padStart(3, '0')}`;
    const base = at('2024-05-01T10:00:00Z', i * 60);
    const event = (type: string, s: number, step?: string) =>
      makeEvent({
        id: `${instance}-${s}`,
        type,
        process,
        instance,
        time: at(base, s),
        ...(step !== undefined ? { step } : {}),
      });
    return [
      event('flowtrail.process.started', 0),
      event('flowtrail.step.started', 1, 'a'),
      event('flowtrail.step.completed', 2, 'a'),
      event('flowtrail.step.started', 3, 'b'),
      event('flowtrail.step.completed', 4, 'b'),
      event('flowtrail.process.completed', 5),
    ];
  });
}

/**
 * A store with 20 orders whose states are: 12 right, 4 behind (folded from 3 of their 6
 * events), 3 missing, 1 ahead (folded from its events plus one that is not stored); and
 * 5 invoices, all right.
 */
async function damagedStore(dataDir: string): Promise<{
  store: SqliteEventStore;
  all: FlowtrailEvent[][];
}> {
  const store = await openStore(dataDir);
  const orders = instances(20);
  const invoices = instances(5, 'invoice');
  const all = [...orders, ...invoices];
  await store.writeEvents(all.flat());
  const states = all.flatMap((events, i) => {
    if (i < 20 && i % 5 === 1) return [foldInstance(events.slice(0, 3))]; // behind: 1,6,11,16
    if (i === 2 || i === 7 || i === 12) return []; // missing
    if (i === 3) {
      const extra = makeEvent({
        id: 'not-stored',
        type: 'custom.note',
        process: 'order',
        instance: events[0]!.ftinstance,
        time: at(events[0]!.time, 30),
      });
      return [foldInstance([...events, extra])]; // ahead
    }
    return [foldInstance(events)];
  });
  await store.writeStates(states);
  return { store, all };
}

function logLines(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('repairAllStates (full scan, SQLite)', () => {
  it('counts stale states in a dry run and writes nothing', async () => {
    const { store, all } = await damagedStore(tempDir());
    const before = await store.instancesByKeys(all.map((e) => instanceKeyOf(e[0]!)));
    const report = await repairAllStates({
      store,
      fold: foldInstance,
      logger: createLogger('silent'),
      dryRun: true,
      pageSize: 4,
    });
    expect(report).toMatchObject({
      checked: 25,
      stale: 8,
      missing: 3,
      behind: 4,
      ahead: 1,
      repaired: 0,
      rejected: 0,
      foldFailures: 0,
      events: 150,
      pages: 7,
      dryRun: true,
      aborted: false,
    });
    expect(await store.instancesByKeys(all.map((e) => instanceKeyOf(e[0]!)))).toEqual(before);
  });

  it('repairs the missing and behind states in pages, leaves the one ahead, and is idempotent', async () => {
    const { store, all } = await damagedStore(tempDir());
    const { logger, lines } = logLines();
    let t = 0;
    const report = await repairAllStates({
      store,
      fold: foldInstance,
      logger,
      pageSize: 3,
      progressEveryMs: 10,
      clock: () => (t += 7),
    });
    expect(report).toMatchObject({ checked: 25, stale: 8, repaired: 7, ahead: 1, pages: 9 });
    for (const [i, events] of all.entries()) {
      const state = await store.getInstance(instanceKeyOf(events[0]!));
      expect(state?.eventCount, `instance ${i}`).toBe(i === 3 ? 7 : 6);
      if (i !== 3) expect(state).toEqual(foldInstance(events));
    }
    expect(lines.some((l) => l['msg'] === 'repairing instance states')).toBe(true);
    expect(
      lines.some((l) => l['msg'] === 'state claims more events than are stored; left as it is'),
    ).toBe(true);
    const last = lines[lines.length - 1];
    expect(last).toMatchObject({
      level: 40,
      msg: 'instance states repaired',
      stale: 8,
      repaired: 7,
    });

    const again = await repairAllStates({
      store,
      fold: foldInstance,
      logger: createLogger('silent'),
    });
    expect(again).toMatchObject({ checked: 25, stale: 1, ahead: 1, repaired: 0 });
  });

  it('bounds a page by events too, filters by process, and stops when aborted', async () => {
    const { store } = await damagedStore(tempDir());
    const byEvents = await repairAllStates({
      store,
      fold: foldInstance,
      logger: createLogger('silent'),
      dryRun: true,
      pageSize: 100,
      pageEvents: 12, // two instances of 6 events
    });
    expect(byEvents.pages).toBe(13);
    const invoices = await repairAllStates({
      store,
      fold: foldInstance,
      logger: createLogger('silent'),
      filter: { process: 'invoice' },
    });
    expect(invoices).toMatchObject({ checked: 5, stale: 0, repaired: 0 });
    const abort = new AbortController();
    abort.abort();
    const stopped = await repairAllStates({
      store,
      fold: foldInstance,
      logger: createLogger('silent'),
      pageSize: 5,
      signal: abort.signal,
    });
    expect(stopped).toMatchObject({ aborted: true, checked: 5, pages: 1 });
  });

  it('counts a fold that throws and goes on', async () => {
    const { store } = await damagedStore(tempDir());
    const report = await repairAllStates({
      store,
      fold: (events) => {
        if (events[0]?.ftinstance === 'order-000') throw new Error('boom');
        return foldInstance(events);
      },
      logger: createLogger('silent'),
    });
    expect(report).toMatchObject({ checked: 25, foldFailures: 1, repaired: 7 });
  });
});

describe('flowtrail repair', () => {
  function io(env: Record<string, string> = {}, cwd = tempDir()) {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        env,
        cwd,
        out: (t: string) => out.push(t),
        err: (t: string) => err.push(t),
        logger: createLogger('silent'),
      },
    };
  }

  it('parses its arguments, listing every problem', () => {
    const cwd = '/w';
    expect(parseRepairArgs(['--help'], {}, cwd)).toEqual({ ok: false, help: true, problems: [] });
    const sqlite = parseRepairArgs(['--dry-run', '--data-dir', 'd'], {}, cwd);
    expect(sqlite).toMatchObject({
      ok: true,
      command: {
        dryRun: true,
        pageSize: 500,
        json: false,
        store: { kind: 'sqlite', dataDir: '/w/d' },
      },
    });
    expect(parseRepairArgs([], { FLOWTRAIL_DATA_DIR: '/data' }, cwd)).toMatchObject({
      ok: true,
      command: { dryRun: false, store: { kind: 'sqlite', dataDir: '/data' } },
    });
    const es = parseRepairArgs(
      ['--elasticsearch', '--process', 'order', '--page-size', '50', '--json'],
      {
        ELASTICSEARCH_URL: 'http://es:9200',
        FLOWTRAIL_INDEX_PREFIX: 'ft',
        FLOWTRAIL_DEFINITIONS_DIR: '/defs',
      },
      cwd,
    );
    expect(es).toMatchObject({
      ok: true,
      command: {
        process: 'order',
        pageSize: 50,
        json: true,
        store: {
          kind: 'elasticsearch',
          definitionsDir: '/defs',
          elasticsearch: { url: 'http://es:9200', indexPrefix: 'ft' },
        },
      },
    });
    const bad = parseRepairArgs(
      ['--elasticsearch', '--data-dir', 'x', '--page-size', '0'],
      { FLOWTRAIL_INDEX_PREFIX: 'Bad Prefix' },
      cwd,
    );
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems).toEqual([
      '--data-dir and --elasticsearch: choose one store',
      '--page-size: expected 1..10000, got "0"',
      expect.stringContaining('FLOWTRAIL_INDEX_PREFIX'),
    ]);
    expect(parseRepairArgs(['--bogus'], {}, cwd)).toMatchObject({ ok: false, help: false });
  });

  it('uses definitions only when given: the environment, or the demo with --demo', () => {
    // From the checkout, where deploy/definitions exists: none unless asked for.
    const checkout = join(import.meta.dirname, '../../..');
    const plain = parseRepairArgs([], {}, checkout);
    expect(plain.ok && plain.command.store.definitionsDir).toBeUndefined();
    const demo = parseRepairArgs(['--demo'], {}, checkout);
    expect(demo.ok && demo.command.store.definitionsDir).toBe(DEMO_DEFINITIONS_DIR);
    const own = parseRepairArgs(['--demo'], { FLOWTRAIL_DEFINITIONS_DIR: 'defs' }, '/w');
    expect(own.ok && own.command.store.definitionsDir).toBe('/w/defs');
    expect(parseRepairArgs(['--demo', '--elasticsearch'], {}, '/w')).toMatchObject({
      ok: false,
      problems: ['--demo: only with the embedded store'],
    });
  });

  it('exits 1 on a dry run that finds stale states, repairs them, then exits 0', async () => {
    const dataDir = tempDir();
    const { store } = await damagedStore(dataDir);
    await store.close();
    stores.splice(stores.indexOf(store), 1);

    const dry = io();
    expect(await runRepair(['--dry-run', '--data-dir', dataDir], dry.io)).toBe(1);
    expect(dry.out.join('\n')).toMatch(/checked 25 instances \(150 events, 1 pages\)/);
    expect(dry.out.join('\n')).toMatch(/stale 8 \(missing 3, behind 4, ahead 1\): dry run/);

    const run = io();
    // Exit 1 still: one state is ahead of its events and is left as it is.
    expect(await runRepair(['--data-dir', dataDir, '--json'], run.io)).toBe(1);
    expect(JSON.parse(run.out.join(''))).toMatchObject({ stale: 8, repaired: 7, ahead: 1 });

    const check = await openStore(dataDir);
    const orders = instances(20);
    for (const events of orders) {
      const state = await check.getInstance(instanceKeyOf(events[0]!));
      if (events[0]!.ftinstance !== 'order-003') expect(state).toEqual(foldInstance(events));
    }
  });

  it('exits 0 when every state matches, 1 without a database, 2 on bad arguments', async () => {
    const dataDir = tempDir();
    const store = await openStore(dataDir);
    const events = instances(3).flat();
    await store.writeEvents(events);
    const fine = io();
    expect(await runRepair(['--data-dir', dataDir], fine.io)).toBe(0); // 3 missing → repaired
    expect(fine.out.join('\n')).toMatch(/stale 3 \(missing 3, behind 0, ahead 0\): 3 repaired/);
    const again = io();
    expect(await runRepair(['--data-dir', dataDir, '--dry-run'], again.io)).toBe(0);
    expect(again.out.join('\n')).toMatch(/stale 0/);

    const none = io();
    expect(await runRepair(['--data-dir', join(dataDir, 'nothing')], none.io)).toBe(1);
    expect(none.err.join('\n')).toMatch(/no embedded Flowtrail database/);
    const bad = io();
    expect(await runRepair(['--page-size', 'x'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/usage: flowtrail repair/);
  });
});
