/**
 * Crash safety of embedded mode (docs/operations.md, "Crash safety, embedded mode"):
 * `flowtrail up --no-dashboard` takes batches of many instances from concurrent clients,
 * is SIGKILLed while some are in flight, and restarts on the same data dir. Then every
 * instance's stored state must be the fold of its stored events (the events and states
 * of a batch commit together: adapters/sqlite/batch-transaction.ts; the start-up check
 * repairs what an older file left: app/ingest/state-repair.ts), and every accepted
 * (202) event must be stored exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { startChildFlowtrail, type ChildCollector } from '../helpers/child-collector.ts';
import { waitFor } from '../helpers/wait-for.ts';

const INSTANCES = 60;
const PER_BATCH = 30;
const CLIENTS = 4;
/** Batches answered before the kill; the clients keep posting until it. */
const ANSWERED_BEFORE_KILL = 24;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const children: ChildCollector[] = [];
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'flowtrail-up-crash-'));
});

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

async function startUp(): Promise<{ child: ChildCollector; api: string }> {
  const port = await freePort();
  const child = startChildFlowtrail(
    ['up', '--data-dir', dataDir, '--port', String(port), '--no-dashboard'],
    { LOG_LEVEL: 'info', FLOWTRAIL_API_KEY: '' },
  );
  children.push(child);
  const api = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.process.exitCode !== null) {
        throw new Error(`flowtrail up exited:\n${child.output.slice(-20).join('\n')}`);
      }
      const response = await fetch(`${api}/api/health`).catch(() => undefined);
      return response?.ok === true;
    },
    { timeoutMs: 30_000, description: 'API health' },
  );
  return { child, api };
}

/** The next event of each instance: started, then step started/completed pairs. */
function eventSource(): () => FlowtrailEvent[] {
  const counts = new Array<number>(INSTANCES).fill(0);
  let cursor = 0;
  return () =>
    Array.from({ length: PER_BATCH }, () => {
      const instance = cursor++ % INSTANCES;
      const n = (counts[instance] = (counts[instance] ?? 0) + 1) - 1;
      const step = `s${Math.floor((n - 1) / 2)}`;
      const type = n === 0 ? 'process.started' : n % 2 === 1 ? 'step.started' : 'step.completed';
      return {
        specversion: '1.0',
        id: `crash-${instance}-${n}`,
        source: 'shop',
        type: `flowtrail.${type}`,
        time: new Date(Date.UTC(2024, 4, 1, 10) + n * 1000).toISOString(),
        ftprocess: 'order',
        ftinstance: `o-${instance}`,
        ...(n === 0 ? {} : { ftstep: step }),
        data: {},
      } as FlowtrailEvent;
    });
}

describe('flowtrail up: SIGKILL while batches are in flight', () => {
  it('restarts with every state equal to the fold of its stored events', async () => {
    const { child, api } = await startUp();
    const next = eventSource();
    const accepted = new Set<string>();
    let answered = 0;
    let killed = false;
    const client = async (): Promise<void> => {
      while (!killed) {
        const batch = next();
        const response = await fetch(`${api}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents-batch+json' },
          body: JSON.stringify(batch),
        }).catch(() => undefined);
        if (response === undefined) return; // the process is gone
        if (response.status === 202) {
          for (const event of batch) accepted.add(event.id);
          answered++;
        }
        await response.body?.cancel();
      }
    };
    const clients = Array.from({ length: CLIENTS }, () => client());
    await waitFor(() => answered >= ANSWERED_BEFORE_KILL || undefined, {
      timeoutMs: 30_000,
      intervalMs: 5,
      description: 'batches answered',
    });
    child.process.kill('SIGKILL');
    killed = true;
    expect((await child.exited).signal).toBe('SIGKILL');
    await Promise.all(clients);

    const second = await startUp();
    const checkLine = await waitFor(
      () => second.child.output.find((line) => line.includes('"component":"state-repair"')),
      { timeoutMs: 10_000, description: 'start-up check logged' },
    );
    // Events and states commit together, so the check finds nothing to repair.
    expect(JSON.parse(checkLine)).toMatchObject({ checked: INSTANCES, stale: 0, repaired: 0 });
    second.child.process.kill('SIGTERM');
    expect(await second.child.exited).toEqual({ code: 0, signal: null });

    const store = new SqliteEventStore({ dataDir });
    await store.prepare();
    try {
      const stored = new Set<string>();
      let instances = 0;
      for await (const { key, events } of store.scanInstanceEvents({})) {
        instances++;
        for (const event of events) {
          expect(stored.has(event.id), `${event.id} stored once`).toBe(false);
          stored.add(event.id);
        }
        const state = await store.getInstance(key);
        const folded = foldInstance(events);
        expect(state, key).toBeDefined();
        expect(
          { eventCount: state?.eventCount, status: state?.status, steps: state?.steps },
          key,
        ).toEqual({ eventCount: folded.eventCount, status: folded.status, steps: folded.steps });
        expect(state?.eventCount).toBe(events.length);
      }
      expect(instances).toBe(INSTANCES);
      for (const id of accepted) expect(stored.has(id), `accepted ${id} stored`).toBe(true);
    } finally {
      await store.close();
    }
  }, 60_000);
});
