/**
 * The transport contract against `HttpTransport` and a real `node:http` receiver in the
 * collector's place: it decodes each `POST /api/events` batch with the `cloudevents`
 * library, validates every event against protocol v1 and answers like the collector
 * (`202 {accepted, rejected: [{index, id, reason, errors}]}`), or refuses every batch
 * with 400, or is not listening (short `timeoutMs`). Plus what only HTTP does: one
 * rejected event in an accepted batch goes to `onRejected`, and a receiver that never
 * answers times out as a retriable failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP, type CloudEventV1, type Headers as CloudEventHeaders } from 'cloudevents';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventTypes,
  HttpTransport,
  TransportError,
  type FlowtrailEvent,
  type HttpRejection,
} from '../../src/index.ts';
import { validateEvent } from '../../src/protocol/validate.ts';
import { describeTransportContract, type EndpointBehaviour } from './transport-contract.ts';

interface Receiver {
  url: string;
  received: FlowtrailEvent[];
  close(): Promise<void>;
}

async function startReceiver(behaviour: EndpointBehaviour | 'silent'): Promise<Receiver> {
  const received: FlowtrailEvent[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (behaviour === 'silent') return; // never answers
      const answer = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (behaviour === 'refuse') return answer(400, { error: 'refused by the test' });
      if (req.method !== 'POST' || req.url !== '/api/events') return answer(404, {});
      let events: CloudEventV1<unknown>[];
      try {
        const decoded = HTTP.toEvent<unknown>({
          headers: req.headers as CloudEventHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        events = Array.isArray(decoded) ? decoded : [decoded];
      } catch (err) {
        return answer(400, { error: String(err) });
      }
      const rejected: HttpRejection[] = [];
      events.forEach((ce, index) => {
        const result = validateEvent(JSON.parse(JSON.stringify(ce)));
        if (result.ok) received.push(result.event);
        else rejected.push({ index, id: ce.id, reason: 'schema-violation', errors: result.errors });
      });
      answer(202, { accepted: events.length - rejected.length, rejected });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  if (behaviour === 'unreachable') await close(); // its URL now refuses connections
  return { url, received, close: behaviour === 'unreachable' ? async () => undefined : close };
}

describeTransportContract('http', async () => ({
  async open(behaviour) {
    const receiver = await startReceiver(behaviour);
    const transport = new HttpTransport({ url: receiver.url, timeoutMs: 2_000 });
    return {
      transport,
      received: async () => receiver.received,
      close: async () => {
        await transport.close();
        await receiver.close();
      },
    };
  },
}));

describe('http transport: what only HTTP reports', () => {
  const receivers: Receiver[] = [];
  afterEach(async () => {
    for (const receiver of receivers.splice(0)) await receiver.close();
  });
  const event = (id: string, overrides: Partial<FlowtrailEvent> = {}): FlowtrailEvent => ({
    specversion: '1.0',
    id,
    source: 'billing',
    type: EventTypes.processStarted,
    time: '2025-03-01T10:00:00.000Z',
    ftprocess: 'payment',
    ftinstance: 'p-1',
    data: {},
    ...overrides,
  });

  it('accepts a batch with a rejected event and reports that one through onRejected', async () => {
    const receiver = await startReceiver('accept');
    receivers.push(receiver);
    const reports: { rejections: HttpRejection[]; batch: FlowtrailEvent[] }[] = [];
    const transport = new HttpTransport({
      url: receiver.url,
      timeoutMs: 2_000,
      onRejected: (rejections, batch) => reports.push({ rejections, batch }),
    });
    // A valid CloudEvent, but not a valid Flowtrail event: no instance.
    const { ftinstance: _none, ...bad } = event('bad');
    const batch = [event('good-1'), bad as FlowtrailEvent, event('good-2')];
    await transport.send(batch);
    expect(receiver.received.map((e) => e.id)).toEqual(['good-1', 'good-2']);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.batch).toEqual(batch);
    expect(reports[0]?.rejections).toEqual([
      { index: 1, id: 'bad', reason: 'schema-violation', errors: expect.any(Array) },
    ]);
    await transport.close();
  });

  it('gives up on a receiver that never answers with a retriable TransportError', async () => {
    const receiver = await startReceiver('silent');
    receivers.push(receiver);
    const transport = new HttpTransport({ url: receiver.url, timeoutMs: 300 });
    const err = await transport.send([event('slow')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ retriable: true, message: expect.stringContaining('timed out') });
    await transport.close();
  });
});
