/**
 * HTTP ingest in sub-batches (app/ingest/event-ingest.ts): a request split into chunks
 * answers and stores exactly what it would as one batch — random requests (fast-check) on
 * an atomic in-memory writer and on the real SQLite store — copies of an event across
 * chunk boundaries are de-duplicated as within one batch, rejections keep their request
 * index, and other work (a macrotask, another request, an HTTP read) runs between the
 * chunks of a request. Ordering is observed with probes, never with timings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import {
  parseBatchInPieces,
  PIECEWISE_MIN_BYTES,
  splitArray,
  type PieceSizes,
} from '../../src/adapters/http/batch-pieces.ts';
import { parseIngestRequest, type IngestUnit } from '../../src/adapters/http/ingest-request.ts';
import { startApiServer } from '../../src/adapters/http/api-server.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { ATOMIC_WRITER_CHUNK, EventIngest, planChunks } from '../../src/app/ingest/event-ingest.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import type { BatchFold, BatchWriteResult } from '../../src/ports/atomic-batch.ts';
import type { DeadLetter } from '../../src/ports/dead-letter-sink.ts';
import type { EventWriter } from '../../src/ports/event-store.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics, type CounterSnapshot } from '../../src/shared/metrics.ts';
import { postBatch, call } from '../http/http-client.ts';
import { MemoryWriter } from './memory-writer.ts';

const logger = createLogger('silent');
const MAX_EVENT_BYTES = 2_000;
const ONE_BATCH = Number.POSITIVE_INFINITY;
const limits = (events: number, bytes = Number.POSITIVE_INFINITY) => ({ events, bytes });

/** `MemoryWriter` with the `AtomicBatchWriter` capability, as the SQLite store has it. */
class AtomicMemoryWriter extends MemoryWriter {
  /** The first event id of each `writeBatch`, in call order. */
  readonly batches: string[] = [];
  onBatch: (events: readonly FlowtrailEvent[]) => void = () => undefined;

  async writeBatch(events: readonly FlowtrailEvent[], fold: BatchFold): Promise<BatchWriteResult> {
    this.onBatch(events);
    const written = await this.writeEvents(events);
    const rejected = new Set(written.rejected.map((r) => r.item));
    const keys = [...new Set(events.filter((e) => !rejected.has(e)).map((e) => instanceKeyOf(e)))];
    const states = keys.length === 0 ? [] : fold(keys, await this.eventsOfInstances(keys));
    return { events: written, states: await this.writeStates(states) };
  }
}

function setup(writer: EventWriter, chunkSize?: number, chunkBytes?: number) {
  const letters: DeadLetter[] = [];
  const metrics = new Metrics();
  const ingest = new EventIngest({
    writer,
    deadLetters: {
      send: async (batch) => {
        for (const letter of batch) letters.push(letter);
      },
    },
    fold: foldInstance,
    maxEventBytes: MAX_EVENT_BYTES,
    metrics,
    logger,
    ...(chunkSize === undefined ? {} : { chunk: limits(chunkSize, chunkBytes) }),
  });
  return { ingest, letters, metrics };
}

/** The request's units as the HTTP adapter cuts a batch body. */
function unitsOf(elements: readonly unknown[]): IngestUnit[] {
  const parsed = parseIngestRequest(
    'batch',
    Buffer.from(JSON.stringify(elements)),
    {},
    MAX_EVENT_BYTES,
  );
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.units;
}

function event(id: string, instance: string, extra: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id,
    source: 'shop',
    type: 'flowtrail.process.started',
    time: '2026-11-22T09:00:00Z',
    ftprocess: 'order',
    ftinstance: instance,
    data: {},
    ...extra,
  };
}

/** Dead letters in a comparable form (their order in the sink may differ). */
const letterRows = (letters: readonly DeadLetter[]) =>
  letters.map((l) => `${l.message.offset} ${l.reason} ${JSON.stringify(l.errors)}`).sort();

const sortedEntries = <T>(map: ReadonlyMap<string, T>) =>
  [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// ---- random requests -----------------------------------------------------------------

const STEP_TYPES = ['flowtrail.step.started', 'flowtrail.step.completed', 'flowtrail.step.waiting'];

/** One batch element: mostly events over few ids, sources and instances (many copies). */
const elementArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        id: fc.constantFrom('e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7'),
        source: fc.constantFrom('shop', 'billing'),
        instance: fc.constantFrom('i0', 'i1', 'i2'),
        kind: fc.constantFrom('started', 'step', 'custom'),
        step: fc.constantFrom('pick', 'pack'),
        type: fc.constantFrom(...STEP_TYPES),
        second: fc.integer({ min: 0, max: 5 }),
        note: fc.constantFrom(undefined, 'a', 'b'),
        poison: fc.boolean(),
      })
      .map((r) => ({
        specversion: '1.0',
        id: r.id,
        source: r.source,
        type:
          r.kind === 'started'
            ? 'flowtrail.process.started'
            : r.kind === 'step'
              ? r.type
              : 'x.custom',
        time: `2026-11-22T09:00:0${r.second}Z`,
        ftprocess: 'order',
        ftinstance: r.instance,
        ...(r.kind === 'step' ? { ftstep: r.step } : {}),
        data: {
          ...(r.note === undefined ? {} : { note: r.note }),
          ...(r.poison ? { poison: true } : {}),
        },
      })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      'not an event',
      42,
      null,
      {},
      { ...event('e1', 'i0'), specversion: '0.3' },
      { ...event('e2', 'i1'), type: 'flowtrail.step.started' }, // a step event needs ftstep
      { ...event('e9', 'i2'), data: { blob: 'x'.repeat(MAX_EVENT_BYTES) } }, // oversized
    ),
  },
);

interface Run {
  outcome: Awaited<ReturnType<EventIngest['ingest']>>;
  letters: string[];
  events: [string, FlowtrailEvent][];
  states: [string, InstanceState][];
  counters: Partial<CounterSnapshot>;
}

async function run(
  units: readonly IngestUnit[],
  chunkSize: number,
  chunkBytes?: number,
): Promise<Run> {
  const writer = new AtomicMemoryWriter();
  const { ingest, letters, metrics } = setup(writer, chunkSize, chunkBytes);
  const outcome = await ingest.ingest(units);
  // statesWritten differs: an instance in several chunks is folded once per chunk.
  const { consumed, indexed, duplicatesInBatch, dlq, storageRejected, batches } =
    metrics.snapshot();
  return {
    outcome,
    letters: letterRows(letters),
    events: sortedEntries(writer.events),
    states: sortedEntries(writer.states),
    counters: { consumed, indexed, duplicatesInBatch, dlq, storageRejected, batches },
  };
}

describe('EventIngest in sub-batches', () => {
  it('plans chunks of at most `size` and keeps every copy of an id with its first one', () => {
    const units = unitsOf([
      event('a', 'i'),
      event('b', 'i'),
      event('c', 'i'),
      event('a', 'i'), // → chunk 0
      'no id',
      event('d', 'i'),
      event('b', 'j'), // → chunk 0
      event('e', 'i'),
      event('c', 'k'), // → chunk 1
    ]);
    expect(planChunks(units, limits(2))).toEqual([
      [0, 1, 3, 6],
      [2, 4, 8],
      [5, 7],
    ]);
    expect(planChunks(units, limits(100))).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(planChunks(units, limits(0))).toHaveLength(6); // at least one unit per chunk
    expect(planChunks([], limits(3))).toEqual([]);
  });

  it('plans chunks of at most `bytes` of values, a larger unit alone', () => {
    const small = event('s0', 'i');
    const units = unitsOf([
      small,
      { ...small, id: 's1' },
      { ...small, id: 's2' },
      event('big', 'i', { data: { blob: 'x'.repeat(500) } }),
      { ...small, id: 's3' },
      { ...small, id: 's4' },
    ]);
    const size = units[0]?.message.value?.length ?? 0;
    expect(planChunks(units, limits(100, size * 2.5))).toEqual([[0, 1], [2], [3], [4, 5]]);
  });

  it('answers and stores as one batch would, for random requests and chunk sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(elementArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.option(fc.integer({ min: 100, max: 1_500 }), { nil: undefined }),
        async (elements, chunkSize, chunkBytes) => {
          const units = unitsOf(elements);
          const whole = await run(units, ONE_BATCH);
          const chunked = await run(units, chunkSize, chunkBytes);
          expect(chunked).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('de-duplicates copies across chunk boundaries once, the first copy kept', async () => {
    const first = event('dup', 'i1', { data: { note: 'first' } });
    const elements = [
      first,
      event('x1', 'i1'),
      event('x2', 'i2'),
      event('x3', 'i2'),
      { ...first }, // the same event again, 4 chunks later with chunks of 1
      event('x4', 'i3'),
      event('dup', 'i1', { data: { note: 'second' } }), // same identity, other content
      event('dup', 'i1', { source: 'billing' }), // another source: another event
    ];
    const units = unitsOf(elements);
    const whole = await run(units, ONE_BATCH);
    const chunked = await run(units, 1);
    expect(chunked).toEqual(whole);
    expect(chunked.counters.duplicatesInBatch).toBe(1);
    const stored = chunked.events.filter(([, e]) => e.id === 'dup').map(([, e]) => e);
    // (by identity: billing's first)
    expect(stored).toEqual([expect.objectContaining({ source: 'billing' }), first]);
    // accepted: as documented for one batch (a duplicate of a stored id is accepted)
    expect(chunked.outcome.accepted).toBe(whole.outcome.accepted);
    expect(chunked.outcome.accepted + chunked.outcome.rejected.length).toBe(elements.length);
  });

  it('names every rejected event by its index in the request, in every chunk', async () => {
    const elements: unknown[] = [];
    for (let i = 0; i < 30; i += 1) {
      if (i % 7 === 3) elements.push({ ...event(`r${i}`, 'i'), specversion: '0.3' });
      else if (i % 11 === 5) elements.push('not an event');
      else elements.push(event(`ok${i}`, `i${i % 4}`));
    }
    const { outcome } = await run(unitsOf(elements), 4);
    expect(outcome.rejected.map((r) => [r.index, r.id, r.reason])).toEqual([
      [3, 'r3', 'unsupported-specversion'],
      [5, undefined, 'schema-violation'],
      [10, 'r10', 'unsupported-specversion'],
      [16, undefined, 'schema-violation'],
      [17, 'r17', 'unsupported-specversion'],
      [24, 'r24', 'unsupported-specversion'],
      [27, undefined, 'schema-violation'],
    ]);
    expect(outcome.accepted).toBe(23);
  });

  it('splits only by default with an atomic writer, by ATOMIC_WRITER_CHUNK', async () => {
    const { events: most, bytes: cap } = ATOMIC_WRITER_CHUNK;
    const elements = Array.from({ length: most * 2 + 1 }, (_, i) => event(`d${i}`, `i${i % 50}`));
    const atomic = new AtomicMemoryWriter();
    const batches: number[] = [];
    atomic.onBatch = (events) => batches.push(events.length);
    await setup(atomic).ingest.ingest(unitsOf(elements));
    expect(batches).toEqual([most, most, 1]);

    const large = unitsOf(
      Array.from({ length: 300 }, (_, i) =>
        event(`L${String(i).padStart(3, '0')}`, 'i', { data: { blob: 'x'.repeat(1_400) } }),
      ),
    );
    const size = large[0]?.message.value?.length ?? 0;
    batches.length = 0;
    await setup(atomic).ingest.ingest(large);
    const perBatch = Math.floor(cap / size);
    const full = Math.floor(300 / perBatch);
    expect(batches).toEqual([...Array<number>(full).fill(perBatch), 300 - full * perBatch]);

    const plain = new MemoryWriter();
    let writes = 0;
    const counting: EventWriter = {
      writeEvents: (events) => ((writes += 1), plain.writeEvents(events)),
      writeStates: (states) => plain.writeStates(states),
      eventsOfInstances: (keys) => plain.eventsOfInstances(keys),
    };
    await setup(counting).ingest.ingest(unitsOf(elements));
    expect(writes).toBe(1);
  });

  it('lets a macrotask queued after the request started run between its chunks', async () => {
    const writer = new AtomicMemoryWriter();
    const log: string[] = [];
    writer.onBatch = (events) => log.push(`chunk ${events[0]?.id}`);
    const { ingest } = setup(writer, 2);
    const done = ingest.ingest(unitsOf(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => event(id, 'i'))));
    setImmediate(() => log.push('other'));
    await done;
    expect(log).toEqual(['chunk a', 'other', 'chunk c', 'chunk e']);
  });

  it('interleaves the chunks of concurrent requests, one per event-loop turn', async () => {
    const writer = new AtomicMemoryWriter();
    const log: string[] = [];
    writer.onBatch = (events) => log.push(events.map((e) => e.id).join(''));
    const { ingest } = setup(writer, 2);
    const request = (prefix: string) =>
      ingest.ingest(unitsOf([1, 2, 3, 4, 5, 6].map((n) => event(`${prefix}${n}`, prefix))));
    const answers = Promise.all([request('a'), request('b')]);
    setImmediate(() => log.push('other'));
    // Not both first chunks in one turn: the other macrotask runs between them.
    expect(await answers).toHaveLength(2);
    expect(log).toEqual(['a1a2', 'other', 'b1b2', 'a3a4', 'b3b4', 'a5a6', 'b5b6']);
    expect(await answers).toEqual([
      { accepted: 6, rejected: [] },
      { accepted: 6, rejected: [] },
    ]);
  });
});

describe('EventIngest in sub-batches on the SQLite store', () => {
  const dirs: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function sqliteStore(): Promise<SqliteEventStore> {
    const dir = await mkdtemp(join(tmpdir(), 'flowtrail-chunks-'));
    dirs.push(dir);
    const store = new SqliteEventStore({ dataDir: dir });
    await store.prepare();
    closers.push(() => store.close());
    return store;
  }

  it('stores the same events and states, chunked or not', async () => {
    const elements = fc.sample(fc.array(elementArb, { minLength: 60, maxLength: 60 }), {
      numRuns: 1,
      seed: 4711,
    })[0] as unknown[];
    const units = unitsOf(elements);
    const results = [];
    for (const chunkSize of [ONE_BATCH, 3]) {
      const store = await sqliteStore();
      const { ingest, letters } = setup(store, chunkSize);
      const outcome = await ingest.ingest(units);
      const keys = ['shop', 'billing'].flatMap((s) =>
        ['i0', 'i1', 'i2'].map((i) => `${s}/order/${i}`),
      );
      const stored = [];
      for (const key of keys) {
        stored.push({
          key,
          state: await store.getInstance(key),
          events: await store.getEvents(key),
        });
      }
      results.push({ outcome, letters: letterRows(letters), stored });
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]?.stored.some((s) => s.events.length > 0)).toBe(true);
  });

  it('answers an HTTP read between the chunks of a large request', async () => {
    const store = await sqliteStore();
    const { ingest } = setup(store, 5);
    const api = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      ingest,
      reader: store,
      store: 'sqlite',
      logger,
    });
    closers.unshift(() => api.close());
    const instances = 200;
    const elements = Array.from({ length: instances }, (_, i) => event(`h${i}`, `o-${i}`));
    let answered = false;
    const posted = postBatch(api.url, JSON.stringify(elements)).finally(() => (answered = true));
    // Probe: what a read sees while the request is being stored. Stored in one piece, it
    // would see 0 instances, then all of them; between chunks it sees a part.
    const seen: number[] = [];
    while (!answered) {
      const read = await call(`${api.url}/api/instances?process=order&size=1`);
      seen.push((read.body as { total: number }).total);
    }
    expect((await posted).body).toEqual({ accepted: instances, rejected: [] });
    expect(seen.some((total) => total > 0 && total < instances)).toBe(true);
  });

  it('answers a batch body over PIECEWISE_MIN_BYTES as one batch would', async () => {
    const store = await sqliteStore();
    const { ingest } = setup(store);
    const api = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 4 * 1024 * 1024,
      ingest,
      reader: store,
      store: 'sqlite',
      logger,
    });
    closers.unshift(() => api.close());
    const note = 'x'.repeat(300);
    const elements: unknown[] = Array.from({ length: 3_000 }, (_, i) =>
      event(`p${i}`, `o-${i % 300}`, { data: { note } }),
    );
    elements[2_500] = { ...event('p-bad', 'o-1'), specversion: '0.3' };
    elements[2_900] = elements[10]; // a copy, far from its first
    const body = JSON.stringify(elements);
    expect(body.length).toBeGreaterThan(PIECEWISE_MIN_BYTES);
    const answer = await postBatch(api.url, body);
    expect(answer.body).toEqual({
      accepted: 2_999,
      rejected: [
        {
          index: 2_500,
          id: 'p-bad',
          reason: 'unsupported-specversion',
          errors: expect.any(Array),
        },
      ],
    });
    // o-10: ten events, p10 once (its copy at 2,900 is a duplicate)
    const ids = (await store.getEvents('shop/order/o-10')).map((e) => e.id);
    expect(ids.sort()).toEqual(Array.from({ length: 10 }, (_, k) => `p${10 + 300 * k}`).sort());
  });
});

describe('a batch body parsed in pieces', () => {
  const TINY: PieceSizes = { minBytes: 0, sliceBytes: 7, pieceBytes: 40 };
  const MAX_EVENTS = 25;

  async function both(body: Buffer) {
    let turns = 0;
    const pieces = await parseBatchInPieces(
      body,
      {},
      MAX_EVENT_BYTES,
      MAX_EVENTS,
      async () => void (turns += 1),
      TINY,
    );
    const whole = parseIngestRequest('batch', body, {}, MAX_EVENT_BYTES, MAX_EVENTS);
    return { pieces, whole, turns };
  }

  it('cuts an array into its elements on bytes, strings and nesting respected', async () => {
    const body = Buffer.from(' [ {"a":"x,]\\\\"} ,\n[1,[2]] , "q\\"," ,null,-1.5e3 ]\t');
    const ranges = await splitArray(body, async () => undefined, 3);
    expect(ranges?.map(({ start, end }) => body.subarray(start, end).toString())).toEqual([
      '{"a":"x,]\\\\"}',
      '[1,[2]]',
      '"q\\","',
      'null',
      '-1.5e3',
    ]);
    for (const bad of ['', '{}', '[', '[1,]', '[,1]', '[1,,2]', '[1]]', '[1] x', '["x]', '[}]']) {
      expect(await splitArray(Buffer.from(bad), async () => undefined)).toBeUndefined();
    }
    expect(await splitArray(Buffer.from(' [ ] '), async () => undefined)).toEqual([]);
  });

  it('gives what parseIngestRequest gives for the whole body, for random bodies', async () => {
    const wellFormed = fc
      .array(elementArb, { maxLength: 30 })
      .chain((elements) =>
        fc.constantFrom(
          JSON.stringify(elements),
          JSON.stringify(elements, null, 2),
          `\r\n ${JSON.stringify(elements)} \t`,
        ),
      );
    const token = fc.constantFrom(
      '[',
      ']',
      '{',
      '}',
      ',',
      ':',
      '"',
      '\\',
      ' ',
      '1',
      'x',
      'é',
      '\n',
    );
    const mangled = fc
      .tuple(wellFormed, fc.array(fc.tuple(fc.nat(), token), { maxLength: 4 }))
      .map(([text, edits]) => {
        let out = text;
        for (const [at, t] of edits) {
          const i = at % (out.length + 1);
          out = out.slice(0, i) + t + out.slice(i + 1);
        }
        return out;
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(wellFormed, mangled), async (text) => {
        const { pieces, whole } = await both(Buffer.from(text));
        expect(pieces).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps invalid UTF-8 as the whole-body parse decodes it', async () => {
    const body = Buffer.concat([
      Buffer.from('[{"id":"a","x":"'),
      Buffer.from([0xc3]), // a cut-off two-byte sequence
      Buffer.from('"},"'),
      Buffer.from([0xff, 0xe2, 0x82]),
      Buffer.from('", 3]'),
    ]);
    const { pieces, whole } = await both(body);
    expect(whole.ok).toBe(true);
    expect(pieces).toEqual(whole);
  });

  it('answers refusals word for word: over the cap, nested too deeply', async () => {
    const over = Buffer.from(JSON.stringify(Array.from({ length: MAX_EVENTS + 1 }, () => 1)));
    const deep = Buffer.from(`[1, ${'['.repeat(20_000)}${']'.repeat(20_000)}]`);
    for (const body of [over, deep]) {
      const { pieces, whole } = await both(body);
      expect(whole.ok).toBe(false);
      expect(pieces).toEqual(whole);
    }
  });

  it('takes turns while it scans and parses, and none for a small body by default', async () => {
    const body = Buffer.from(
      JSON.stringify(Array.from({ length: 20 }, (_, i) => event(`t${i}`, 'i'))),
    );
    const { pieces, turns } = await both(body);
    expect(pieces.ok && pieces.units.map((u) => u.message.offset)).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
    expect(turns).toBeGreaterThan(20);
    let defaults = 0;
    await parseBatchInPieces(body, {}, MAX_EVENT_BYTES, 100, async () => void (defaults += 1));
    expect(defaults).toBe(0);
  });
});
