/**
 * Learned deadlines on the real embedded store: they come from each process's most
 * recently active instances within the horizon, not from the first instances in key
 * order — recent durations win over old ones, and a small process is learned next to a
 * busy one whose instances sort before it. Both ways the store answers: from the
 * pre-aggregated analytics (events ingested by the BatchIngester) and, when they do not
 * cover the stored events (written with `writeEvents`), from the recent-instances scan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { learnedKey, RELATIVE_ACCURACY } from '../../src/domain/detection/learned-deadlines.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { DetectionModel } from '../../src/app/detection/detection-model.ts';
import { at, makeEvent } from '../helpers/events.ts';
import { asMessages, testIngester } from '../helpers/batches.ts';

const NOW = Date.parse('2030-06-30T00:00:00.000Z');
const DAY = 86_400;
const MINUTE = 60;

/** A completed instance whose step `pick` took `minutes` and ended `daysAgo` before NOW. */
function run(process: string, name: string, daysAgo: number, minutes: number): FlowtrailEvent[] {
  const end = new Date(NOW - daysAgo * DAY * 1000).toISOString();
  const start = at(end, -minutes * MINUTE - 10);
  const base = { process, instance: name };
  const step = { ...base, step: 'pick' };
  return [
    makeEvent({
      ...base,
      id: `${process}-${name}-1`,
      type: EventTypes.processStarted,
      time: start,
    }),
    makeEvent({
      ...step,
      id: `${process}-${name}-2`,
      type: EventTypes.stepStarted,
      time: at(start, 5),
    }),
    makeEvent({
      ...step,
      id: `${process}-${name}-3`,
      type: EventTypes.stepCompleted,
      time: at(end, -5),
    }),
    makeEvent({
      ...base,
      id: `${process}-${name}-4`,
      type: EventTypes.processCompleted,
      time: end,
    }),
  ];
}

const many = (count: number, make: (name: string) => FlowtrailEvent[]): FlowtrailEvent[] =>
  Array.from({ length: count }, (_, i) => make(String(i).padStart(3, '0'))).flat();

describe.each(['scan', 'analytics'] as const)(
  'learned deadlines from recent history (sqlite, %s)',
  (how) => {
    let dir: string;
    let store: SqliteEventStore;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'flowtrail-learned-'));
      store = new SqliteEventStore({ dataDir: join(dir, 'data') });
      await store.prepare();
      const events = [
        // The busy process: its oldest instances have the smallest keys ('a…' < 'm…' < 'z…').
        ...many(250, (n) => run('alpha', `a${n}`, 20, 30)), // in the horizon, but older
        ...many(250, (n) => run('alpha', `m${n}`, 60, 120)), // outside the 30-day horizon
        ...many(250, (n) => run('alpha', `z${n}`, 1, 5)), // the most recent: 5 minutes
        // A small process whose keys sort after all of the busy one's.
        ...many(25, (n) => run('zeta', `q${n}`, 2, 3)),
      ];
      if (how === 'analytics') {
        await testIngester(store).ingester.process(asMessages(events));
        expect(await store.analyticsBuckets({ process: 'alpha' })).toBeDefined();
      } else {
        await store.writeEvents(events);
        const keys = [...new Set(events.map((e) => `shop/${e.ftprocess}/${e.ftinstance}`))];
        const byKey = await store.eventsOfInstances(keys);
        await store.writeStates([...byKey.values()].map((list) => foldInstance(list)));
        expect(await store.analyticsBuckets({ process: 'alpha' })).toBeUndefined();
      }
    });

    afterAll(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const learnedNow = async () => {
      const model = new DetectionModel();
      await model.refreshLearned(store, { perProcess: 250, horizonMs: 30 * DAY * 1000 }, NOW);
      return model.learned();
    };
    /** Attempts last exactly `minutes` (step.started +5 s, step.completed -5 s). */
    const near = (deadlineMs: number | undefined, minutes: number): void => {
      const expected = minutes * 60_000;
      expect(Math.abs((deadlineMs ?? 0) - expected)).toBeLessThanOrEqual(
        expected * RELATIVE_ACCURACY + 1,
      );
    };

    it('recent durations win over old ones (and over the alphabetically first keys)', async () => {
      const busy = (await learnedNow()).get(learnedKey('alpha', 'pick'));
      expect(busy?.durationSamples).toBe(250);
      near(busy?.deadlineMs, 5);
    });

    it('a small process is learned next to a busy one whose keys sort first', async () => {
      const small = (await learnedNow()).get(learnedKey('zeta', 'pick'));
      expect(small?.durationSamples).toBe(25);
      near(small?.deadlineMs, 3);
    });
  },
);
