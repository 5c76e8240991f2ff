/**
 * The step heat map of a REAL event log (pm4js' receipt.xes: 1434 cases, 8577 events),
 * imported the way `flowtrail import` does it, equals what PM4Py + pandas compute
 * independently (counts exactly; medians and p95 within the sketches' 1 %), through the
 * pre-aggregated buckets the product serves it from (scripts/pm4py/step-heatmap.py → fixtures/pm4py-receipt-heatmap-*.json).
 * PM4Py's flow times leave out the first event of each case (nothing before it); the heat
 * map still counts those attempts, without a duration, in the hour they completed — so
 * every activity of the log appears, with PM4Py's own event count (docs/event-logs.md,
 * "How step durations and counts are derived").
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { HeatDimension } from '../../src/domain/views/heatmap.ts';
import { aggregatedHeatmap } from '../../src/domain/views/aggregated-heatmap.ts';
import type { AnalyticsBucket } from '../../src/domain/analytics/analytics-bucket.ts';
import { contributionOf } from '../../src/domain/analytics/analytics-contribution.ts';
import { deltaBuckets } from '../../src/domain/analytics/analytics-delta.ts';
import { RELATIVE_ACCURACY } from '../../src/domain/analytics/sketch.ts';
import { readEventLog, toFlowtrailEvents } from '../../src/tools/eventlog/index.ts';

type Expected = Record<string, Record<string, { count: number; median_s: number; p95_s: number }>>;

/** PM4Py's own counts of the log (collector/test/eventlog/fixtures/pm4py-receipt.json). */
const pm4pyLog = JSON.parse(
  readFileSync(new URL('../eventlog/fixtures/pm4py-receipt.json', import.meta.url), 'utf8'),
) as { events: number; activities: number; eventsPerActivity: Record<string, number> };

/** The activity that opens every case of the log: nothing before it, so no duration. */
const FIRST = 'Confirmation of receipt';

const receipt = createRequire(import.meta.url).resolve('pm4js/examples/input_data/receipt.xes');

/** The imported events and the analytics buckets of every case, as ingest pre-aggregates them. */
async function receiptLog(): Promise<{ events: FlowtrailEvent[]; buckets: AnalyticsBucket[] }> {
  const all: FlowtrailEvent[] = [];
  const buckets: AnalyticsBucket[] = [];
  let logName: string | undefined;
  for await (const item of readEventLog(receipt)) {
    if (item.kind === 'log') logName = item.log.name;
    if (item.kind !== 'case') continue;
    const events: FlowtrailEvent[] = toFlowtrailEvents(item.case, logName ? { logName } : {});
    all.push(...events);
    buckets.push(...deltaBuckets(contributionOf(events).delta));
  }
  return { events: all, buckets };
}

describe('step heat map of receipt.xes against PM4Py', async () => {
  const { events, buckets } = await receiptLog();
  const within = (got: number | undefined, want: number) =>
    Math.abs((got ?? NaN) - want) <= RELATIVE_ACCURACY * want + 1e-6;

  for (const dimension of ['hour', 'weekday'] as HeatDimension[]) {
    it(`matches count, median and p95 per step × ${dimension}`, () => {
      const expected = JSON.parse(
        readFileSync(
          new URL(`fixtures/pm4py-receipt-heatmap-${dimension}.json`, import.meta.url),
          'utf8',
        ),
      ) as Expected;
      const map = aggregatedHeatmap(buckets, { dimension });
      const actual: Expected = {};
      for (const cell of map.cells) {
        actual[cell.step] ??= {};
        (actual[cell.step] as Expected[string])[String(cell.bucket)] = {
          count: cell.count,
          median_s: (cell.medianMs ?? NaN) / 1000,
          p95_s: (cell.p95Ms ?? NaN) / 1000,
        };
      }
      // PM4Py's steps, plus the one it has no flow time for: counted, without a duration.
      expect(Object.keys(actual).sort()).toEqual([...Object.keys(expected), FIRST].sort());
      for (const [bucket, got] of Object.entries(actual[FIRST] ?? {})) {
        expect(got.median_s, `${FIRST} @${bucket}`).toBeNaN();
        expect(got.p95_s, `${FIRST} @${bucket}`).toBeNaN();
      }
      for (const [step, buckets] of Object.entries(expected)) {
        for (const [bucket, want] of Object.entries(buckets)) {
          const got = actual[step]?.[bucket];
          expect(got?.count, `${step} @${bucket}`).toBe(want.count);
          // From the merged sketches: within their 1 % relative bound (analytics/sketch.ts).
          expect(within(got?.median_s, want.median_s), `${step} @${bucket} median`).toBe(true);
          expect(within(got?.p95_s, want.p95_s), `${step} @${bucket} p95`).toBe(true);
        }
      }
    });
  }

  it('counts every activity of the log, each as often as PM4Py counts its events', () => {
    // The log's numbers as PM4Py reads them: 27 activities, 'Confirmation of receipt' 1,434 times.
    expect(pm4pyLog.activities).toBe(27);
    expect(pm4pyLog.eventsPerActivity[FIRST]).toBe(1434);
    for (const dimension of ['hour', 'weekday'] as HeatDimension[]) {
      const map = aggregatedHeatmap(buckets, { dimension });
      expect(map.steps, dimension).toHaveLength(pm4pyLog.activities);
      const perStep: Record<string, number> = {};
      for (const cell of map.cells) perStep[cell.step] = (perStep[cell.step] ?? 0) + cell.count;
      expect(perStep, dimension).toEqual(pm4pyLog.eventsPerActivity);
      const ranked = Object.fromEntries(map.bottlenecks.map((r) => [r.step, r.count]));
      expect(ranked, dimension).toEqual(pm4pyLog.eventsPerActivity);
      expect(
        map.cells.reduce((sum, c) => sum + c.count, 0),
        dimension,
      ).toBe(pm4pyLog.events);
      // No duration is known for it, so it adds no time to the bottleneck ranking.
      const first = map.bottlenecks.find((r) => r.step === FIRST);
      expect(first, dimension).toEqual({ step: FIRST, count: 1434, totalMs: 0 });
    }
  });

  it('puts an attempt without a start in the hour it completed', () => {
    const completedHours = new Map<number, number>();
    for (const event of events) {
      if (event.ftstep !== FIRST || event.type !== EventTypes.stepCompleted) continue;
      const hour = new Date(event.time).getUTCHours();
      completedHours.set(hour, (completedHours.get(hour) ?? 0) + 1);
    }
    expect([...completedHours.values()].reduce((a, b) => a + b, 0)).toBe(1434);
    const map = aggregatedHeatmap(buckets, { dimension: 'hour' });
    const cells = map.cells.filter((c) => c.step === FIRST);
    expect(new Map(cells.map((c) => [c.bucket, c.count]))).toEqual(completedHours);
  });
});
