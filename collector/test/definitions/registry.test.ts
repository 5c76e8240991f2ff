import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DefinitionError } from '../../src/domain/definitions/definition-error.ts';
import { loadDefinitions } from '../../src/domain/definitions/load-definitions.ts';
import { readDefinitionDir } from '../../src/adapters/files/read-definition-dir.ts';
import {
  changedProcesses,
  createRegistry,
  emptyRegistry,
  mergeDefinitions,
  withDefinition,
} from '../../src/domain/definitions/registry.ts';
import { isRetriable } from '../../src/shared/errors.ts';

const EXAMPLES = join(import.meta.dirname, '../../../deploy/definitions');

const def = (process: string, version: number, step = 'a') =>
  `process: ${process}\nversion: ${version}\nsteps:\n  - name: ${step}\n`;

function errorOf(run: () => unknown): DefinitionError {
  try {
    run();
  } catch (err) {
    if (err instanceof DefinitionError) return err;
    throw err;
  }
  throw new Error('expected a DefinitionError');
}

describe('loadDefinitions and the registry', () => {
  it('keeps every version and picks the latest by default', () => {
    const registry = loadDefinitions([
      { name: 'p2.yaml', text: def('payment', 2, 'b') },
      { name: 'p1.yaml', text: def('payment', 1) },
      { name: 'p3.yaml', text: def('payment', 3, 'c') },
      { name: 's.yaml', text: def('shipment', 1) },
    ]);
    expect(registry.processes()).toEqual(['payment', 'shipment']);
    expect(registry.get('payment')?.version).toBe(3);
    expect(registry.get('payment', 1)?.steps[0]?.name).toBe('a');
    expect(registry.get('payment', 4)).toBeUndefined();
    expect(registry.get('unknown')).toBeUndefined();
    expect(registry.versions('payment').map((d) => d.version)).toEqual([1, 2, 3]);
    expect(registry.latest().map((d) => `${d.process}@${d.version} ${d.origin}`)).toEqual([
      'payment@3 p3.yaml',
      'shipment@1 s.yaml',
    ]);
  });

  it('lists the problems of every file in one non-retriable error', () => {
    const error = errorOf(() =>
      loadDefinitions([
        { name: 'ok.yaml', text: def('payment', 1) },
        { name: 'a.yaml', text: 'process: x\nsteps: [{name: a}]\n' },
        { name: 'b.yaml', text: def('y', 1).replace('version: 1', 'version: 0') },
      ]),
    );
    expect(error.problems.map((p) => `${p.origin} ${p.path}`)).toEqual([
      'a.yaml /version',
      'b.yaml /version',
    ]);
    expect(isRetriable(error)).toBe(false);
    expect(error.message).toMatch(/a\.yaml:1:1 \/version: Expected required property/);
  });

  it('rejects one version defined differently twice, accepts identical copies', () => {
    const error = errorOf(() =>
      loadDefinitions([
        { name: 'a.yaml', text: def('payment', 1, 'a') },
        { name: 'b.yaml', text: def('payment', 1, 'b') },
        { name: 'c.yaml', text: 'process: [' },
      ]),
    );
    expect(error.problems.map((p) => `${p.origin} ${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^c\.yaml \/: /),
      'b.yaml /version: version 1 of process payment is already defined differently in a.yaml',
    ]);
    const same = loadDefinitions([
      { name: 'a.yaml', text: def('payment', 1) },
      { name: 'copy.yaml', text: def('payment', 1) },
    ]);
    expect(same.versions('payment')).toHaveLength(1);
  });

  it('adds a definition without changing the original registry', () => {
    const one = loadDefinitions([{ name: 'a.yaml', text: def('payment', 1) }]);
    const next = one.get('payment');
    if (next === undefined) throw new Error('missing');
    const two = withDefinition(one, { ...next, version: 2, origin: 'api' });
    expect(two.get('payment')?.version).toBe(2);
    expect(one.get('payment')?.version).toBe(1);
    expect(() => withDefinition(two, { ...next, steps: [], origin: 'api' })).toThrow(
      DefinitionError,
    );
    expect(emptyRegistry.processes()).toEqual([]);
    expect(createRegistry([]).latest()).toEqual([]);
  });
});

describe('changedProcesses', () => {
  it('lists the processes whose latest definition was added, removed or changed', () => {
    const before = loadDefinitions([
      { name: 'p1.yaml', text: def('payment', 1) },
      { name: 's1.yaml', text: def('shipment', 1) },
      { name: 'o1.yaml', text: def('order', 1) },
    ]);
    expect(changedProcesses(before, before)).toEqual([]);
    expect(changedProcesses(emptyRegistry, before)).toEqual(['order', 'payment', 'shipment']);
    expect(changedProcesses(before, emptyRegistry)).toEqual(['order', 'payment', 'shipment']);
    const after = loadDefinitions([
      { name: 'p1.yaml', text: def('payment', 1) },
      { name: 'p2.yaml', text: def('payment', 2, 'b') },
      { name: 'o1.yaml', text: def('order', 1) },
      { name: 'i1.yaml', text: def('invoice', 1) },
    ]);
    expect(changedProcesses(before, after)).toEqual(['invoice', 'payment', 'shipment']);
  });

  it('ignores where a definition came from, and versions that are not the latest', () => {
    const before = loadDefinitions([{ name: 'p2.yaml', text: def('payment', 2) }]);
    const same = loadDefinitions([{ name: 'elsewhere.yaml', text: def('payment', 2) }]);
    expect(changedProcesses(before, same)).toEqual([]);
    const older = loadDefinitions([{ name: 'p1.yaml', text: def('payment', 1, 'z') }]).get(
      'payment',
    );
    if (older === undefined) throw new Error('no definition');
    expect(changedProcesses(before, mergeDefinitions(before, [older]).registry)).toEqual([]);
  });
});

describe('example definitions in deploy/definitions', () => {
  it('parse, and name the demo processes, steps and owners', async () => {
    const registry = await readDefinitionDir(EXAMPLES);
    expect(registry.processes()).toEqual(['order-fulfilment', 'payment', 'shipment']);
    const order = registry.get('order-fulfilment');
    expect(order?.steps.map((s) => `${s.name}:${s.owner}`)).toEqual([
      'validate-order:team-sales',
      'reserve-stock:team-warehouse',
      'await-payment:team-sales',
      'ship-order:team-warehouse',
    ]);
    expect(order?.expectations.map((e) => `${e.system}/${e.process}`)).toEqual([
      'payments/payment',
      'logistics/shipment',
    ]);
    expect(registry.get('payment')?.steps.map((s) => s.name)).toEqual(['authorize', 'capture']);
    expect(registry.get('shipment')?.steps.map((s) => s.name)).toEqual([
      'pick',
      'pack',
      'hand-over',
    ]);
  });
});

describe('readDefinitionDir', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads .yaml and .yml files only, and fails on a missing directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ft-defs-'));
    await writeFile(join(dir, 'a.yaml'), def('a', 1));
    await writeFile(join(dir, 'b.YML'), def('b', 1));
    await writeFile(join(dir, 'notes.txt'), 'not a definition');
    await mkdir(join(dir, 'nested.yaml'));
    const registry = await readDefinitionDir(dir);
    expect(registry.processes()).toEqual(['a', 'b']);
    expect(registry.get('b')?.origin).toBe('b.YML');
    await expect(readDefinitionDir(join(dir, 'missing'))).rejects.toBeInstanceOf(DefinitionError);
  });
});
