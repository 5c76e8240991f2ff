/**
 * The delivery queue with a spool (`spool` option): a fake transport that is down or up
 * on demand (the queue logic is under test, not a broker), the real file system.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createFlowtrail,
  EventDroppedError,
  ExportFailedError,
  MemoryTransport,
  SpoolError,
  TransportError,
} from '../../src/index.ts';
import type {
  DeliveryStats,
  Flowtrail,
  FlowtrailError,
  FlowtrailEvent,
  FlowtrailOptions,
  Transport,
} from '../../src/index.ts';
import { defaultDeliveryOptions, DeliveryQueue } from '../../src/delivery-queue.ts';
import { nodeSpoolFs, type SpoolFs } from '../../src/spool/spool-fs.ts';
import { Spool } from '../../src/spool/spool.ts';
import { emptyStats } from '../../src/stats.ts';

/** A transport that is up or down on demand, and can hold a send until released. */
class SwitchTransport implements Transport {
  up = true;
  /** While set, sends wait for it; then the held send fails if `failHeld`. */
  hold: Promise<void> | undefined;
  failHeld = false;
  received: FlowtrailEvent[] = [];
  sendCalls = 0;
  closed = false;

  async send(events: FlowtrailEvent[]): Promise<void> {
    this.sendCalls += 1;
    if (this.hold !== undefined) {
      await this.hold;
      if (this.failHeld) throw new TransportError('connection lost', { retriable: true });
    }
    if (!this.up) throw new TransportError('broker unreachable', { retriable: true });
    this.received.push(...events.map((e) => structuredClone(e)));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ft-spooled-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Client {
  ft: Flowtrail;
  errors: FlowtrailError[];
  emitted: string[];
  emit(n: number): void;
}

/** Fast timings: batches of 10, backoff of a few ms. */
function client(
  transport: Transport,
  directory: string,
  extra: Partial<FlowtrailOptions> = {},
): Client {
  const errors: FlowtrailError[] = [];
  const ft = createFlowtrail({
    source: 'billing',
    transport,
    onError: (err) => errors.push(err),
    spool: { directory, fsync: false },
    maxBatchSize: 10,
    scheduledDelayMs: 5,
    initialBackoffMs: 1,
    maxBackoffMs: 20,
    ...extra,
  });
  const emitted: string[] = [];
  let seq = 0;
  return {
    ft,
    errors,
    emitted,
    emit(n) {
      for (let k = 0; k < n; k += 1) {
        seq += 1;
        emitted.push(ft.process('order', { instance: `o-${seq % 7}` }).event('app.tick', { seq }));
      }
    },
  };
}

/** The ids in order of first arrival (a replayed duplicate is harmless: id = idempotency key). */
function firstArrivals(events: FlowtrailEvent[]): string[] {
  const seen = new Set<string>();
  return events.map((e) => e.id).filter((id) => !seen.has(id) && seen.add(id) !== undefined);
}

function balanced(s: DeliveryStats): boolean {
  return s.emitted + s.recovered === s.sent + s.dropped + s.failed + s.pending;
}

const segments = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.ftspool'));
const until = (check: () => void, timeout = 10_000): Promise<void> =>
  vi.waitFor(check, { timeout, interval: 5 });

describe('delivery with a spool', () => {
  it('spools while the transport is down and replays in emit order, before newer events, when it is back', async () => {
    const transport = new SwitchTransport();
    const dir = tempDir();
    const c = client(transport, dir);
    c.emit(15);
    await c.ft.flush(); // up: sent directly, nothing on disk
    expect(c.ft.stats()).toMatchObject({ sent: 15, spooled: 0 });
    transport.up = false;
    c.emit(100);
    await until(() => expect(c.ft.stats().spooled).toBe(100));
    expect(segments(dir).length).toBeGreaterThan(0);
    expect(c.ft.stats()).toMatchObject({ pending: 100, spoolEvents: 100 });
    expect(c.ft.stats().spoolBytes).toBeGreaterThan(100 * 200);
    transport.up = true;
    c.emit(50); // newer events: behind the spooled ones
    await c.ft.flush();
    expect(firstArrivals(transport.received)).toEqual(c.emitted);
    const s = c.ft.stats();
    expect(s).toMatchObject({ emitted: 165, sent: 165, dropped: 0, failed: 0, pending: 0 });
    expect(s).toMatchObject({ spoolEvents: 0, spoolBytes: 0, spoolDropped: 0, spoolErrors: 0 });
    expect(s.replayed).toBeGreaterThanOrEqual(100);
    expect(balanced(s)).toBe(true);
    // one report for the outage, not one per batch or attempt
    expect(c.errors).toHaveLength(1);
    expect(c.errors[0]).toBeInstanceOf(TransportError);
    expect(c.errors[0]?.message).toMatch(/spooling to .* replaying in order/);
    expect(segments(dir)).toEqual([]);
    // healthy again: batches go straight to the transport, not to disk
    const spooled = s.spooled;
    c.emit(20);
    await c.ft.flush();
    expect(c.ft.stats().spooled).toBe(spooled);
    await c.ft.shutdown();
  });

  it('any schedule of outages: every event arrives, in emit order (first arrivals)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ emit: fc.integer({ min: 1, max: 40 }) }),
            fc.record({ up: fc.boolean() }),
            fc.record({ wait: fc.integer({ min: 0, max: 15 }) }),
          ),
          { maxLength: 20 },
        ),
        async (schedule) => {
          const transport = new SwitchTransport();
          const dir = tempDir();
          const c = client(transport, dir, { maxQueueSize: 200 });
          for (const step of schedule) {
            if ('emit' in step) c.emit(step.emit);
            else if ('up' in step) transport.up = step.up;
            else await new Promise((r) => setTimeout(r, step.wait));
            expect(balanced(c.ft.stats())).toBe(true);
          }
          transport.up = true;
          await c.ft.flush();
          expect(firstArrivals(transport.received)).toEqual(c.emitted);
          expect(c.ft.stats()).toMatchObject({ failed: 0, dropped: 0, pending: 0, spoolEvents: 0 });
          await c.ft.shutdown();
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('flush() with the transport down resolves after one replay attempt; shutdown keeps the events on disk', async () => {
    const transport = new SwitchTransport();
    transport.up = false;
    const dir = tempDir();
    const c = client(transport, dir, { maxBackoffMs: 60_000, initialBackoffMs: 30_000 });
    c.emit(30);
    const started = Date.now();
    await c.ft.flush();
    expect(Date.now() - started).toBeLessThan(5_000); // not the 30 s backoff
    expect(c.ft.stats()).toMatchObject({ spooled: 30, spoolEvents: 30, pending: 30, sent: 0 });
    await c.ft.shutdown();
    expect(transport.closed).toBe(true);
    expect(c.ft.stats()).toMatchObject({ pending: 30, spoolEvents: 30 });
    expect(segments(dir).length).toBeGreaterThan(0);
    expect(readdirSync(dir)).not.toContain('LOCK');
  });

  it('a new client with the same directory replays what an earlier one left, before its own events', async () => {
    const dir = tempDir();
    const down = new SwitchTransport();
    down.up = false;
    const a = client(down, dir);
    a.emit(50);
    await a.ft.shutdown();
    expect(a.ft.stats()).toMatchObject({ spoolEvents: 50 });

    const memory = new MemoryTransport();
    const b = client(memory, dir);
    b.emit(10);
    await b.ft.flush();
    expect(firstArrivals(memory.events)).toEqual([...a.emitted, ...b.emitted]);
    const s = b.ft.stats();
    expect(s).toMatchObject({ emitted: 10, recovered: 50, sent: 60, pending: 0, spoolEvents: 0 });
    expect(balanced(s)).toBe(true);
    await b.ft.shutdown();
  });

  it('a process killed (SIGKILL) during an outage: the next one replays everything it had spooled, in order', async () => {
    const dir = tempDir();
    const sdkEntry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    const script = join(tempDir(), 'producer.mts');
    writeFileSync(
      script,
      `import { createFlowtrail } from ${JSON.stringify(sdkEntry)};
let n = 0;
const ft = createFlowtrail({
  source: 'billing',
  transport: { send: async () => { throw new Error('broker unreachable'); }, close: async () => {} },
  spool: { directory: ${JSON.stringify(dir)} }, // fsync on (the default)
  newId: () => 'k-' + String(n++).padStart(4, '0'),
  maxBatchSize: 25, scheduledDelayMs: 5, onError: () => {},
});
for (let k = 0; k < 300; k += 1) ft.process('order', { instance: 'o-' + (k % 9) }).event('app.tick', { k });
const poll = setInterval(() => { if (ft.stats().spooled === 300) { console.log('spooled'); clearInterval(poll); } }, 5);
setInterval(() => {}, 1000); // stays alive until killed
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('spooled')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`producer exited early (${code})`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(readdirSync(dir)).toContain('LOCK'); // left behind by the dead process

    const memory = new MemoryTransport();
    const b = client(memory, dir);
    await b.ft.flush();
    const expected = Array.from({ length: 300 }, (_, k) => `k-${String(k).padStart(4, '0')}`);
    expect(firstArrivals(memory.events)).toEqual(expected);
    expect(b.ft.stats()).toMatchObject({ recovered: 300, replayed: 300, spoolEvents: 0 });
    expect(b.errors).toEqual([]);
    await b.ft.shutdown();
  });

  it('spool full: drops the newest events, counts them, warns once; the accepted ones arrive in order', async () => {
    const transport = new SwitchTransport();
    transport.up = false;
    const dir = tempDir();
    const c = client(transport, dir, { spool: { directory: dir, maxBytes: 65_536, fsync: false } });
    c.emit(600); // ~300 bytes each: about three times the bound
    await until(() => {
      const s = c.ft.stats();
      expect(s.spooled + s.spoolDropped).toBe(600);
    });
    const s = c.ft.stats();
    expect(s.spoolDropped).toBeGreaterThan(300);
    expect(s.dropped).toBe(s.spoolDropped);
    expect(s.spoolBytes).toBeLessThanOrEqual(65_536);
    const warnings = c.errors.filter((e) => e instanceof EventDroppedError);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ reason: 'spool-full', code: 'dropped-spool-full' });
    expect(balanced(s)).toBe(true);

    transport.up = true;
    await c.ft.flush();
    // drop newest: what arrives is the first `spooled` events, in emit order, none missing
    expect(firstArrivals(transport.received)).toEqual(c.emitted.slice(0, s.spooled));
    c.emit(20); // room again
    await c.ft.flush();
    expect(firstArrivals(transport.received).slice(-20)).toEqual(c.emitted.slice(-20));
    expect(balanced(c.ft.stats())).toBe(true);
    expect(c.ft.stats()).toMatchObject({ pending: 0, failed: 0, spoolDropped: s.spoolDropped });
    await c.ft.shutdown();
  });

  it('a send that hangs while the queue fills: the batch in flight and the waiting ones are spooled; if it then succeeds, it is not sent again', async () => {
    for (const outcome of ['succeeds', 'fails'] as const) {
      const transport = new SwitchTransport();
      let release!: () => void;
      transport.hold = new Promise((resolve) => (release = resolve));
      const dir = tempDir();
      const c = client(transport, dir, { maxQueueSize: 40, exportTimeoutMs: 60_000 });
      c.emit(10); // the first batch: its send hangs
      await until(() => expect(transport.sendCalls).toBe(1));
      c.emit(25); // the queue reaches half of 40 behind it
      await until(() => expect(c.ft.stats().spooled).toBe(35));
      expect(c.ft.stats()).toMatchObject({ dropped: 0, pending: 35 });
      expect(transport.sendCalls).toBe(1); // the replayer waits for the send in flight
      transport.failHeld = outcome === 'fails';
      transport.hold = undefined;
      release();
      await c.ft.flush();
      expect(transport.received.map((e) => e.id)).toEqual(c.emitted); // each exactly once
      expect(c.ft.stats()).toMatchObject({
        sent: 35,
        replayed: outcome === 'succeeds' ? 25 : 35,
        pending: 0,
        spoolEvents: 0,
      });
      await c.ft.shutdown();
    }
  });

  it('disk errors never throw: an unusable directory falls back to the in-memory retries, reported and counted', async () => {
    const file = join(tempDir(), 'not-a-directory');
    writeFileSync(file, '');
    const transport = new MemoryTransport();
    transport.failNext(2);
    const c = client(transport, join(file, 'spool'), { maxRetries: 5 });
    expect(() => c.emit(5)).not.toThrow();
    await c.ft.flush();
    expect(transport.events.map((e) => e.id)).toEqual(c.emitted); // delivered by retries
    const s = c.ft.stats();
    expect(s).toMatchObject({ sent: 5, spooled: 0, failed: 0 });
    expect(s.spoolErrors).toBeGreaterThanOrEqual(1);
    const spoolErrors = c.errors.filter((e) => e instanceof SpoolError);
    expect(spoolErrors[0]).toMatchObject({ operation: 'open', code: 'spool', retriable: true });

    transport.failNext(100); // down for good: given up after the retries, as without a spool
    c.emit(3);
    await c.ft.flush();
    expect(c.ft.stats()).toMatchObject({ failed: 3 });
    expect(c.errors.some((e) => e instanceof ExportFailedError)).toBe(true);
    await c.ft.shutdown();
  });

  it('no space left while spooling: that batch falls back to memory retries; the spool is used again once the disk works', async () => {
    let noSpace = false;
    const enospc = (): Error =>
      Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
    const fs: SpoolFs = {
      ...nodeSpoolFs,
      open: async (path, flags) => {
        const file = await nodeSpoolFs.open(path, flags);
        return {
          write: async (...args) => {
            if (noSpace && path.endsWith('.ftspool')) throw enospc();
            return file.write(...args);
          },
          datasync: () => file.datasync(),
          sync: () => file.sync(),
          truncate: (n) => file.truncate(n),
          close: () => file.close(),
        };
      },
    };
    const transport = new SwitchTransport();
    transport.up = false;
    const stats = emptyStats();
    const errors: FlowtrailError[] = [];
    const options = {
      ...defaultDeliveryOptions,
      maxBatchSize: 10,
      scheduledDelayMs: 5,
      maxRetries: 3,
      initialBackoffMs: 1,
      maxBackoffMs: 20,
    };
    const dir = tempDir();
    const spool = new Spool<FlowtrailEvent>({ directory: dir, maxBytes: 1 << 20, fsync: true }, fs);
    const queue = new DeliveryQueue(transport, options, stats, (e) => errors.push(e), spool);
    const events = (from: number, n: number): FlowtrailEvent[] =>
      Array.from({ length: n }, (_, k) => ({
        specversion: '1.0',
        id: `e-${from + k}`,
        source: 'billing',
        type: 'app.tick',
        time: '2026-01-01T00:00:00.000Z',
        ftprocess: 'order',
        ftinstance: 'o-1',
        data: {},
      }));
    noSpace = true;
    for (const e of events(0, 10)) queue.enqueue(e);
    await queue.flush(); // transport down and no space: given up after the retries
    expect(stats).toMatchObject({ failed: 10, spooled: 0 });
    expect(stats.spoolErrors).toBeGreaterThanOrEqual(1);
    expect(errors.find((e) => e instanceof SpoolError)).toMatchObject({ operation: 'write' });

    noSpace = false;
    await new Promise((r) => setTimeout(r, 30)); // the spool's cool-down (maxBackoffMs)
    for (const e of events(10, 10)) queue.enqueue(e);
    await until(() => expect(stats.spooled).toBe(10));
    transport.up = true;
    await queue.flush();
    expect(transport.received.map((e) => e.id)).toEqual(events(10, 10).map((e) => e.id));
    expect(queue.snapshot()).toMatchObject({ sent: 10, failed: 10, pending: 0 });
    await queue.shutdown();
  });

  it('enqueue never throws and never waits for IO, even when every disk operation throws', async () => {
    const throwing = new Proxy({} as SpoolFs, {
      get: () => () => {
        throw new Error('EIO: the disk is gone');
      },
    });
    const transport = new SwitchTransport();
    transport.up = false;
    const stats = emptyStats();
    const spool = new Spool<FlowtrailEvent>(
      { directory: tempDir(), maxBytes: 1 << 20, fsync: true },
      throwing,
    );
    const queue = new DeliveryQueue(
      transport,
      { ...defaultDeliveryOptions, maxRetries: 0, maxBatchSize: 100, maxQueueSize: 100_000 },
      stats,
      () => {},
      spool,
    );
    const event = (k: number): FlowtrailEvent => ({
      specversion: '1.0',
      id: `e-${k}`,
      source: 'billing',
      type: 'app.tick',
      time: '2026-01-01T00:00:00.000Z',
      ftprocess: 'order',
      ftinstance: `o-${k % 100}`,
      data: { k },
    });
    const started = performance.now();
    expect(() => {
      for (let k = 0; k < 50_000; k += 1) queue.enqueue(event(k));
    }).not.toThrow();
    const took = performance.now() - started;
    expect(took).toBeLessThan(2_000); // O(1) each; no disk, no send yet
    expect(transport.sendCalls).toBe(0); // everything happens on later ticks
    expect(stats).toMatchObject({ emitted: 50_000, spooled: 0 });
    await queue.shutdown();
    expect(stats).toMatchObject({ failed: 50_000, spooled: 0 });
    expect(stats.spoolErrors).toBeGreaterThanOrEqual(1);
  });
});
