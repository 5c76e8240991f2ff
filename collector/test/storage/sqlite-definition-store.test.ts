/**
 * The definition store contract against the embedded SQLite store (a temp data dir; the
 * race runs between two connections to the same file), plus its schema component.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/shared/errors.ts';
import { databasePath } from '../../src/adapters/sqlite/sqlite-database.ts';
import { SqliteDefinitionStore } from '../../src/adapters/sqlite/sqlite-definition-store.ts';
import { definitionDoc, describeDefinitionStoreContract } from './definition-contract.ts';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'flowtrail-definitions-'));

describeDefinitionStoreContract('sqlite', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const store = new SqliteDefinitionStore({ dataDir });
  return {
    store,
    openAnother: async () => new SqliteDefinitionStore({ dataDir }),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite definition store: data directory', () => {
  it('keeps definitions in flowtrail.db under its own schema component, across reopen', async () => {
    const dir = tempDir();
    try {
      const dataDir = join(dir, 'data');
      const store = new SqliteDefinitionStore({ dataDir });
      await expect(store.listDefinitions()).rejects.toBeInstanceOf(StorageError);
      await store.prepare();
      const { stored } = await store.putDefinition(definitionDoc('orders', 1));
      await store.close();
      const db = new Database(databasePath(dataDir), { readonly: true });
      expect(db.prepare('SELECT component, version FROM schema_versions').all()).toContainEqual({
        component: 'definitions',
        version: 1,
      });
      db.close();
      const reopened = new SqliteDefinitionStore({ dataDir });
      await reopened.prepare();
      expect(await reopened.listDefinitions()).toEqual([stored]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
