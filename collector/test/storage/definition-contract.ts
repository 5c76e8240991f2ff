/**
 * The definition store contract, run against every backend:
 * `sqlite-definition-store.test.ts` (temp dir) and `es-definition-store.int.test.ts`
 * (real Elasticsearch). One store per suite; each test uses its own process names.
 * Puts, lists and deletes (one version, or all of a process).
 * `openAnother` opens a second, independent connection to the same data, as a second
 * collector would.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DefinitionConflictError,
  definitionDocument,
} from '../../src/domain/definitions/definition-document.ts';
import type { DefinitionDocument } from '../../src/domain/definitions/definition-schema.ts';
import { parseDefinitionYaml } from '../../src/domain/definitions/parse-definition.ts';
import type { DefinitionStore } from '../../src/ports/definition-store.ts';

export interface DefinitionStoreUnderTest {
  /** Not prepared yet (the suite calls `prepare`). */
  store: DefinitionStore;
  /** Another connection to the same data, not prepared. The suite closes it. */
  openAnother: () => Promise<DefinitionStore>;
  /** Closes the store and deletes everything it wrote. */
  cleanup: () => Promise<void>;
}

const tag = (): string => randomBytes(3).toString('hex');

/** A valid document (through the parser, as the API stores it). */
export function definitionDoc(
  process: string,
  version: number,
  deadline = '5m',
): DefinitionDocument {
  const parsed = parseDefinitionYaml(
    [
      `process: ${JSON.stringify(process)}`,
      `version: ${version}`,
      'owner: team-a',
      'steps:',
      '  - name: pick',
      `    deadline: ${deadline}`,
      '    next: [ship]',
      '  - name: ship',
      '    next: []',
      'escalation:',
      '  - action: notify-owner',
      '    after: 0s',
    ].join('\n'),
    'contract',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return definitionDocument(parsed.definition);
}

export function describeDefinitionStoreContract(
  name: string,
  makeStore: () => Promise<DefinitionStoreUnderTest>,
): void {
  describe(`definition store contract: ${name}`, () => {
    let sut: DefinitionStoreUnderTest | undefined;
    const store = (): DefinitionStore => {
      if (sut === undefined) throw new Error('store not created');
      return sut.store;
    };
    const mine = async (prefix: string) =>
      (await store().listDefinitions()).filter((d) => d.process.startsWith(prefix));

    beforeAll(async () => {
      sut = await makeStore();
      await sut.store.prepare();
    });
    afterAll(async () => {
      await sut?.cleanup();
    });

    it('prepare is idempotent', async () => {
      await store().prepare();
      await store().prepare();
    });

    it('stores versions and lists every one, by process then version', async () => {
      const t = `list-${tag()}`;
      const at = new Date('2026-03-02T10:00:00.000Z');
      const docs = [
        definitionDoc(`${t}-b`, 2),
        definitionDoc(`${t}-a`, 10),
        definitionDoc(`${t}-b`, 1),
        definitionDoc(`${t}-a`, 2, '1h'),
      ];
      for (const doc of docs) {
        const result = await store().putDefinition(doc, at);
        expect(result).toEqual({
          created: true,
          stored: {
            process: doc.process,
            version: doc.version,
            definition: doc,
            storedAt: at.toISOString(),
          },
        });
      }
      const listed = await mine(t);
      expect(listed.map((d) => `${d.process}@${d.version}`)).toEqual([
        `${t}-a@2`,
        `${t}-a@10`,
        `${t}-b@1`,
        `${t}-b@2`,
      ]);
      expect(listed[0]).toEqual({
        process: `${t}-a`,
        version: 2,
        definition: docs[3],
        storedAt: at.toISOString(),
      });
    });

    it('putting the same content again is a no-op; other content is a conflict', async () => {
      const t = `immutable-${tag()}`;
      const first = await store().putDefinition(
        definitionDoc(t, 1),
        new Date('2026-01-01T00:00:00Z'),
      );
      expect(first.created).toBe(true);
      // Same content, keys in another order: still the same definition.
      const reordered = Object.fromEntries(
        Object.entries(definitionDoc(t, 1)).reverse(),
      ) as DefinitionDocument;
      const again = await store().putDefinition(reordered, new Date('2026-02-01T00:00:00Z'));
      expect(again).toEqual({ created: false, stored: first.stored });
      await expect(store().putDefinition(definitionDoc(t, 1, '10m'))).rejects.toBeInstanceOf(
        DefinitionConflictError,
      );
      await expect(store().putDefinition(definitionDoc(t, 1, '10m'))).rejects.toMatchObject({
        retriable: false,
      });
      expect(await mine(t)).toEqual([first.stored]);
      expect((await store().putDefinition(definitionDoc(t, 2, '10m'))).created).toBe(true);
      expect((await mine(t)).map((d) => d.version)).toEqual([1, 2]);
    });

    it('keeps a process name longer than any document id limit, and odd characters', async () => {
      const long = `long-${tag()}-${'ü/@'.repeat(300)}`;
      await store().putDefinition(definitionDoc(long, 1));
      await store().putDefinition(definitionDoc(`${long}x`, 1, '1m'));
      const listed = await mine(long);
      expect(listed.map((d) => [d.process, d.version])).toEqual([
        [long, 1],
        [`${long}x`, 1],
      ]);
    });

    it('deletes one version or every version of a process, and says how many', async () => {
      const t = `delete-${tag()}`;
      for (const version of [1, 2, 3]) await store().putDefinition(definitionDoc(t, version));
      await store().putDefinition(definitionDoc(`${t}-other`, 1));
      expect(await store().deleteDefinitions(t, 2)).toBe(1);
      expect(await store().deleteDefinitions(t, 2)).toBe(0);
      expect(await store().deleteDefinitions(t, 9)).toBe(0);
      expect((await mine(t)).map((d) => `${d.process}@${d.version}`)).toEqual([
        `${t}@1`,
        `${t}@3`,
        `${t}-other@1`,
      ]);
      // A deleted version can be stored again, with other content.
      expect((await store().putDefinition(definitionDoc(t, 2, '1h'))).created).toBe(true);
      // Right after a put: the delete of all versions sees it too.
      expect(await store().deleteDefinitions(t)).toBe(3);
      expect(await store().deleteDefinitions(t)).toBe(0);
      expect((await mine(t)).map((d) => `${d.process}@${d.version}`)).toEqual([`${t}-other@1`]);
      expect(await store().deleteDefinitions(`${t}-unknown`)).toBe(0);
    });

    it('deletes a process with a long name and odd characters', async () => {
      const long = `del-long-${tag()}-${'ü/@'.repeat(300)}`;
      await store().putDefinition(definitionDoc(long, 1));
      await store().putDefinition(definitionDoc(long, 2));
      await store().putDefinition(definitionDoc(`${long}x`, 1));
      expect(await store().deleteDefinitions(long, 1)).toBe(1);
      expect(await store().deleteDefinitions(long)).toBe(1);
      expect((await mine(long)).map((d) => d.process)).toEqual([`${long}x`]);
    });

    it('is shared: another connection sees the puts, and of two racing puts one creates', async () => {
      if (sut === undefined) throw new Error('store not created');
      const other = await sut.openAnother();
      await other.prepare();
      try {
        const t = `race-${tag()}`;
        await store().putDefinition(definitionDoc(t, 1));
        expect((await other.listDefinitions()).filter((d) => d.process === t)).toHaveLength(1);
        const same = await Promise.all([
          store().putDefinition(definitionDoc(t, 2)),
          other.putDefinition(definitionDoc(t, 2)),
        ]);
        expect(same.map((r) => r.created).sort()).toEqual([false, true]);
        const different = await Promise.allSettled([
          store().putDefinition(definitionDoc(t, 3, '1m')),
          other.putDefinition(definitionDoc(t, 3, '2m')),
        ]);
        expect(different.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        const rejected = different.find((r) => r.status === 'rejected');
        expect(rejected?.reason).toBeInstanceOf(DefinitionConflictError);
        expect((await mine(t)).map((d) => d.version)).toEqual([1, 2, 3]);
        // A delete through one connection is seen by the other at once.
        expect(await other.deleteDefinitions(t, 3)).toBe(1);
        expect((await mine(t)).map((d) => d.version)).toEqual([1, 2]);
        expect(await store().deleteDefinitions(t)).toBe(2);
        expect((await other.listDefinitions()).filter((d) => d.process === t)).toEqual([]);
      } finally {
        await other.close();
      }
    });
  });
}
