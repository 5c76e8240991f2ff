/**
 * The caller's thread does little (issue 11, item 4): events are built and queued there,
 * validated in the delivery path. These tests hold the guarantees that move with it —
 * an invalid call is still rejected, counted and reported, only later — and the cheap
 * replacements (the `time` formatting, the cached trace context, the data building) to
 * what they replace.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeTraceContext,
  createFlowtrail,
  EventDroppedError,
  KafkaTransport,
  InvalidEventError,
  MemoryTransport,
  type FlowtrailError,
  type FlowtrailEvent,
  type FlowtrailStats,
} from '../src/index.ts';
import { isoTime } from '../src/event-factory.ts';
import { isRfc3339 } from '../src/protocol/validate.ts';
import { testClient } from './helpers.ts';

function balanced(s: FlowtrailStats): boolean {
  return s.emitted === s.sent + s.dropped + s.failed + s.pending;
}

describe('validation in the delivery path', () => {
  it('an invalid call is rejected and reported when its batch is taken, not on the call', async () => {
    const { ft, transport, errors } = testClient();
    const order = ft.process('order', { instance: 'o-1' });
    order.start();
    const badId = order.step('').start(); // ftstep must not be empty
    order.complete();
    // On the caller's thread: queued, nothing reported yet, the counters balance.
    expect(badId).toMatch(/^[0-9a-f-]{36}$/);
    expect(errors).toEqual([]);
    expect(ft.stats()).toMatchObject({ emitted: 3, invalid: 0, pending: 3 });
    expect(balanced(ft.stats())).toBe(true);
    await ft.flush();
    // In the delivery path: the invalid event left its batch, moved to `invalid`, reported.
    expect(transport.events.map((e) => e.type)).toEqual([
      'flowtrail.process.started',
      'flowtrail.process.completed',
    ]);
    expect(transport.batches).toEqual([2]);
    expect(ft.stats()).toMatchObject({ emitted: 2, sent: 2, invalid: 1, pending: 0 });
    expect(balanced(ft.stats())).toBe(true);
    expect(errors).toHaveLength(1);
    const err = errors[0] as InvalidEventError;
    expect(err).toBeInstanceOf(InvalidEventError);
    expect(err).toMatchObject({ code: 'invalid-event', retriable: false });
    expect(err.eventType).toBe('flowtrail.step.started');
    expect(err.errors.join()).toMatch(/ftstep/);
  });

  it('a batch of only invalid events sends nothing', async () => {
    const { ft, transport, errors } = testClient();
    const order = ft.process('order', { instance: 'o-1' });
    order.event('flowtrail.made.up');
    order.expect({ system: '', process: 'p' });
    await ft.flush();
    expect(transport.sendCalls).toBe(0);
    expect(ft.stats()).toMatchObject({ emitted: 0, invalid: 2, pending: 0 });
    expect(errors.map((e) => e.code)).toEqual(['invalid-event', 'invalid-event']);
  });

  it('an invalid event that finds the queue full counts as invalid, not dropped', async () => {
    const { ft, errors } = testClient({ maxQueueSize: 2, maxBatchSize: 2 });
    const order = ft.process('order', { instance: 'o-1' });
    order.start();
    order.complete(); // the queue is full now (its batch is sent on a later tick)
    order.step('').start(); // invalid: rejected at once
    order.fail('late'); // valid: dropped
    expect(ft.stats()).toMatchObject({ emitted: 3, invalid: 1, dropped: 1, pending: 2 });
    expect(balanced(ft.stats())).toBe(true);
    expect(errors.map((e) => e.constructor.name)).toEqual([
      'InvalidEventError',
      'EventDroppedError',
    ]);
    await ft.shutdown();
    expect(ft.stats()).toMatchObject({ emitted: 3, sent: 2, invalid: 1, dropped: 1 });
  });

  it('after shutdown an invalid event counts as invalid, a valid one as dropped', async () => {
    const { ft, errors } = testClient();
    await ft.shutdown();
    const order = ft.process('order', { instance: 'o-1' });
    order.step('').start();
    order.start();
    expect(ft.stats()).toMatchObject({ emitted: 1, invalid: 1, dropped: 1 });
    expect(errors[0]).toBeInstanceOf(InvalidEventError);
    expect(errors[1]).toBeInstanceOf(EventDroppedError);
  });

  it('validates what is sent: data changed after the call is checked as changed', async () => {
    const { ft, transport, errors } = testClient();
    const attributes: Record<string, unknown> = { n: 1 };
    const keys = { orderId: '4711' };
    const order = ft.process('order', { instance: 'o-1', businessKeys: keys });
    order.start({ attributes });
    (order.businessKeys as Record<string, unknown>).orderId = 4711; // not a string any more
    await ft.flush();
    expect(transport.events).toEqual([]);
    expect((errors[0] as InvalidEventError).errors.join()).toMatch(/businessKeys/);
  });

  it('emitEvent still answers at once whether the event was queued', async () => {
    const { ft, transport } = testClient();
    const event = {
      specversion: '1.0' as const,
      id: 'e-1',
      source: 'legacy',
      type: 'legacy.thing.done',
      time: '2025-03-01T10:00:00Z',
      ftprocess: 'p',
      ftinstance: 'i',
      data: {},
    };
    expect(ft.emitEvent(event)).toBe(true);
    expect(ft.emitEvent({ ...event, id: '' })).toBe(false);
    expect(ft.stats()).toMatchObject({ emitted: 1, invalid: 1 });
    await ft.flush();
    expect(transport.events.map((e) => e.id)).toEqual(['e-1']);
  });

  it('property: whatever mix of valid and invalid calls, each is sent or reported once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        async (valid, batch) => {
          const errors: FlowtrailError[] = [];
          const transport = new MemoryTransport();
          const ft = createFlowtrail({
            source: 'billing',
            transport,
            maxBatchSize: batch,
            maxQueueSize: 64,
            onError: (e) => errors.push(e),
          });
          const order = ft.process('order', { instance: 'o-1' });
          const ids = valid.map((ok, i) => order.event(ok ? 'app.tick' : '', { i }));
          await ft.shutdown();
          const sentIds = transport.events.map((e) => e.id);
          expect(sentIds).toEqual(ids.filter((_, i) => valid[i]));
          expect(errors).toHaveLength(valid.filter((ok) => !ok).length);
          const s = ft.stats();
          expect(s.invalid).toBe(errors.length);
          expect(s.emitted).toBe(sentIds.length);
          expect(balanced(s)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('the cheap parts of building an event', () => {
  it('isoTime is Date#toISOString, for any sequence of times (cached or not)', () => {
    const ms = fc.oneof(
      fc.integer({ min: 0, max: 253_402_300_799_999 }), // up to 9999-12-31T23:59:59.999Z
      fc.integer({ min: 1_700_000_000_000, max: 1_700_000_002_500 }), // many in one second
      fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }), // any Date
    );
    fc.assert(
      fc.property(fc.array(ms, { minLength: 1, maxLength: 50 }), (times) => {
        for (const t of times) expect(isoTime(t)).toBe(new Date(t).toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('with the default clock, time is now, in RFC 3339', async () => {
    const transport = new MemoryTransport();
    const ft = createFlowtrail({ source: 'billing', transport, onError: () => undefined });
    const before = Date.now();
    const order = ft.process('order', { instance: 'o-1' });
    for (let i = 0; i < 50; i += 1) order.event('app.tick', { i });
    const after = Date.now();
    await ft.shutdown();
    expect(transport.events).toHaveLength(50);
    for (const event of transport.events) {
      expect(isRfc3339(event.time)).toBe(true);
      expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(event.time)).toBeLessThanOrEqual(after);
    }
  });

  it('an invalid time from a custom clock is still reported on the call', () => {
    const { ft, errors } = testClient({ clock: () => new Date(Number.NaN) });
    ft.process('order', { instance: 'o-1' }).start();
    expect(ft.stats().invalid).toBe(1);
    expect(errors[0]?.message).toMatch(/could not build event/);
  });

  it('a subprocess start takes the parent event as causation unless the call names one', async () => {
    const { ft, transport, errors } = testClient();
    const parent = { source: 'shop', process: 'order', instance: 'o-1', eventId: 'e-parent' };
    ft.process('shipment', { instance: 's-1', parent }).start();
    ft.process('shipment', { instance: 's-2', parent }).start({ causation: 'e-mine' });
    ft.process('shipment', { instance: 's-3', parent }).start({ causation: undefined });
    expect(() =>
      ft.process('shipment', { instance: 's-4', parent }).start(null as never),
    ).not.toThrow();
    await ft.flush();
    expect(transport.events.map((e) => [e.ftinstance, e.ftcausation])).toEqual([
      ['s-1', 'e-parent'],
      ['s-2', 'e-mine'],
      ['s-3', undefined],
    ]);
    expect(errors).toHaveLength(1); // start(null) could not be built, as before
  });

  it('property: data = { businessKeys, attributes, ...fields } without undefined values', async () => {
    const value = fc.option(fc.string({ maxLength: 3 }), { nil: undefined });
    const key = fc.constantFrom('businessKeys', 'attributes', 'causation', 'amount', 'k');
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(key, value),
        fc.option(fc.dictionary(fc.string({ maxLength: 2 }), fc.string()), { nil: undefined }),
        fc.dictionary(fc.constantFrom('orderId', 'customer'), fc.string({ maxLength: 3 })),
        async (fields, attributes, businessKeys) => {
          const { ft, transport } = testClient();
          const order = ft.process('order', { instance: 'o-1', businessKeys });
          order.event('app.thing', fields, { attributes });
          await ft.flush();
          // What the handles built before (a spread, then undefined values left out).
          const { causation, ...rest } = fields;
          const spread: Record<string, unknown> = {
            businessKeys: Object.keys(businessKeys).length > 0 ? businessKeys : undefined,
            attributes,
            ...rest,
          };
          const expected = Object.fromEntries(
            Object.entries(spread).filter(([, v]) => v !== undefined),
          );
          const sent = transport.events[0];
          // A string field's `businessKeys`/`attributes` makes the event invalid, as before.
          if (sent === undefined) {
            expect(ft.stats().invalid).toBe(1);
            return;
          }
          expect(sent.data).toEqual(expected);
          expect(sent.ftcausation).toBe(causation === '' ? undefined : causation);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the trace context, read once per span', () => {
  const contextManager = new AsyncHooksContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  const spanA = trace.wrapSpanContext({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
  });
  const spanB = trace.wrapSpanContext({
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 0,
  });

  it('events inside alternating spans carry their own span', async () => {
    const { ft, transport } = testClient();
    const order = ft.process('order', { instance: 'o-1' });
    for (const span of [spanA, spanA, spanB, spanA, spanB, spanB]) {
      context.with(trace.setSpan(context.active(), span), () => order.event('app.tick'));
    }
    order.event('app.tick'); // no span
    await ft.flush();
    expect(transport.events.map((e) => e.traceparent?.slice(3, 7))).toEqual([
      '0af7',
      '0af7',
      '4bf9',
      '0af7',
      '4bf9',
      '4bf9',
      undefined,
    ]);
    expect(transport.events[2]?.traceparent).toBe(
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
    );
  });

  it('activeTraceContext hands out a copy: changing it changes no later event', async () => {
    const { ft, transport } = testClient();
    const inSpan = <T>(fn: () => T) => context.with(trace.setSpan(context.active(), spanA), fn);
    const mine = inSpan(activeTraceContext);
    expect(mine?.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    if (mine !== undefined) mine.traceparent = 'garbage';
    inSpan(() => ft.process('order', { instance: 'o-1' }).start());
    await ft.flush();
    expect(transport.events[0]?.traceparent).toBe(
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    );
  });
});

describe('encoding ahead (Transport.prepare)', () => {
  it('while a batch is in flight, the next one is checked and handed to prepare', async () => {
    const prepared: string[][] = [];
    const sent: string[][] = [];
    let release: (() => void) | undefined;
    const transport = {
      prepare: (events: readonly { id: string }[]) => prepared.push(events.map((e) => e.id)),
      send: (events: { id: string }[]) => {
        sent.push(events.map((e) => e.id));
        return sent.length === 1
          ? new Promise<void>((resolve) => (release = resolve))
          : Promise.resolve();
      },
      close: async () => undefined,
    };
    const errors: FlowtrailError[] = [];
    const ft = createFlowtrail({
      source: 'billing',
      transport,
      maxBatchSize: 2,
      onError: (e) => errors.push(e),
    });
    const order = ft.process('order', { instance: 'o-1' });
    const ids = [order.start(), order.event('app.a'), order.event(''), order.event('app.b')];
    ids.push(order.event('app.c'));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    // batch 1 in flight; the invalid one was found and reported ahead, the next prepared
    expect(sent).toEqual([[ids[0], ids[1]]]);
    expect(errors).toHaveLength(1);
    expect(prepared[0]).toEqual([ids[3], ids[4]]);
    release?.();
    await ft.shutdown();
    expect(sent).toEqual([
      [ids[0], ids[1]],
      [ids[3], ids[4]],
    ]);
    expect(ft.stats()).toMatchObject({ emitted: 4, sent: 4, invalid: 1, pending: 0 });
  });

  it('KafkaTransport sends what prepare encoded, the same message as without it', async () => {
    const records: { messages: { key: unknown; value: unknown; headers?: unknown }[] }[] = [];
    const producer = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (record: (typeof records)[number]) => void records.push(record),
    };
    const transport = new KafkaTransport({ producer: producer as never, topic: 't' });
    const events: FlowtrailEvent[] = [];
    const capture = testClient({
      transport: {
        send: async (batch) => void events.push(...batch),
        close: async () => undefined,
      },
    });
    capture.ft.process('order', { instance: 'o/1', businessKeys: { k: 'v' } }).start();
    capture.ft.process('order', { instance: 'o-2' }).event('app.a', { big: 1n });
    await capture.ft.flush();
    transport.prepare(events); // the BigInt one cannot be encoded: skipped, no throw
    await transport.send(events.slice(0, 1));
    await transport.send(events.slice(0, 1).map((e) => ({ ...e }))); // not prepared
    const [ahead, plain] = records.map((r) => r.messages[0]);
    expect(ahead).toEqual(plain);
    expect(ahead?.key).toBe('billing/order/o%2F1');
    expect(JSON.parse(String(ahead?.value))).toEqual(events[0]);
    await expect(transport.send(events.slice(1))).rejects.toThrow(/BigInt/);
  });
});
