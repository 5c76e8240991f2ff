/**
 * The storage contract against the embedded SQLite store (a temp data dir per suite),
 * plus what only the embedded store has: a data directory that survives restarts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { StorageError } from '../../src/shared/errors.ts';
import { EVENT_STORE_SCHEMA_VERSION } from '../../src/adapters/sqlite/event-store-schema.ts';
import { databasePath } from '../../src/adapters/sqlite/sqlite-database.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { makeEvent } from '../helpers/events.ts';
import { history, keyOf } from './store-contract-fixtures.ts';
import { describeStoreContract } from './store-contract.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flowtrail-sqlite-'));
}

describeStoreContract('sqlite', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore({ dataDir: join(dir, 'data') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite store: data directory', () => {
  const dirs: string[] = [];
  const stores: SqliteEventStore[] = [];
  const open = async (dataDir: string): Promise<SqliteEventStore> => {
    const store = new SqliteEventStore({ dataDir });
    stores.push(store);
    await store.prepare();
    return store;
  };
  const newDataDir = (): string => {
    const dir = tempDir();
    dirs.push(dir);
    return join(dir, 'nested', 'data');
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const events = history({
    process: 'persist',
    instance: 'p-1',
    start: '2024-07-01T09:00:00+02:00',
    outcome: 'completed',
    step: 'pack',
    businessKeys: { orderNo: 'ORD-1' },
  });
  const state = foldInstance(events);

  it('creates the directory and a WAL database file in it', async () => {
    const dataDir = newDataDir();
    await open(dataDir);
    expect(existsSync(databasePath(dataDir))).toBe(true);
    const db = new Database(databasePath(dataDir), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps events and states across close and reopen', async () => {
    const dataDir = newDataDir();
    const first = await open(dataDir);
    await first.writeEvents(events);
    await first.writeStates([state]);
    await first.close();

    const second = await open(dataDir);
    expect(await second.getEvents(keyOf(events))).toEqual(events);
    expect(await second.getInstance(state.key)).toEqual(state);
    expect(await second.search({ text: 'pack', businessKey: 'orderNo=ORD-1' })).toEqual({
      total: 1,
      instances: [state],
    });
    // Still versioned after the reopen: a partial fold does not replace the full one.
    await second.writeStates([foldInstance(events.slice(0, 1))]);
    expect(await second.getInstance(state.key)).toEqual(state);
  });

  it('lets a second connection read what the first wrote', async () => {
    const dataDir = newDataDir();
    const writer = await open(dataDir);
    const reader = await open(dataDir);
    await writer.writeEvents(events);
    await writer.writeStates([state]);
    expect(await reader.getInstance(state.key)).toEqual(state);
    expect(await reader.eventsOfInstances([state.key])).toEqual(new Map([[state.key, events]]));
  });

  it('upgrades a version-2 file in place (the change feed column)', async () => {
    const dataDir = newDataDir();
    const first = await open(dataDir);
    await first.writeEvents(events);
    await first.writeStates([state]);
    await first.close();
    const db = new Database(databasePath(dataDir));
    db.exec(`DROP INDEX instances_by_change; ALTER TABLE instances DROP COLUMN change_seq;
             UPDATE schema_versions SET version = 2 WHERE component = 'events'`);
    db.close();

    const upgraded = await open(dataDir);
    expect(await upgraded.getInstance(state.key)).toEqual(state);
    expect(await upgraded.instanceChanges(undefined, 10)).toEqual({
      seq: 0,
      keys: [],
      truncated: false,
    });
    await upgraded.writeStates([state]);
    expect(await upgraded.instanceChanges(0, 10)).toEqual({
      seq: 1,
      keys: [state.key],
      truncated: false,
    });
    const check = new Database(databasePath(dataDir), { readonly: true });
    expect(
      check.prepare("SELECT version FROM schema_versions WHERE component = 'events'").get(),
    ).toEqual({ version: EVENT_STORE_SCHEMA_VERSION });
    check.close();
  });

  it('upgrades a version-3 file in place (the open-instance indexes)', async () => {
    const dataDir = newDataDir();
    const first = await open(dataDir);
    const ended = foldInstance(events);
    const running = foldInstance(events.slice(0, 2));
    const other = { ...running, key: `${running.key}-2`, process: 'other' };
    await first.writeStates([ended, other]);
    await first.close();
    const db = new Database(databasePath(dataDir));
    db.exec(`DROP INDEX instances_open; DROP INDEX instances_open_by_process;
             UPDATE schema_versions SET version = 3 WHERE component = 'events'`);
    db.close();

    const upgraded = await open(dataDir);
    expect(await upgraded.openInstanceKeys({ limit: 10 })).toEqual({ keys: [other.key] });
    expect(await upgraded.openInstanceKeys({ process: 'other', limit: 10 })).toEqual({
      keys: [other.key],
    });
    const check = new Database(databasePath(dataDir), { readonly: true });
    const indexes = check
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'instances_open%'",
      )
      .all();
    expect(indexes.map((row) => (row as { name: string }).name).sort()).toEqual([
      'instances_open',
      'instances_open_by_process',
    ]);
    check.close();
  });

  it('upgrades a version-4 file in place: events keyed by (source, id), every event kept', async () => {
    const dataDir = newDataDir();
    await (await open(dataDir)).close();
    // A version-4 events table, with the DDL of version 4, and its events.
    const db = new Database(databasePath(dataDir));
    db.exec(`DROP TABLE events;
CREATE TABLE events (
  id            TEXT PRIMARY KEY,
  instance_key  TEXT NOT NULL,
  time          TEXT NOT NULL,
  time_ms       INTEGER NOT NULL,
  type          TEXT NOT NULL,
  source        TEXT NOT NULL,
  process       TEXT NOT NULL,
  event         TEXT NOT NULL
);
CREATE INDEX events_by_instance ON events (instance_key, time_ms, id);
UPDATE schema_versions SET version = 4 WHERE component = 'events';`);
    const insert = db.prepare(`INSERT INTO events
      (id, instance_key, time, time_ms, type, source, process, event)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const others = history({
      process: 'persist',
      instance: 'p-2',
      start: '2024-07-02T09:00:00Z',
      outcome: 'running',
      step: 'pick',
    });
    for (const event of [...others, ...events]) {
      insert.run(
        event.id,
        keyOf([event]),
        event.time,
        Date.parse(event.time),
        event.type,
        event.source,
        event.ftprocess,
        JSON.stringify(event),
      );
    }
    db.close();

    const upgraded = await open(dataDir);
    expect(await upgraded.getEvents(keyOf(events))).toEqual(events);
    expect(await upgraded.getEvents(keyOf(others))).toEqual(others);
    const [first] = events as [FlowtrailEvent];
    // The same id from another source is another event now; a different copy is a 409.
    const elsewhere = { ...first, source: 'erp' };
    expect(await upgraded.writeEvents([elsewhere, first])).toEqual({ retriable: [], rejected: [] });
    expect(await upgraded.getEvents(keyOf([elsewhere]))).toEqual([elsewhere]);
    const changed = { ...first, data: { changed: true } };
    expect((await upgraded.writeEvents([changed])).rejected).toMatchObject([
      { item: changed, status: 409, error: { type: 'conflicting_duplicate' } },
    ]);
    expect(await upgraded.getEvents(keyOf(events))).toEqual(events);

    const check = new Database(databasePath(dataDir), { readonly: true });
    expect(
      check.prepare("SELECT version FROM schema_versions WHERE component = 'events'").get(),
    ).toEqual({ version: EVENT_STORE_SCHEMA_VERSION });
    const key = (check.pragma('table_info(events)') as { name: string; pk: number }[])
      .filter((column) => column.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((column) => column.name);
    expect(key).toEqual(['source', 'id']);
    expect(
      check.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_by_instance'").get(),
    ).toEqual({ sql: 'CREATE INDEX events_by_instance ON events (instance_key, time_ms, id)' });
    // The insertion order (rowid) survives: the newest events are still the newest.
    const newest = check.prepare('SELECT id FROM events ORDER BY rowid DESC LIMIT 2').all();
    expect(newest).toEqual([{ id: elsewhere.id }, { id: events[events.length - 1]?.id }]);
    check.close();
  });

  it('refuses a database written by a newer schema version', async () => {
    const dataDir = newDataDir();
    await (await open(dataDir)).close();
    const db = new Database(databasePath(dataDir));
    db.prepare("UPDATE schema_versions SET version = 99 WHERE component = 'events'").run();
    db.close();
    const store = new SqliteEventStore({ dataDir });
    await expect(store.prepare()).rejects.toMatchObject({ retriable: false });
  });

  it('fails with a non-retriable StorageError before prepare and after close', async () => {
    const store = new SqliteEventStore({ dataDir: newDataDir() });
    await expect(store.getInstance('x')).rejects.toBeInstanceOf(StorageError);
    await store.prepare();
    await store.close();
    await store.close();
    await expect(store.writeEvents(events)).rejects.toMatchObject({ retriable: false });
  });

  it('rejects an event with an unparseable time, and stores the rest', async () => {
    const store = await open(newDataDir());
    const bad = makeEvent({ type: 'x.y', instance: 'bad', time: 'yesterday' });
    const result = await store.writeEvents([bad, ...events]);
    expect(result.retriable).toEqual([]);
    expect(result.rejected).toMatchObject([{ item: bad, status: 400 }]);
    expect(await store.getEvents(keyOf(events))).toHaveLength(events.length);
  });

  it('reads FTS operators and quotes in free text as plain words', async () => {
    const store = await open(newDataDir());
    await store.writeStates([state]);
    for (const text of ['pack AND', '"pack', 'NEAR(pack', 'pack*', 'pack -x', 'OR pack']) {
      await expect(store.search({ text })).resolves.toMatchObject({ total: expect.any(Number) });
    }
    expect((await store.search({ text: '"pack"' })).total).toBe(1);
    expect((await store.search({ text: '--- ...' })).total).toBe(0);
    expect((await store.search({ text: '   ' })).total).toBe(1);
  });
});
