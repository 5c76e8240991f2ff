/**
 * Chooses the embedded store's engine by measurement (results: docs/benchmarks.md).
 *
 *   npx tsx bench/embedded-store.bench.ts [events=20000] [instances=2000] [rounds=3]
 *
 * For each engine, through the `EventStore` API only, in a fresh temp dir:
 *  1. ingest: events of all instances interleaved in time order, in batches of 500 (the
 *     collector's FLOWTRAIL_BATCH_SIZE), each batch as the pipeline does it: writeEvents →
 *     eventsOfInstances(touched keys) → foldInstance → writeStates;
 *  2. 500 searches (free text, process+status, business key, paged text), 500
 *     getInstance, 500 getEvents, on random instances (fixed seed);
 *  3. close, reopen (prepare) and the first getInstance: the start-up cost.
 * Engines: better-sqlite3 (SqliteEventStore) and a naive append-only JSON-lines store with
 * in-memory indices (embedded-store-jsonl.ts).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventTypes, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../collector/src/domain/instance/fold.ts';
import type { EventStore, InstanceQuery } from '../collector/src/ports/event-store.ts';
import { SqliteEventStore } from '../collector/src/adapters/sqlite/sqlite-event-store.ts';
import { JsonlEventStore } from './embedded-store-jsonl.ts';

const EVENTS = Number(process.argv[2] ?? 20_000);
const INSTANCES = Number(process.argv[3] ?? 2_000);
const ROUNDS = Number(process.argv[4] ?? 3);
const BATCH = 500;
const QUERIES = 500;
const PROCESSES = ['order-fulfilment', 'billing', 'shipping', 'returns'];
const STEPS = ['reserve-stock', 'charge-card', 'pick-items', 'pack-parcel', 'ship-parcel'];
const ERRORS = ['Payment provider unreachable', 'Carrier rejected label', 'Stock mismatch'];

/** Deterministic PRNG (mulberry32), so both engines see the same data and queries. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;

/** `perInstance` events per instance: started, steps (some fail or wait), maybe terminal. */
function generate(): FlowtrailEvent[] {
  const random = rng(42);
  const perInstance = Math.max(2, Math.round(EVENTS / INSTANCES));
  const base = Date.parse('2024-09-01T00:00:00Z');
  const events: FlowtrailEvent[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const process = pick(random, PROCESSES);
    let t = base + Math.floor(random() * 86_400_000);
    const common = { specversion: '1.0' as const, source: 'shop', ftprocess: process };
    const add = (type: string, extra: Partial<FlowtrailEvent> = {}): void => {
      t += 1000 + Math.floor(random() * 60_000);
      events.push({
        ...common,
        id: `e-${i}-${events.length}`,
        type,
        time: new Date(t).toISOString(),
        ftinstance: `inst-${i}`,
        data: {},
        ...extra,
      });
    };
    add(EventTypes.processStarted, {
      data: { businessKeys: { orderNo: `ORD-${100_000 + i}`, customer: `C-${i % 500}` } },
    });
    for (let n = 1; n < perInstance - 1; n++) {
      const step = STEPS[(n - 1) % STEPS.length] as string;
      const owner = `team-${step.split('-')[0]}`;
      if (n % 2 === 1) add(EventTypes.stepStarted, { ftstep: step, ftowner: owner });
      else if (random() < 0.05)
        add(EventTypes.stepFailed, {
          ftstep: step,
          data: { error: { message: pick(random, ERRORS) } },
        });
      else add(EventTypes.stepCompleted, { ftstep: step });
    }
    const end = random();
    if (end < 0.6) add(EventTypes.processCompleted);
    else if (end < 0.7)
      add(EventTypes.processFailed, { data: { error: { message: pick(random, ERRORS) } } });
    else if (end < 0.85)
      add(EventTypes.stepWaiting, { ftstep: 'approval', data: { for: 'manager' } });
    else add('shop.note.added', { data: { note: 'customer called' } });
  }
  return events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

function queries(): InstanceQuery[] {
  const random = rng(7);
  const statuses = ['running', 'waiting', 'completed', 'failed'] as const;
  return Array.from({ length: QUERIES }, (_, n): InstanceQuery => {
    const i = Math.floor(random() * INSTANCES);
    switch (n % 5) {
      case 0:
        return { text: `ORD-${100_000 + i}` };
      case 1:
        return { process: pick(random, PROCESSES), status: pick(random, statuses) };
      case 2:
        return { businessKey: `orderNo=ORD-${100_000 + i}` };
      case 3:
        return { businessKey: `C-${i % 500}` };
      default:
        return {
          text: pick(random, ['unreachable', 'charge-card', 'carrier']),
          from: 40,
          size: 20,
        };
    }
  });
}

interface Timing {
  /** Operations per second of time spent in the store. */
  ops: number;
  p50: number;
  p95: number;
}

/**
 * Runs each operation once, in order. An operation may return the milliseconds it spent
 * in the store (the ingest excludes the fold, which is the same for every engine);
 * otherwise its wall-clock time counts.
 */
async function timed(runs: (() => Promise<unknown>)[]): Promise<Timing> {
  const samples: number[] = [];
  for (const run of runs) {
    const t0 = performance.now();
    const own = await run();
    samples.push(typeof own === 'number' ? own : performance.now() - t0);
  }
  const totalMs = samples.reduce((a, b) => a + b, 0);
  samples.sort((a, b) => a - b);
  const at = (q: number): number =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  return { ops: (runs.length * 1000) / totalMs, p50: at(0.5), p95: at(0.95) };
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

interface EngineResult {
  engine: string;
  /** Per batch of 500 events: store time (write events + read instances + write states). */
  ingest: Timing;
  /** Events per second through the whole ingest, fold included. */
  pipelineEventsPerSec: number;
  search: Timing;
  getInstance: Timing;
  getEvents: Timing;
  reopenMs: number;
  bytes: number;
}

async function runEngine(engine: string, open: (dir: string) => EventStore): Promise<EngineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-bench-'));
  try {
    const events = generate();
    const store = open(dir);
    await store.prepare();
    const batches = Array.from({ length: Math.ceil(events.length / BATCH) }, (_, b) =>
      events.slice(b * BATCH, (b + 1) * BATCH),
    );
    const ingestStart = performance.now();
    const ingest = await timed(
      batches.map((batch) => async () => {
        const t0 = performance.now();
        await store.writeEvents(batch);
        const keys = [...new Set(batch.map((e) => instanceKeyOf(e)))];
        const byKey = await store.eventsOfInstances(keys);
        const t1 = performance.now();
        const states = keys.map((key) => foldInstance(byKey.get(key) ?? []));
        const t2 = performance.now();
        await store.writeStates(states);
        return t1 - t0 + (performance.now() - t2);
      }),
    );
    const pipelineEventsPerSec = (events.length * 1000) / (performance.now() - ingestStart);
    const random = rng(99);
    const keys = Array.from({ length: QUERIES }, () =>
      instanceKeyOf(events[Math.floor(random() * events.length)] as FlowtrailEvent),
    );
    const search = await timed(queries().map((q) => () => store.search(q)));
    const getInstance = await timed(keys.map((k) => () => store.getInstance(k)));
    const getEvents = await timed(keys.map((k) => () => store.getEvents(k)));
    await store.close();

    const t0 = performance.now();
    const reopened = open(dir);
    await reopened.prepare();
    if ((await reopened.getInstance(keys[0] ?? '')) === undefined)
      throw new Error(`${engine}: lost state`);
    const reopenMs = performance.now() - t0;
    await reopened.close();
    return {
      engine,
      ingest,
      pipelineEventsPerSec,
      search,
      getInstance,
      getEvents,
      reopenMs,
      bytes: dirBytes(dir),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median of each number over rounds (the machine is shared: single runs are noisy). */
function median(results: EngineResult[]): EngineResult {
  const mid = (values: number[]): number =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const timing = (get: (r: EngineResult) => Timing): Timing => ({
    ops: mid(results.map((r) => get(r).ops)),
    p50: mid(results.map((r) => get(r).p50)),
    p95: mid(results.map((r) => get(r).p95)),
  });
  return {
    engine: results[0]?.engine ?? '?',
    ingest: timing((r) => r.ingest),
    pipelineEventsPerSec: mid(results.map((r) => r.pipelineEventsPerSec)),
    search: timing((r) => r.search),
    getInstance: timing((r) => r.getInstance),
    getEvents: timing((r) => r.getEvents),
    reopenMs: mid(results.map((r) => r.reopenMs)),
    bytes: mid(results.map((r) => r.bytes)),
  };
}

const f = (n: number, digits = 2): string => n.toFixed(digits);

function report(results: EngineResult[]): void {
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}; ` +
      `${EVENTS} events over ${INSTANCES} instances, batches of ${BATCH}, ${QUERIES} ops each; ` +
      `median of ${ROUNDS} rounds\n`,
  );
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const cell = (t: Timing): string => `${f(t.ops, 0)} | ${f(t.p50, 3)} / ${f(t.p95, 3)}`;
  console.log(
    row([
      'engine',
      'ingest events/s (store only)',
      'ingest batch p50 / p95 ms (store only)',
      'ingest events/s (with fold)',
      'search ops/s',
      'search p50 / p95 ms',
      'getInstance ops/s',
      'getInstance p50 / p95 ms',
      'getEvents ops/s',
      'getEvents p50 / p95 ms',
      'reopen + first read ms',
      'on disk',
    ]),
  );
  console.log(row(Array.from({ length: 12 }, () => '---')));
  for (const r of results) {
    console.log(
      row([
        r.engine,
        f(r.ingest.ops * BATCH, 0),
        `${f(r.ingest.p50, 1)} / ${f(r.ingest.p95, 1)}`,
        f(r.pipelineEventsPerSec, 0),
        cell(r.search),
        cell(r.getInstance),
        cell(r.getEvents),
        f(r.reopenMs, 1),
        `${f(r.bytes / 1024 / 1024, 1)} MiB`,
      ]),
    );
  }
}

const engines: [string, (dir: string) => EventStore][] = [
  ['better-sqlite3 (SqliteEventStore)', (dir) => new SqliteEventStore({ dataDir: dir })],
  ['JSON lines + in-memory indices', (dir) => new JsonlEventStore(dir)],
];
const rounds = new Map<string, EngineResult[]>();
for (let round = 0; round < ROUNDS; round++) {
  // Alternate engines within each round, so background load hits both alike.
  for (const [engine, open] of engines) {
    const list = rounds.get(engine) ?? [];
    list.push(await runEngine(engine, open));
    rounds.set(engine, list);
  }
}
report([...rounds.values()].map(median));
