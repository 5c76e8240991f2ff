/**
 * The detection model tells its listeners which processes' effective definitions
 * changed — on a put here, and on a reload that finds what another collector stored —
 * and re-derives a stored state's `nextDeadline` exactly as the ingest fold derives it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/domain/definitions/registry.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { EventScanner, InstanceEvents } from '../../src/ports/event-store.ts';
import { SqliteDefinitionStore } from '../../src/adapters/sqlite/sqlite-definition-store.ts';
import { DetectionModel } from '../../src/app/detection/detection-model.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { definitionOf, pickHistory, waitingInPick } from './definition-fixtures.ts';

const logger = createLogger('silent');
const START = '2024-06-01T08:00:00.000Z';

let dir: string;
let store: SqliteDefinitionStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-model-'));
  store = new SqliteDefinitionStore({ dataDir: dir });
  await store.prepare();
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function listen(model: DetectionModel): {
  heard: string[][];
  causes: string[];
  off: () => void;
} {
  const heard: string[][] = [];
  const causes: string[] = [];
  const off = model.onDeadlinesChanged((processes, cause) => {
    heard.push([...processes]);
    causes.push(cause);
  });
  return { heard, causes, off };
}

describe('DetectionModel: definition changes', () => {
  it('tells its listeners which process a put changed, once per change', async () => {
    const model = new DetectionModel(createRegistry([definitionOf('billing', 1, '1h')]), {
      store,
      logger,
    });
    const { heard, off } = listen(model);
    await model.putDefinition(definitionOf('late', 1, '5m'));
    expect(heard).toEqual([['late']]);
    // The same version again: nothing changed.
    expect((await model.putDefinition(definitionOf('late', 1, '5m'))).created).toBe(false);
    await model.reloadFromStore();
    expect(heard).toEqual([['late']]);
    await model.putDefinition(definitionOf('late', 2, '1h'));
    await model.putDefinition(definitionOf('billing', 3, '2h'));
    expect(heard).toEqual([['late'], ['late'], ['billing']]);
    // A version older than the latest would never apply: refused, nothing heard.
    await expect(model.putDefinition(definitionOf('billing', 2, '3h'))).rejects.toMatchObject({
      name: 'DefinitionVersionError',
      retriable: false,
    });
    expect(heard).toHaveLength(3);
    off();
    await model.putDefinition(definitionOf('late', 3, '2h'));
    expect(heard).toHaveLength(3);
  });

  it('hears what another collector stored at its next reload, and a conflict not at all', async () => {
    const files = createRegistry([definitionOf('billing', 1, '1h')]);
    const here = new DetectionModel(files, { store, logger });
    const there = new DetectionModel(createRegistry([]), { store, logger });
    const { heard } = listen(here);
    await there.putDefinition(definitionOf('late', 1, '5m'));
    // Version 1 of billing, differently: the file wins where the file is.
    await there.putDefinition(definitionOf('billing', 1, '2h'));
    expect(heard).toEqual([]);
    await here.reloadFromStore();
    expect(heard).toEqual([['late']]);
    expect(here.registry().get('billing')?.steps[0]?.deadline).toBe('1h');
    await here.reloadFromStore();
    expect(heard).toEqual([['late']]);
    await there.putDefinition(definitionOf('billing', 2, '2h'));
    await here.reloadFromStore();
    expect(heard).toEqual([['late'], ['billing']]);
  });

  it('still applies a put when a listener throws', async () => {
    const model = new DetectionModel(createRegistry([]), { store, logger });
    model.onDeadlinesChanged(() => {
      throw new Error('listener failed');
    });
    const { heard } = listen(model);
    await model.putDefinition(definitionOf('late', 1, '5m'));
    expect(model.registry().get('late')?.version).toBe(1);
    expect(heard).toEqual([['late']]);
  });

  it('re-derives a stored state exactly as the fold derives it under the current definitions', async () => {
    const model = new DetectionModel(createRegistry([]), { store, logger });
    const events = waitingInPick('late', 'l-1', START);
    const stored = model.fold(events);
    expect(stored.nextDeadline).toBeUndefined();
    expect(model.rederive(stored)).toEqual(stored);

    await model.putDefinition(definitionOf('late', 1, '5m'));
    const rederived = model.rederive(stored);
    expect(rederived).toEqual(model.fold(events));
    expect(JSON.stringify(rederived)).toBe(JSON.stringify(model.fold(events)));
    expect(rederived.nextDeadline).toBe('2024-06-01T08:05:01.000Z');
    expect(model.deadlineContext(stored).definition?.version).toBe(1);

    const ended = model.fold(waitingInPick('late', 'l-2', START, true));
    expect(model.rederive(ended).nextDeadline).toBeUndefined();
  });

  it('tells its listeners which processes a learned refresh moved by more than 10 %', async () => {
    const model = new DetectionModel();
    const { heard, causes } = listen(model);
    const settings = { perProcess: 100, horizonMs: 86_400_000 };
    const now = Date.parse(START) + 3_600_000;
    const learn = (late: number, slow: number) =>
      model.refreshLearned(
        pickHistory(START, [
          { process: 'late', seconds: late },
          { process: 'slow', seconds: slow },
        ]),
        settings,
        now,
      );
    // 20 min steps: learned deadlines of 20 min for both processes.
    await learn(1200, 1200);
    expect(heard).toEqual([['late', 'slow']]);
    // `late` drifts by 5 %, `slow` doubles: only `slow` is told.
    await learn(1260, 2400);
    expect(heard).toEqual([['late', 'slow'], ['slow']]);
    // Learning nothing any more takes every learned deadline away.
    await model.refreshLearned(pickHistory(START, []), settings, now);
    expect(heard).toEqual([['late', 'slow'], ['slow'], ['late', 'slow']]);
    expect(causes).toEqual(['learned', 'learned', 'learned']);
    // A quiet refresh learns without telling.
    await model.refreshLearned(
      pickHistory(START, [{ process: 'late', seconds: 60 }]),
      settings,
      now,
      true,
    );
    expect(heard).toHaveLength(3);
    expect(model.learned().size).toBe(1);
  });

  it('keeps the first learned refresh after the start quiet (the start walk waits for it)', async () => {
    const model = new DetectionModel();
    const { heard } = listen(model);
    const scanner = pickHistory(START, [{ process: 'late', seconds: 1200 }]);
    model.startLearning(
      scanner,
      3_600_000,
      { perProcess: 100, horizonMs: 10 * 365 * 86_400_000 },
      logger,
    );
    try {
      await waitFor(() => model.learnedReady(), { timeoutMs: 30_000, description: 'learned' });
      expect(model.learned().size).toBe(1);
      expect(heard).toEqual([]);
    } finally {
      model.stop();
    }
  });

  it('is not ready to re-derive until its first learned refresh settled', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const scanner: EventScanner = {
      async *scanInstanceEvents(): AsyncGenerator<InstanceEvents> {
        await gate;
        yield* [];
      },
    };
    const model = new DetectionModel();
    expect(model.learnedReady()).toBe(true);
    model.startLearning(scanner, 3_600_000, { perProcess: 10, horizonMs: 86_400_000 }, logger);
    try {
      expect(model.learnedReady()).toBe(false);
      release();
      await waitFor(() => model.learnedReady(), { timeoutMs: 30_000, description: 'learned' });
    } finally {
      model.stop();
    }
  });
});
