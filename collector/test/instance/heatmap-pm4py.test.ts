/**
 * The step heat map of a REAL event log (pm4js' receipt.xes: 1434 cases, 8577 events),
 * imported the way `flowtrail import` does it, equals what PM4Py + pandas compute
 * independently (counts exactly; medians and p95 within the sketches' 1 %), through the
 * pre-aggregated buckets the product serves it from (scripts/pm4py/step-heatmap.py → fixtures/pm4py-receipt-heatmap-*.json).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { HeatDimension } from '../../src/domain/views/heatmap.ts';
import { aggregatedHeatmap } from '../../src/domain/views/aggregated-heatmap.ts';
import type { AnalyticsBucket } from '../../src/domain/analytics/analytics-bucket.ts';
import { contributionOf } from '../../src/domain/analytics/analytics-contribution.ts';
import { deltaBuckets } from '../../src/domain/analytics/analytics-delta.ts';
import { RELATIVE_ACCURACY } from '../../src/domain/analytics/sketch.ts';
import { readEventLog, toFlowtrailEvents } from '../../src/tools/eventlog/index.ts';

type Expected = Record<string, Record<string, { count: number; median_s: number; p95_s: number }>>;

const receipt = createRequire(import.meta.url).resolve('pm4js/examples/input_data/receipt.xes');

/** The analytics buckets of every case, as ingest pre-aggregates them. */
async function receiptBuckets(): Promise<AnalyticsBucket[]> {
  const buckets: AnalyticsBucket[] = [];
  let logName: string | undefined;
  for await (const item of readEventLog(receipt)) {
    if (item.kind === 'log') logName = item.log.name;
    if (item.kind !== 'case') continue;
    const events: FlowtrailEvent[] = toFlowtrailEvents(item.case, logName ? { logName } : {});
    buckets.push(...deltaBuckets(contributionOf(events).delta));
  }
  return buckets;
}

describe('step heat map of receipt.xes against PM4Py', async () => {
  const buckets = await receiptBuckets();
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
      expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
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
});
