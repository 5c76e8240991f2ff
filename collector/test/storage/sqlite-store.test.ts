/**
 * The storage contract against the embedded SQLite store (a temp data dir per suite),
 * plus what only the embedded store has: a data directory that survives restarts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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
