/**
 * HttpTransport against a REAL local `node:http` server (port 0), which records every
 * request and answers what each test scripts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createFlowtrail,
  EventTypes,
  HttpTransport,
  TransportError,
  type FlowtrailError,
  type FlowtrailEvent,
  type HttpRejection,
} from '../src/index.ts';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status: number;
  body?: unknown;
  /** Never answer (to exercise the timeout). */
  hang?: boolean;
}

let server: Server;
let baseUrl: string;
let received: Received[];
let answers: Answer[];

beforeEach(async () => {
  received = [];
  answers = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      const answer = answers.shift() ?? { status: 202, body: acceptedAll(body) };
      if (answer.hang) return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function acceptedAll(body: string): unknown {
  try {
    return { accepted: (JSON.parse(body) as unknown[]).length, rejected: [] };
  } catch {
    return { accepted: 0, rejected: [] };
  }
}

function event(n: number): FlowtrailEvent {
  return {
    specversion: '1.0',
    id: `e-${n}`,
    source: 'billing',
    type: EventTypes.stepStarted,
    time: '2025-03-01T10:00:00.000Z',
    ftprocess: 'payment',
    ftinstance: 'p-1',
    ftstep: 'capture',
    data: { businessKeys: { orderId: 'ORD-10042' } },
  };
}

async function sendError(transport: HttpTransport): Promise<TransportError> {
  const err = await transport.send([event(1)]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('HttpTransport', () => {
  it('POSTs the batch as a CloudEvents JSON array with the bearer key', async () => {
    const transport = new HttpTransport({ url: baseUrl, apiKey: 'k-123' });
    expect(transport.endpoint).toBe(`${baseUrl}/api/events`);
    const batch = [event(1), event(2), event(3)];
    await transport.send(batch);

    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/api/events');
    expect(req?.headers['content-type']).toBe('application/cloudevents-batch+json');
    expect(req?.headers.authorization).toBe('Bearer k-123');
    expect(JSON.parse(req!.body)).toEqual(batch);
  });

  it('sends no authorization header without a key, keeps a base path, skips empty batches', async () => {
    const transport = new HttpTransport({ url: `${baseUrl}/flowtrail/` });
    await transport.send([]);
    expect(received).toHaveLength(0);
    await transport.send([event(1)]);
    expect(received[0]?.url).toBe('/flowtrail/api/events');
    expect(received[0]?.headers.authorization).toBeUndefined();
  });

  it.each([500, 502, 503, 429, 408])('classifies %i as retriable', async (status) => {
    answers.push({ status, body: { error: 'busy' } });
    const err = await sendError(new HttpTransport({ url: baseUrl }));
    expect(err.retriable).toBe(true);
    expect(err.message).toContain(String(status));
  });

  it.each([400, 401, 403, 413])('classifies %i as not retriable', async (status) => {
    answers.push({ status, body: { error: 'no' } });
    const err = await sendError(new HttpTransport({ url: baseUrl, apiKey: 'wrong' }));
    expect(err.retriable).toBe(false);
    expect(err.message).toContain(`answered ${status}`);
    expect(err.message).toContain('"error":"no"');
  });

  it('reports per-event rejections of a 202 through onRejected and resolves', async () => {
    const rejected = [
      { index: 1, id: 'e-2', reason: 'schema-violation', errors: ['/data/messageId: required'] },
    ];
    answers.push({ status: 202, body: { accepted: 2, rejected } });
    const calls: { rejections: HttpRejection[]; batch: FlowtrailEvent[] }[] = [];
    const transport = new HttpTransport({
      url: baseUrl,
      onRejected: (rejections, batch) => calls.push({ rejections, batch }),
    });
    const batch = [event(1), event(2), event(3)];
    await transport.send(batch);
    expect(calls).toEqual([{ rejections: rejected, batch }]);
  });

  it('does not call onRejected when everything was accepted, nor fail on a throwing callback', async () => {
    let calls = 0;
    const quiet = new HttpTransport({ url: baseUrl, onRejected: () => (calls += 1) });
    await quiet.send([event(1)]);
    expect(calls).toBe(0);

    answers.push({ status: 202, body: { accepted: 0, rejected: [{ index: 0, reason: 'x' }] } });
    const throwing = new HttpTransport({
      url: baseUrl,
      onRejected: () => {
        throw new Error('callback bug');
      },
    });
    await expect(throwing.send([event(1)])).resolves.toBeUndefined();
  });

  it('treats a refused connection as retriable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await sendError(new HttpTransport({ url: `http://127.0.0.1:${port}` }));
    expect(err.retriable).toBe(true);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('treats a timeout as retriable', async () => {
    answers.push({ status: 202, hang: true });
    const err = await sendError(new HttpTransport({ url: baseUrl, timeoutMs: 50 }));
    expect(err.retriable).toBe(true);
    expect(err.message).toContain('timed out after 50 ms');
  });

  it('refuses to send after close', async () => {
    const transport = new HttpTransport({ url: baseUrl });
    await transport.close();
    const err = await sendError(transport);
    expect(err.retriable).toBe(false);
    expect(received).toHaveLength(0);
  });

  it('rejects unusable options with one ConfigError', () => {
    expect(() => new HttpTransport({ url: 'not a url' })).toThrow(ConfigError);
    expect(() => new HttpTransport({ url: 'ftp://host' })).toThrow(/http\(s\)/);
    expect(() => new HttpTransport({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new HttpTransport({ apiKey: 'has space' })).toThrow(/apiKey/);
  });

  it('lets the SDK retry a 503 and give up on a 401', async () => {
    const errors: FlowtrailError[] = [];
    const ft = createFlowtrail({
      source: 'billing',
      transport: new HttpTransport({ url: baseUrl }),
      onError: (err) => errors.push(err),
      initialBackoffMs: 1,
      maxBackoffMs: 1,
    });
    answers.push({ status: 503 });
    ft.process('payment', { instance: 'p-1' }).start();
    await ft.flush();
    expect(received).toHaveLength(2); // the 503, then the retry
    expect(received[0]?.body).toBe(received[1]?.body);
    expect(ft.stats()).toMatchObject({ sent: 1, failed: 0 });

    answers.push({ status: 401, body: { error: 'unauthorized' } });
    ft.process('payment', { instance: 'p-2' }).start();
    await ft.flush();
    expect(received).toHaveLength(3); // not retried
    expect(ft.stats()).toMatchObject({ sent: 1, failed: 1 });
    expect(errors.map((e) => e.code)).toEqual(['export-failed']);
    expect(errors[0]?.message).toContain('401');
    await ft.shutdown();
  });
});
