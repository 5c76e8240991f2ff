import { afterEach, describe, expect, it } from 'vitest';
import {
  EventTypes,
  decodeParent,
  encodeParent,
  extractContext,
  injectContext,
} from '../src/index.ts';
import type { ParentContext } from '../src/index.ts';
import { testClient, type TestClient } from './helpers.ts';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const clients: TestClient[] = [];
function client(source: string): TestClient {
  const c = testClient({ source });
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.ft.shutdown()));
});

/** What kafkajs hands a consumer: every header value is a Buffer. */
function asKafkaConsumerHeaders(headers: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
}

/** What Node's http server hands a handler: lower-cased names, string values. */
function asNodeHttpHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('flowtrail-parent encoding', () => {
  it('round-trips parts containing separators and non-ASCII', () => {
    const parent: ParentContext = {
      source: 'billing;eu',
      process: 'order fulfilment',
      instance: 'A/4711%;',
      eventId: 'e-1',
      expectationId: 'ü-exp',
    };
    const encoded = encodeParent(parent);
    expect(encoded.split(';')).toHaveLength(5);
    expect(encoded).toMatch(/^[\x21-\x7e]+$/); // a legal HTTP header value
    expect(decodeParent(encoded)).toEqual(parent);
  });

  it('rejects malformed values', () => {
    for (const bad of ['', 'a;b', 'a;b;c;d;e;f', ';p;i;e', 'a;p;i;e;', 'a;p;i;%E0%A4%A']) {
      expect(decodeParent(bad)).toBeUndefined();
    }
    expect(decodeParent('s;p;i;')).toEqual({ source: 's', process: 'p', instance: 'i' });
  });
});

describe('inject / extract', () => {
  const ctx = {
    parent: {
      source: 'billing',
      process: 'order',
      instance: '4711',
      eventId: 'ev-1',
      messageId: 'msg 1',
      expectationId: 'exp-1',
      businessKeys: { orderId: '4711', 'customer id': 'c=1,2' },
    },
    trace: { traceparent: TRACE, tracestate: 'congo=t61rcWkgMzE' },
  };

  it('round-trips through Kafka headers (Buffers) and HTTP headers', () => {
    const headers = injectContext({}, ctx);
    expect(Object.keys(headers).sort()).toEqual([
      'flowtrail-keys',
      'flowtrail-message',
      'flowtrail-parent',
      'traceparent',
      'tracestate',
    ]);
    expect(extractContext(asKafkaConsumerHeaders(headers))).toEqual(ctx);
    expect(extractContext(asNodeHttpHeaders(headers))).toEqual(ctx);
    expect(extractContext(new Headers(headers))).toEqual(ctx); // fetch Headers
  });

  it('extracts nothing from empty, missing or hostile carriers', () => {
    expect(extractContext(undefined)).toEqual({});
    expect(extractContext({ 'flowtrail-parent': 'garbage' })).toEqual({});
    const hostile = {
      get: () => {
        throw new Error('nope');
      },
    };
    expect(extractContext(hostile)).toEqual({});
  });
});

describe('a subprocess in the next system links to its parent without ids by hand', () => {
  it('Kafka: messageSent headers → process({ parentFrom }) → data.parent + ftcausation', async () => {
    const billing = client('billing');
    const order = billing.ft.process('order-fulfilment', { businessKeys: { orderId: '4711' } });
    order.start();
    const expectationId = order.expect({ system: 'shipping', process: 'shipment' });
    const kafkaHeaders: Record<string, string> = { 'x-app': 'kept' };
    const sent = order.messageSent({ to: 'shipping', expectationId, headers: kafkaHeaders });
    expect(kafkaHeaders['x-app']).toBe('kept');
    expect(kafkaHeaders['flowtrail-parent']).toBe(sent.headers['flowtrail-parent']);

    const shipping = client('shipping');
    const received = asKafkaConsumerHeaders(sent.headers);
    const shipment = shipping.ft.process('shipment', { parentFrom: received });
    shipment.start();
    shipment.messageReceived({ headers: received });
    shipment.complete();
    await Promise.all([billing.ft.flush(), shipping.ft.flush()]);

    const sentEvent = billing.transport.ofType(EventTypes.messageSent)[0];
    expect(sentEvent?.id).toBe(sent.eventId);
    const [started, receivedEvent, completed] = shipping.transport.events;
    expect(started).toMatchObject({
      type: EventTypes.processStarted,
      source: 'shipping',
      ftcausation: sent.eventId,
      data: {
        parent: {
          source: 'billing',
          process: 'order-fulfilment',
          instance: order.instance,
          expectationId,
        },
        businessKeys: { orderId: '4711' },
      },
    });
    expect(receivedEvent).toMatchObject({
      ftcausation: sent.eventId,
      data: { from: 'billing', messageId: sent.messageId },
    });
    expect(completed?.data.businessKeys).toEqual({ orderId: '4711' });
    expect(shipping.errors).toEqual([]);
  });

  it('HTTP: continueFrom(headers) carries the caller trace context when no span is active', async () => {
    const billing = client('billing');
    const order = billing.ft.process('order', { instance: '4711' });
    order.start();
    // no active span here: the traceparent an HTTP client library already set is kept
    const headers = order.inject({ traceparent: TRACE });
    expect(headers['flowtrail-parent']).toBe(`billing;order;4711;${order.lastEventId}`);

    const shipping = client('shipping');
    const continuation = shipping.ft.continueFrom(asNodeHttpHeaders(headers));
    expect(continuation.parent).toMatchObject({ source: 'billing', instance: '4711' });
    const shipment = continuation.process('shipment', { instance: 's-1' });
    shipment.start();
    shipment.step('label').start();
    await shipping.ft.flush();
    const [started, labelStarted] = shipping.transport.events;
    expect(started?.ftcausation).toBe(order.lastEventId);
    expect(started?.data.parent).toEqual({ source: 'billing', process: 'order', instance: '4711' });
    expect(started?.traceparent).toBe(TRACE);
    expect(labelStarted?.traceparent).toBe(TRACE);
  });

  it('a process started without parent headers has no parent link', async () => {
    const c = client('billing');
    c.ft.continueFrom({}).process('p').start();
    await c.ft.flush();
    expect(c.transport.events[0]?.data.parent).toBeUndefined();
    expect(c.transport.events[0]?.ftcausation).toBeUndefined();
  });
});
