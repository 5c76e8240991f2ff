/**
 * The alert store contract against the embedded SQLite store (a temp data dir; the race
 * runs between two connections to the same file), plus its schema versioning.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/shared/errors.ts';
import { databasePath } from '../../src/adapters/sqlite/sqlite-database.ts';
import { SqliteAlertStore } from '../../src/adapters/sqlite/sqlite-alert-store.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { makeAlert } from '../alerts/alert-fixtures.ts';
import { describeAlertStoreContract } from './alert-contract.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flowtrail-alerts-'));
}

describeAlertStoreContract('sqlite', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const store = new SqliteAlertStore({ dataDir });
  return {
    store,
    openAnother: async () => new SqliteAlertStore({ dataDir }),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite alert store: data directory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const newDataDir = (): string => {
    const dir = tempDir();
    dirs.push(dir);
    return join(dir, 'data');
  };

  it('shares flowtrail.db with the event store, under its own schema component', async () => {
    const dataDir = newDataDir();
    const events = new SqliteEventStore({ dataDir });
    const alerts = new SqliteAlertStore({ dataDir });
    await events.prepare();
    await alerts.prepare();
    const alert = makeAlert();
    await alerts.upsertAlerts([alert]);
    await Promise.all([events.close(), alerts.close()]);

    const db = new Database(databasePath(dataDir), { readonly: true });
    const versions = db.prepare('SELECT component, version FROM schema_versions').all();
    expect(versions).toContainEqual({ component: 'alerts', version: 2 });
    expect(versions).toContainEqual({ component: 'events', version: expect.any(Number) });
    db.close();
    const reopened = new SqliteAlertStore({ dataDir });
    await reopened.prepare();
    expect(await reopened.getAlert(alert.id)).toEqual({ ...alert, version: 1 });
    await reopened.close();
  });

  it('upgrades a version-1 alerts table in place (the change feed column)', async () => {
    const dataDir = newDataDir();
    const first = new SqliteAlertStore({ dataDir });
    await first.prepare();
    const [old] = (await first.upsertAlerts([makeAlert()])).written;
    await first.close();
    const db = new Database(databasePath(dataDir));
    db.exec(`DROP INDEX alerts_by_change; ALTER TABLE alerts DROP COLUMN change_seq;
             UPDATE schema_versions SET version = 1 WHERE component = 'alerts'`);
    db.close();

    const upgraded = new SqliteAlertStore({ dataDir });
    await upgraded.prepare();
    expect(await upgraded.getAlert(old!.id)).toEqual(old);
    expect(await upgraded.alertChanges(undefined, 10)).toEqual({
      seq: 0,
      keys: [],
      truncated: false,
    });
    await upgraded.upsertAlerts([{ ...old!, status: 'acknowledged' }]);
    expect(await upgraded.alertChanges(0, 10)).toEqual({
      seq: 1,
      keys: [old!.instance],
      truncated: false,
    });
    await upgraded.close();
    const check = new Database(databasePath(dataDir), { readonly: true });
    expect(
      check.prepare("SELECT version FROM schema_versions WHERE component = 'alerts'").get(),
    ).toEqual({ version: 2 });
    check.close();
  });

  it('refuses a database written by a newer alerts schema', async () => {
    const dataDir = newDataDir();
    const store = new SqliteAlertStore({ dataDir });
    await store.prepare();
    await store.close();
    const db = new Database(databasePath(dataDir));
    db.prepare("UPDATE schema_versions SET version = 99 WHERE component = 'alerts'").run();
    db.close();
    await expect(new SqliteAlertStore({ dataDir }).prepare()).rejects.toMatchObject({
      retriable: false,
    });
  });

  it('fails with a non-retriable StorageError when not prepared, and rejects bad times', async () => {
    const store = new SqliteAlertStore({ dataDir: newDataDir() });
    await expect(store.getAlert('x')).rejects.toBeInstanceOf(StorageError);
    await store.prepare();
    const bad = makeAlert({}, { lastSeenAt: 'yesterday' });
    const result = await store.upsertAlerts([bad]);
    expect(result).toMatchObject({ written: [], conflicts: [], failed: [{ status: 400 }] });
    await store.close();
    await expect(store.upsertAlerts([makeAlert()])).rejects.toMatchObject({ retriable: false });
  });
});
