/**
 * The step heat map of a REAL event log (pm4js' receipt.xes: 1434 cases, 8577 events),
 * imported the way `flowtrail import` does it, equals what PM4Py + pandas compute
 * independently (scripts/pm4py/step-heatmap.py → fixtures/pm4py-receipt-heatmap-*.json).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { stepHeatmap, type HeatDimension } from '../../src/domain/views/heatmap.ts';
import { stepSamples, type StepSample } from '../../src/domain/instance/step-samples.ts';
import { readEventLog, toFlowtrailEvents } from '../../src/tools/eventlog/index.ts';

type Expected = Record<string, Record<string, { count: number; median_s: number; p95_s: number }>>;

const receipt = createRequire(import.meta.url).resolve('pm4js/examples/input_data/receipt.xes');

async function receiptSamples(): Promise<StepSample[]> {
  const samples: StepSample[] = [];
  let logName: string | undefined;
  for await (const item of readEventLog(receipt)) {
    if (item.kind === 'log') logName = item.log.name;
    if (item.kind !== 'case') continue;
    const events: FlowtrailEvent[] = toFlowtrailEvents(item.case, logName ? { logName } : {});
    samples.push(...stepSamples(events));
  }
  return samples;
}

describe('step heat map of receipt.xes against PM4Py', async () => {
  const samples = await receiptSamples();

  for (const dimension of ['hour', 'weekday'] as HeatDimension[]) {
    it(`matches count, median and p95 per step × ${dimension}`, () => {
      const expected = JSON.parse(
        readFileSync(
          new URL(`fixtures/pm4py-receipt-heatmap-${dimension}.json`, import.meta.url),
          'utf8',
        ),
      ) as Expected;
      const map = stepHeatmap(samples, { dimension });
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
          expect(got?.median_s, `${step} @${bucket}`).toBeCloseTo(want.median_s, 3);
          expect(got?.p95_s, `${step} @${bucket}`).toBeCloseTo(want.p95_s, 3);
        }
      }
    });
  }
});
