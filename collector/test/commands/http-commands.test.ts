/**
 * Commands over HTTP end to end: the REAL collector HTTP API (embedded mode: SQLite store
 * in a temp dir, a free port) with a command queue, and the SDK's `handleCommands({http})`
 * long-polling it. Waits are event-driven (the queue announces acks), never sleeps.
 */
import { EventEmitter, once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandHandlerError,
  handleCommands,
  type FlowtrailCommand,
  type FlowtrailError,
} from '@flowtrail/sdk';
import { resendCommand } from './command-fixtures.ts';
import { CommandQueue } from '../../src/app/commands/command-queue.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { startApiServer, type RunningApiServer } from '../../src/adapters/http/api-server.ts';
import { EventIngest } from '../../src/app/ingest/event-ingest.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import { SqliteDeadLetterStore } from '../../src/adapters/sqlite/sqlite-dead-letter-store.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { call } from '../http/http-client.ts';

const API_KEY = 'secret-key';
const logger = createLogger('silent');

/** A queue that announces every acknowledgement. */
class ObservedQueue extends CommandQueue {
  readonly events = new EventEmitter();
  override ack(ids: readonly string[]): number {
    const removed = super.ack(ids);
    this.events.emit('ack', ids);
    return removed;
  }
}

let dir: string;
let store: SqliteEventStore;
let deadLetters: SqliteDeadLetterStore;
let api: RunningApiServer;
let queue: ObservedQueue;
const auth = { authorization: `Bearer ${API_KEY}` };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-commands-'));
  store = new SqliteEventStore({ dataDir: dir });
  deadLetters = new SqliteDeadLetterStore({ dataDir: dir });
  await store.prepare();
  await deadLetters.prepare();
  const ingest = new EventIngest({
    writer: store,
    deadLetters,
    fold: foldInstance,
    maxEventBytes: 65_536,
    metrics: new Metrics(),
    logger,
  });
  queue = new ObservedQueue({ leaseMs: 300 });
  api = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    apiKey: API_KEY,
    maxBodyBytes: 65_536,
    ingest,
    reader: store,
    store: 'sqlite',
    logger,
    commands: queue,
  });
});

afterAll(async () => {
  await queue?.close(); // ends open long-polls, so the server closes at once
  await api?.close();
  await Promise.all([store?.close(), deadLetters?.close()]);
  await rm(dir, { recursive: true, force: true });
});

const command = (id: string, target: string) =>
  resendCommand(id, {
    time: new Date().toISOString(),
    fttarget: target,
    ftinstance: 'o-4711',
    data: { reason: 'missing-subprocess', what: 'start', findingId: 'f-1', attempt: 1 },
  });

function nextAck(): Promise<string[]> {
  return once(queue.events, 'ack').then(([ids]) => ids as string[]);
}

describe('GET /api/commands and POST /api/commands/ack', () => {
  it('validates parameters and bodies, and needs the API key', async () => {
    const noKey = await call(`${api.url}/api/commands?system=orders`);
    expect(noKey.status).toBe(401);
    const bad = await call(`${api.url}/api/commands?wait=31&max=0&foo=1`, { headers: auth });
    expect(bad.status).toBe(400);
    expect((bad.body as { problems: string[] }).problems).toHaveLength(4);
    const badAck = await call(`${api.url}/api/commands/ack`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ ids: [''] }),
    });
    expect(badAck.status).toBe(400);
    const wrongMethod = await call(`${api.url}/api/commands/ack`, { headers: auth });
    expect(wrongMethod.status).toBe(405);
  });

  it('long-polls: answers when a command arrives; ack removes it', async () => {
    const polled = call(`${api.url}/api/commands?system=http-raw&wait=20`, { headers: auth });
    const empty = await call(`${api.url}/api/commands?system=http-raw`, { headers: auth });
    expect(empty.body).toEqual({ commands: [] });
    queue.enqueue(command('raw-1', 'http-raw'));
    const answer = await polled;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      commands: [command('raw-1', 'http-raw')].map((c) => ({ ...c, time: expect.any(String) })),
    });
    const acked = await call(`${api.url}/api/commands/ack`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ ids: ['raw-1', 'unknown'] }),
    });
    expect(acked.body).toEqual({ acked: 1 });
    expect(queue.pending('http-raw')).toBe(0);
  });
});

describe('handleCommands({ http }) against the collector', () => {
  const http = () => ({ url: api.url, apiKey: API_KEY, waitSeconds: 20 });

  it('receives a command once, acknowledges it, and skips a re-issued duplicate', async () => {
    const received: FlowtrailCommand[] = [];
    const errors: FlowtrailError[] = [];
    const sub = handleCommands({
      system: 'billing',
      http: http(),
      handler: (c) => void received.push(c),
      onError: (err) => errors.push(err),
    });
    try {
      let acked = nextAck();
      queue.enqueue(command('bill-1', 'billing'));
      queue.enqueue(command('ship-1', 'shipping')); // someone else's
      expect(await acked).toEqual(['bill-1']);
      expect(received.map((c) => c.id)).toEqual(['bill-1']);
      expect(queue.pending('billing')).toBe(0);

      // The same id again (e.g. re-issued by a restarted collector): acked, not handled.
      acked = nextAck();
      queue.enqueue(command('bill-1', 'billing'));
      expect(await acked).toEqual(['bill-1']);
      expect(received).toHaveLength(1);
      expect(sub.stats()).toMatchObject({ received: 2, handled: 1, duplicates: 1, failed: 0 });
      expect(queue.pending('shipping')).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await sub.stop();
    }
  });

  it('does not acknowledge when the handler fails; the command is redelivered', async () => {
    const calls: string[] = [];
    const errors: FlowtrailError[] = [];
    const sub = handleCommands({
      system: 'invoicing',
      http: http(),
      handler: async (c) => {
        calls.push(c.id);
        if (calls.length === 1) throw new Error('invoice store down');
      },
      onError: (err) => errors.push(err),
    });
    try {
      const acked = nextAck();
      queue.enqueue(command('inv-1', 'invoicing'));
      expect(await acked).toEqual(['inv-1']); // only after the second, successful run
      expect(calls).toEqual(['inv-1', 'inv-1']);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(CommandHandlerError);
      expect(sub.stats()).toMatchObject({ handled: 1, failed: 1 });
      expect(queue.stats().redelivered).toBeGreaterThanOrEqual(1);
    } finally {
      await sub.stop();
    }
  });

  it('reports a collector without command delivery and keeps trying; stop() ends it', async () => {
    const plain = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 65_536,
      ingest: new EventIngest({
        writer: store,
        deadLetters,
        fold: foldInstance,
        maxEventBytes: 65_536,
        metrics: new Metrics(),
        logger,
      }),
      reader: store,
      store: 'sqlite',
      logger,
    });
    const failures = new EventEmitter();
    const sub = handleCommands({
      system: 'billing',
      http: { url: plain.url, waitSeconds: 1 },
      handler: () => undefined,
      initialBackoffMs: 1,
      maxBackoffMs: 5,
      onError: (err) => failures.emit('error-seen', err),
    });
    try {
      const [first] = (await once(failures, 'error-seen')) as [FlowtrailError];
      expect(first.message).toMatch(/404/);
      expect(first.retriable).toBe(false);
      await once(failures, 'error-seen'); // retried
    } finally {
      await sub.stop();
      await plain.close();
    }
  });
});
