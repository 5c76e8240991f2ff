/**
 * The pure parts of learning from recent history (sweep/learned-history.ts) and what the
 * detection model asks the store for: the recency scan with the configured horizon and
 * per-process bound, folded batch by batch into the same stats as all samples at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { stepSamples } from '../../src/domain/instance/step-samples.ts';
import { learnedStatsOf } from '../../src/domain/detection/learned-deadlines.ts';
import type { EventScanFilter, EventScanner, InstanceEvents } from '../../src/ports/event-store.ts';
import { DetectionModel } from '../../src/app/detection/detection-model.ts';
import {
  learnedStatsOfInstances,
  learningScanFilter,
} from '../../src/app/detection/learned-history.ts';
import { at, makeEvent } from '../helpers/events.ts';

const BASE = '2030-01-01T00:00:00.000Z';

/** One instance with one completed attempt of `step` lasting `seconds`. */
function instance(process: string, name: string, step: string, seconds: number): InstanceEvents {
  const base = { process, instance: name, step };
  const events: FlowtrailEvent[] = [
    makeEvent({ ...base, id: `${name}-1`, type: EventTypes.stepStarted, time: BASE }),
    makeEvent({
      ...base,
      id: `${name}-2`,
      type: EventTypes.stepCompleted,
      time: at(BASE, seconds),
    }),
  ];
  return { key: `${process}/${name}`, events };
}

async function* streamOf(items: readonly InstanceEvents[]): AsyncGenerator<InstanceEvents> {
  yield* items;
}

const instanceArb = fc.record({
  process: fc.constantFrom('payment', 'shipment'),
  step: fc.constantFrom('authorize', 'pick'),
  seconds: fc.nat({ max: 100_000 }),
});

describe('learned history', () => {
  it('asks for the most recent instances per process within the horizon', () => {
    const now = Date.parse('2030-02-01T00:00:00.000Z');
    expect(learningScanFilter(now, { perProcess: 250, horizonMs: 86_400_000 })).toEqual({
      recent: { since: '2030-01-31T00:00:00.000Z', perProcess: 250 },
    });
  });

  it('folds batch by batch into the stats of all samples at once, for any batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(instanceArb, { maxLength: 60 }),
        fc.integer({ min: 1, max: 25 }),
        async (specs, batch) => {
          const items = specs.map((spec, i) =>
            instance(spec.process, `i${i}`, spec.step, spec.seconds),
          );
          const all = learnedStatsOf(items.flatMap(({ events }) => stepSamples(events)));
          expect(await learnedStatsOfInstances(streamOf(items), batch)).toEqual(all);
        },
      ),
    );
  });

  it('the model scans with its settings and learns from what the scan yields', async () => {
    const filters: EventScanFilter[] = [];
    const items = Array.from({ length: 30 }, (_, i) => instance('payment', `p${i}`, 'pick', 600));
    const scanner: EventScanner = {
      scanInstanceEvents: (filter) => {
        filters.push(filter);
        return streamOf(items);
      },
    };
    const model = new DetectionModel();
    const now = Date.parse('2030-03-01T00:00:00.000Z');
    await model.refreshLearned(scanner, { perProcess: 30, horizonMs: 3_600_000 }, now);
    expect(filters).toEqual([{ recent: { since: '2030-02-28T23:00:00.000Z', perProcess: 30 } }]);
    const learned = [...model.learned().values()];
    expect(learned).toHaveLength(1);
    expect(learned[0]).toMatchObject({ process: 'payment', step: 'pick', durationSamples: 30 });
    expect(Math.abs((learned[0]?.deadlineMs ?? 0) - 600_000)).toBeLessThanOrEqual(6_000);

    await model.refreshLearned(scanner, { perProcess: 0, horizonMs: 3_600_000 }, now);
    expect(filters).toHaveLength(1);
    expect(model.learned().size).toBe(0);
  });
});
