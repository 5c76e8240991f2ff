/**
 * `flowtrail repair --elasticsearch` (tools/cli/repair-command.ts,
 * app/ingest/full-state-repair.ts) against the REAL (shared) Elasticsearch, in an index
 * prefix of its own: states missing, behind and ahead of their stored events are counted
 * by a dry run, the missing and behind ones re-folded by the real command (a child
 * process, `node collector/bin/flowtrail.js repair`), pages of 7 instances; a second run
 * finds only the state that claims more events than are stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { ElasticsearchEventStore } from '../src/adapters/elasticsearch/es-event-store.ts';
import { foldInstance } from '../src/domain/instance/fold.ts';
import { parseConfig } from '../src/main/config/config.ts';
import { createLogger } from '../src/shared/logger.ts';
import { startChildFlowtrail } from './helpers/child-collector.ts';
import { at, makeEvent } from './helpers/events.ts';
import {
  collectorTestEnv,
  deleteIndicesOf,
  testElasticsearch,
  uniqueName,
} from './helpers/servers.ts';

const name = uniqueName('repair');
const env = collectorTestEnv(name, { LOG_LEVEL: 'warn' });
const es = testElasticsearch();
let store: ElasticsearchEventStore;

/** 30 instances of 5 events. */
const histories: FlowtrailEvent[][] = Array.from({ length: 30 }, (_, i) => {
  const instance = `rp-${String(i).padStart(2, '0')}`;
  const base = at('2024-11-05T09:00:00Z', i * 30);
  const types = [
    'flowtrail.process.started',
    'flowtrail.step.started',
    'flowtrail.step.completed',
    'custom.note',
    'flowtrail.process.completed',
  ];
  return types.map((type, s) =>
    makeEvent({
      id: `${instance}-${s}`,
      type,
      instance,
      time: at(base, s),
      ...(type.startsWith('flowtrail.step') ? { step: 'check' } : {}),
    }),
  );
});
const keys = histories.map((events) => instanceKeyOf(events[0] as FlowtrailEvent));
const BEHIND = [0, 5, 10, 15, 20];
const MISSING = [1, 2, 3];
const AHEAD = 4;

beforeAll(async () => {
  store = ElasticsearchEventStore.fromConfig(
    parseConfig(env).elasticsearch,
    createLogger('silent'),
  );
  await store.prepare();
  await store.writeEvents(histories.flat());
  await store.writeStates(
    histories.flatMap((events, i) => {
      if (MISSING.includes(i)) return [];
      if (BEHIND.includes(i)) return [foldInstance(events.slice(0, 2))];
      if (i === AHEAD) {
        const lost = makeEvent({
          id: 'never-stored',
          type: 'custom.note',
          instance: events[0]?.ftinstance as string,
          time: at(events[0]?.time as string, 60),
        });
        return [foldInstance([...events, lost])];
      }
      return [foldInstance(events)];
    }),
  );
});

afterAll(async () => {
  await store?.close();
  await deleteIndicesOf(es, name);
  await es.close();
});

async function repair(args: string[]): Promise<{ code: number | null; output: string[] }> {
  const child = startChildFlowtrail(
    ['repair', '--elasticsearch', '--page-size', '7', ...args],
    env,
  );
  const { code } = await child.exited;
  return { code, output: child.output };
}

const summary = (output: string[]): Record<string, unknown> =>
  JSON.parse(output.find((line) => line.startsWith('{"checked"')) ?? '{}') as Record<
    string,
    unknown
  >;

describe('flowtrail repair --elasticsearch (real Elasticsearch)', () => {
  it('counts, repairs and leaves the state ahead of its events', async () => {
    const dry = await repair(['--dry-run', '--json']);
    expect(dry.code, dry.output.join('\n')).toBe(1);
    expect(summary(dry.output)).toMatchObject({
      checked: 30,
      events: 150,
      pages: 5,
      stale: 9,
      missing: 3,
      behind: 5,
      ahead: 1,
      repaired: 0,
      dryRun: true,
    });
    expect((await store.instancesByKeys(keys)).length).toBe(27); // nothing written

    const run = await repair(['--json']);
    expect(run.code, run.output.join('\n')).toBe(1); // the state ahead is left
    expect(summary(run.output)).toMatchObject({ stale: 9, repaired: 8, ahead: 1, rejected: 0 });
    const states = await store.instancesByKeys(keys);
    expect(states.length).toBe(30);
    for (const [i, events] of histories.entries()) {
      const state = states.find((s) => s.key === keys[i]);
      if (i === AHEAD) expect(state?.eventCount).toBe(6);
      else expect(state).toEqual(foldInstance(events));
    }

    const again = await repair([]);
    expect(again.output.join('\n')).toMatch(/stale 1 \(missing 0, behind 0, ahead 1\): 0 repaired/);
  });
});
