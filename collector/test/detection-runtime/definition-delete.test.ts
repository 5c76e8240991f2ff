/**
 * Deleting stored definitions through the catalog (definition-catalog.ts), on real
 * SQLite stores: applied here at once (the listeners hear the processes whose latest
 * definition changed), reaching another collector at its reload, never resurrected by a
 * put made here earlier or by a reload that read the store before the delete; files
 * cannot be deleted. Also the version rule of a put: not below the highest version.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/domain/definitions/registry.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { DefinitionStore, StoredDefinition } from '../../src/ports/definition-store.ts';
import { SqliteDefinitionStore } from '../../src/adapters/sqlite/sqlite-definition-store.ts';
import { DefinitionCatalog } from '../../src/app/detection/definition-catalog.ts';
import { definitionOf } from './definition-fixtures.ts';

const logger = createLogger('silent');
let dir: string;
let store: SqliteDefinitionStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-delete-'));
  store = new SqliteDefinitionStore({ dataDir: dir });
  await store.prepare();
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const versionsOf = (catalog: DefinitionCatalog, process: string): number[] =>
  catalog
    .registry()
    .versions(process)
    .map((d) => d.version);

function listen(catalog: DefinitionCatalog): string[][] {
  const heard: string[][] = [];
  catalog.onChanged((processes) => heard.push([...processes]));
  return heard;
}

describe('DefinitionCatalog.deleteDefinitions', () => {
  it('applies a delete at once; the listeners hear when the latest version changed', async () => {
    const catalog = new DefinitionCatalog(createRegistry([]), { store, logger });
    for (const v of [1, 2, 3]) await catalog.putDefinition(definitionOf('late', v, `${v}m`));
    const heard = listen(catalog);
    expect(await catalog.deleteDefinitions('late', 2)).toBe(1);
    expect(versionsOf(catalog, 'late')).toEqual([1, 3]);
    expect(heard).toEqual([]);
    expect(await catalog.deleteDefinitions('late', 3)).toBe(1);
    expect(catalog.registry().get('late')?.steps[0]?.deadlineMs).toBe(60_000);
    expect(heard).toEqual([['late']]);
    expect(await catalog.deleteDefinitions('late', 3)).toBe(0);
    // After a delete, a lower version than the one deleted may be put again.
    expect((await catalog.putDefinition(definitionOf('late', 2, '9m'))).created).toBe(true);
    expect(await catalog.deleteDefinitions('late')).toBe(2);
    expect(catalog.registry().get('late')).toBeUndefined();
    expect(heard).toEqual([['late'], ['late'], ['late']]);
    // Neither a reload nor the puts made here earlier bring them back.
    await catalog.reloadFromStore();
    expect(catalog.registry().processes()).toEqual([]);
  });

  it('refuses to delete what a file defines; deleting all keeps the file versions', async () => {
    const files = createRegistry([definitionOf('billing', 1, '1h')]);
    const catalog = new DefinitionCatalog(files, { store, logger });
    await expect(catalog.deleteDefinitions('billing', 1)).rejects.toMatchObject({
      name: 'DefinitionVersionError',
      retriable: false,
      message: expect.stringContaining('defined in file test'),
    });
    await expect(catalog.deleteDefinitions('billing')).rejects.toMatchObject({
      message: expect.stringContaining('has no stored definitions'),
    });
    await catalog.putDefinition(definitionOf('billing', 2, '2h'));
    expect(await catalog.deleteDefinitions('billing')).toBe(1);
    expect(versionsOf(catalog, 'billing')).toEqual([1]);
    expect(catalog.registry().get('billing')?.origin).toBe('test');
  });

  it('reaches another collector at its reload', async () => {
    const here = new DefinitionCatalog(createRegistry([]), { store, logger });
    const there = new DefinitionCatalog(createRegistry([]), { store, logger });
    await there.putDefinition(definitionOf('late', 1, '5m'));
    await there.putDefinition(definitionOf('late', 2, '10m'));
    await here.reloadFromStore();
    const heard = listen(here);
    expect(versionsOf(here, 'late')).toEqual([1, 2]);
    await there.deleteDefinitions('late', 2);
    await here.reloadFromStore();
    expect(versionsOf(here, 'late')).toEqual([1]);
    expect(heard).toEqual([['late']]);
    // Deleted through `here`: `there`, which put it, drops it at its reload too.
    await here.deleteDefinitions('late');
    await there.reloadFromStore();
    expect(there.registry().processes()).toEqual([]);
  });

  it('is not undone by a reload that read the store before the delete', async () => {
    let release: () => void = () => undefined;
    let gated = false;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: DefinitionStore = {
      prepare: () => store.prepare(),
      close: async () => undefined,
      putDefinition: (doc, at) => store.putDefinition(doc, at),
      deleteDefinitions: (process, version) => store.deleteDefinitions(process, version),
      listDefinitions: async (): Promise<StoredDefinition[]> => {
        const listed = await store.listDefinitions();
        if (!gated) return listed;
        await gate;
        return listed;
      },
    };
    const catalog = new DefinitionCatalog(createRegistry([]), { store: slow, logger });
    await catalog.putDefinition(definitionOf('late', 1, '5m'));
    await catalog.putDefinition(definitionOf('late', 2, '10m'));
    gated = true;
    const reload = catalog.reloadFromStore(); // reads both versions, then waits
    await new Promise((resolve) => setTimeout(resolve, 20));
    gated = false;
    await catalog.deleteDefinitions('late', 2);
    await catalog.putDefinition(definitionOf('late', 3, '15m'));
    release();
    await reload;
    expect(versionsOf(catalog, 'late')).toEqual([1, 3]);
    await catalog.reloadFromStore();
    expect(versionsOf(catalog, 'late')).toEqual([1, 3]);
  });
});

describe('DefinitionCatalog.putDefinition: versions only go up', () => {
  it('refuses a new version below the highest, naming it; an identical one is a no-op', async () => {
    const files = createRegistry([definitionOf('billing', 5, '1h')]);
    const catalog = new DefinitionCatalog(files, { store, logger });
    await expect(catalog.putDefinition(definitionOf('billing', 4, '1h'))).rejects.toMatchObject({
      name: 'DefinitionVersionError',
      message: expect.stringContaining('lower than its highest version 5 (test)'),
    });
    // Equal to a defined version with the same content: an idempotent put.
    expect((await catalog.putDefinition(definitionOf('billing', 5, '1h'))).created).toBe(true);
    expect((await catalog.putDefinition(definitionOf('billing', 5, '1h'))).created).toBe(false);
    await catalog.putDefinition(definitionOf('billing', 7, '2h'));
    // A version stored by another collector counts, without waiting for the reload.
    const there = new DefinitionCatalog(createRegistry([]), { store, logger });
    await there.putDefinition(definitionOf('billing', 9, '3h'));
    await expect(catalog.putDefinition(definitionOf('billing', 8, '1h'))).rejects.toMatchObject({
      message: expect.stringContaining('highest version 9 (api)'),
    });
    // An older version again, unchanged: still a no-op, not a refusal.
    expect((await catalog.putDefinition(definitionOf('billing', 7, '2h'))).created).toBe(false);
  });
});
