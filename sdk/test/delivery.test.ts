import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  EventDroppedError,
  ExportFailedError,
  MemoryTransport,
  TransportCloseError,
  TransportError,
} from '../src/index.ts';
import type { FlowtrailEvent, FlowtrailStats, Transport } from '../src/index.ts';
import { fullJitterDelay } from '../src/backoff.ts';
import { testClient } from './helpers.ts';

function emitN(ft: ReturnType<typeof testClient>['ft'], n: number): void {
  const order = ft.process('p', { instance: 'i' });
  for (let k = 0; k < n; k += 1) order.event('app.tick', { k });
}

/** emitted = sent + dropped + failed + pending, always. */
function balanced(s: FlowtrailStats): boolean {
  return s.emitted === s.sent + s.dropped + s.failed + s.pending;
}

describe('delivery queue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('exports a batch as soon as maxBatchSize events are waiting', async () => {
    const { ft, transport } = testClient({ maxBatchSize: 3, scheduledDelayMs: 60_000 });
    emitN(ft, 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.batches).toEqual([]);
    emitN(ft, 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.batches).toEqual([3, 3]);
    expect(ft.stats()).toMatchObject({ emitted: 7, sent: 6, pending: 1 });
    expect(balanced(ft.stats())).toBe(true);
  });

  it('exports what is waiting when the scheduled delay elapses', async () => {
    const { ft, transport } = testClient({ maxBatchSize: 100, scheduledDelayMs: 1000 });
    emitN(ft, 4);
    await vi.advanceTimersByTimeAsync(999);
    expect(transport.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.batches).toEqual([4]);
    emitN(ft, 1); // the timer re-arms for later events
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport.batches).toEqual([4, 1]);
  });

  it('flush() exports everything in batches of maxBatchSize, preserving order', async () => {
    const { ft, transport } = testClient({ maxBatchSize: 4, scheduledDelayMs: 60_000 });
    emitN(ft, 10);
    await ft.flush();
    expect(transport.batches).toEqual([4, 4, 2]);
    expect(transport.events.map((e) => e.data.k)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('drops and counts events beyond maxQueueSize, reporting once per overflow', async () => {
    const { ft, transport, errors } = testClient({ maxQueueSize: 5, maxBatchSize: 5 });
    transport.failNext(1, () => new TransportError('down', { retriable: false }));
    emitN(ft, 5); // a full batch: export starts on the next tick, blocking the queue
    emitN(ft, 3);
    expect(ft.stats()).toMatchObject({ emitted: 8, dropped: 3, pending: 5 });
    const dropped = errors.filter((e) => e instanceof EventDroppedError);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ reason: 'queue-full', retriable: true });
    await ft.flush();
    expect(ft.stats()).toMatchObject({ sent: 0, failed: 5, dropped: 3, pending: 0 });
    expect(balanced(ft.stats())).toBe(true);
  });

  it('retries with backoff, then succeeds without losing or duplicating events', async () => {
    const { ft, transport, errors } = testClient({
      maxRetries: 3,
      initialBackoffMs: 100,
      maxBackoffMs: 1000,
    });
    transport.failNext(2);
    emitN(ft, 3);
    const flushed = ft.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.sendCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(50); // retry 0 waits 0.5 · min(1000, 100) = 50 ms
    expect(transport.sendCalls).toBe(2);
    await vi.advanceTimersByTimeAsync(100); // retry 1 waits 0.5 · 200 = 100 ms
    await flushed;
    expect(transport.sendCalls).toBe(3);
    expect(transport.events).toHaveLength(3);
    expect(ft.stats()).toMatchObject({ sent: 3, failed: 0 });
    expect(errors).toEqual([]);
  });

  it('gives up after maxRetries, counts the batch as failed and reports it', async () => {
    const { ft, transport, errors } = testClient({ maxRetries: 2 });
    transport.failNext(10);
    emitN(ft, 4);
    const flushed = ft.flush();
    await vi.runAllTimersAsync();
    await flushed;
    expect(transport.sendCalls).toBe(3);
    expect(ft.stats()).toMatchObject({ emitted: 4, sent: 0, failed: 4 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ExportFailedError);
    expect(errors[0]).toMatchObject({ events: 4, attempts: 3, retriable: false });
  });

  it('does not retry an error that is not retriable', async () => {
    const { ft, transport } = testClient({ maxRetries: 5 });
    transport.failNext(1, () => new TransportError('message too large', { retriable: false }));
    emitN(ft, 1);
    await ft.flush();
    expect(transport.sendCalls).toBe(1);
    expect(ft.stats().failed).toBe(1);
  });

  it('survives a transport that throws synchronously or hangs', async () => {
    const throwing: Transport = {
      send: () => {
        throw new Error('sync boom');
      },
      close: () => {
        throw new Error('close boom');
      },
    };
    const a = testClient({ transport: throwing, maxRetries: 0 });
    expect(() => emitN(a.ft, 2)).not.toThrow();
    await a.ft.shutdown();
    expect(a.ft.stats()).toMatchObject({ failed: 2 });
    expect(a.errors.map((e) => e.constructor)).toEqual([ExportFailedError, TransportCloseError]);

    const hanging: Transport = { send: () => new Promise(() => {}), close: async () => {} };
    const b = testClient({ transport: hanging, maxRetries: 0, exportTimeoutMs: 5000 });
    emitN(b.ft, 1);
    const flushed = b.ft.flush();
    await vi.advanceTimersByTimeAsync(5000);
    await flushed;
    expect(b.ft.stats().failed).toBe(1);
    expect(String((b.errors[0] as ExportFailedError).cause)).toMatch(/timed out/);
  });

  it('shutdown flushes, closes the transport, and drops later events', async () => {
    const { ft, transport, errors } = testClient({ scheduledDelayMs: 60_000 });
    emitN(ft, 3);
    await ft.shutdown();
    expect(transport.events).toHaveLength(3);
    expect(transport.closed).toBe(true);
    emitN(ft, 2);
    expect(ft.stats()).toMatchObject({ emitted: 5, sent: 3, dropped: 2 });
    expect(errors[0]).toMatchObject({ reason: 'shutdown' });
    await expect(ft.shutdown()).resolves.toBeUndefined(); // idempotent
  });

  it('does not keep the process alive: its timers are unref-ed', async () => {
    vi.useRealTimers();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const { ft } = testClient({ scheduledDelayMs: 3_600_000 });
    emitN(ft, 1);
    const timers = spy.mock.results.map((r) => r.value as NodeJS.Timeout);
    spy.mockRestore();
    expect(timers.length).toBeGreaterThan(0);
    expect(timers.filter((t) => t.hasRef())).toEqual([]);
    await ft.shutdown();
  });
});

describe('full-jitter backoff', () => {
  it('is uniform in [0, min(max, initial·2^n))', () => {
    const opts = { initialBackoffMs: 100, maxBackoffMs: 1000 };
    expect(fullJitterDelay(0, { ...opts, random: () => 0.999 })).toBe(99);
    expect(fullJitterDelay(3, { ...opts, random: () => 0.5 })).toBe(400);
    expect(fullJitterDelay(10, { ...opts, random: () => 0.5 })).toBe(500);
    expect(fullJitterDelay(2, { ...opts, random: () => 0 })).toBe(0);
  });
});

describe('MemoryTransport', () => {
  it('stores copies, filters, clears and fails on demand', async () => {
    const t = new MemoryTransport();
    const event = { id: '1', type: 'a', ftinstance: 'i', data: {} } as FlowtrailEvent;
    await t.send([event, { ...event, id: '2', type: 'b' }]);
    event.data.changed = true;
    expect(t.events[0]?.data).toEqual({});
    expect(t.ofType('b').map((e) => e.id)).toEqual(['2']);
    expect(t.ofInstance('i')).toHaveLength(2);
    t.failNext(1);
    await expect(t.send([event])).rejects.toBeInstanceOf(TransportError);
    t.clear();
    expect(t.events).toEqual([]);
  });
});
