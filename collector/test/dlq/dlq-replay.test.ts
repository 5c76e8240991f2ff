/**
 * Replay and delete over the real SQLite dead-letter table and event store (temp data
 * dir), with letters stored through `SqliteDeadLetterStore.send` like the pipeline does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { deleteLetters, processorRun, replayLetters } from '../../src/tools/dlq/dlq-replay.ts';
import { StorageError } from '../../src/shared/errors.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import type { DeadLetter } from '../../src/ports/dead-letter-sink.ts';
import type { EventWriter } from '../../src/ports/event-store.ts';
import { SqliteDeadLetterStore } from '../../src/adapters/sqlite/sqlite-dead-letter-store.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { makeEvent } from '../helpers/events.ts';

const T0 = '2026-11-22T09:00:00.000Z';

let dir: string;
let table: SqliteDeadLetterStore;
let store: SqliteEventStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowtrail-dlq-replay-'));
  table = new SqliteDeadLetterStore({ dataDir: dir });
  store = new SqliteEventStore({ dataDir: dir });
  await Promise.all([table.prepare(), store.prepare()]);
});
afterEach(async () => {
  await Promise.all([table.close(), store.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const started = (instance: string, id = `${instance}-1`): FlowtrailEvent =>
  makeEvent({ id, type: 'flowtrail.process.started', instance, time: T0 });

function letterOf(value: string, offset: number, reason: DeadLetter['reason']): DeadLetter {
  return {
    message: {
      topic: 'flowtrail.events',
      partition: 1,
      offset: String(offset),
      key: Buffer.from('k'),
      value: Buffer.from(value),
      headers: { 'content-type': 'application/cloudevents+json' },
    },
    reason,
    errors: ['stored by the test'],
  };
}

function runWith(writer: EventWriter) {
  return processorRun({
    writer,
    fold: foldInstance,
    maxEventBytes: 1_048_576,
    metrics: new Metrics(),
    logger: createLogger('silent'),
  });
}

describe('replayLetters', () => {
  it('replays in chunks; a duplicate event id is stored once and both letters go', async () => {
    const a = started('o-a');
    await table.send([
      letterOf(JSON.stringify(a), 0, 'storage-rejected'),
      letterOf(JSON.stringify(started('o-b')), 1, 'storage-rejected'),
      letterOf('nope', 2, 'not-json'),
      letterOf(JSON.stringify(a), 3, 'storage-rejected'),
      letterOf(JSON.stringify(started('o-c')), 4, 'storage-rejected'),
    ]);
    const report = await replayLetters(table, runWith(store), { all: true }, 2);
    expect(report).toEqual({
      replayed: 5,
      accepted: [1, 2, 4, 5],
      stillRejected: [{ id: 3, reason: 'not-json', errors: [expect.any(String)] }],
      missing: [],
    });
    expect((await store.getEvents(instanceKeyOf(a))).map((e) => e.id)).toEqual([a.id]);
    for (const instance of ['o-a', 'o-b', 'o-c']) {
      expect(await store.getInstance(instanceKeyOf(started(instance)))).toMatchObject({
        eventCount: 1,
      });
    }
    const { total, letters } = await table.list();
    expect(total).toBe(1);
    expect(letters[0]).toMatchObject({ id: 3, reason: 'not-json', errors: ['stored by the test'] });
  });

  it('a letter the store still rejects stays unchanged; once fixed, it is accepted', async () => {
    const event = started('o-mapping');
    await table.send([letterOf(JSON.stringify(event), 0, 'storage-rejected')]);
    const before = await table.list();
    const rejecting: EventWriter = {
      writeEvents: async (events) => ({
        retriable: [],
        rejected: events.map((item) => ({ item, status: 400, error: { type: 'still broken' } })),
      }),
      writeStates: (states) => store.writeStates(states),
      eventsOfInstances: (keys) => store.eventsOfInstances(keys),
    };
    const again = await replayLetters(table, runWith(rejecting), { all: false, ids: [1] });
    expect(again.stillRejected).toEqual([
      { id: 1, reason: 'storage-rejected', errors: [{ type: 'still broken' }] },
    ]);
    expect(await table.list()).toEqual(before);

    const fixed = await replayLetters(table, runWith(store), { all: false, ids: [1] });
    expect(fixed).toMatchObject({ replayed: 1, accepted: [1], stillRejected: [] });
    expect(await store.getInstance(instanceKeyOf(event))).toBeDefined();
    expect((await table.list()).total).toBe(0);
  });

  it('stops at a failing chunk: earlier chunks are done, the failed one stays', async () => {
    await table.send(
      [0, 1, 2, 3].map((i) => letterOf(JSON.stringify(started(`o-${i}`)), i, 'storage-rejected')),
    );
    let calls = 0;
    const flaky: EventWriter = {
      writeEvents: async (events) => {
        if (++calls === 2) throw new StorageError('database is locked', true);
        return store.writeEvents(events);
      },
      writeStates: (states) => store.writeStates(states),
      eventsOfInstances: (keys) => store.eventsOfInstances(keys),
    };
    const report = await replayLetters(table, runWith(flaky), { all: true }, 2);
    expect(report).toEqual({
      replayed: 2,
      accepted: [1, 2],
      stillRejected: [],
      missing: [],
      failure: { message: 'database is locked', retriable: true },
    });
    expect((await table.list()).letters.map((l) => l.id)).toEqual([3, 4]);
  });

  it('names ids that are not in the table', async () => {
    await table.send([letterOf('nope', 0, 'not-json')]);
    const report = await replayLetters(table, runWith(store), { all: false, ids: [7, 1] });
    expect(report).toMatchObject({ replayed: 1, accepted: [], missing: [7] });
  });
});

describe('deleteLetters', () => {
  it('deletes by id (naming the missing ones) and all', async () => {
    await table.send([0, 1, 2, 3, 4].map((i) => letterOf('nope', i, 'not-json')));
    expect(await deleteLetters(table, { all: false, ids: [2, 9] })).toEqual({
      deleted: 1,
      missing: [9],
    });
    expect(await deleteLetters(table, { all: true })).toEqual({ deleted: 4, missing: [] });
    expect((await table.list()).total).toBe(0);
  });
});
