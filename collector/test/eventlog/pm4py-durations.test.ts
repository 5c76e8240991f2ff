/**
 * Durations derived at import against PM4Py (fixtures/pm4py-*.json, see fixtures/README.md).
 * With only complete timestamps a step's derived duration is complete(step) -
 * complete(previous event), which is PM4Py's performance-DFG flow time on the edge into
 * that activity; case durations are last - first event.
 */
import { readFileSync } from 'node:fs';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { instantOf } from '../../src/domain/instance/event-order.ts';
import { readEventLog, toFlowtrailEvents } from '../../src/tools/eventlog/index.ts';
import { collect, fixture, logFile, median } from './log-files.ts';

interface Pm4pyDurations {
  caseDurationSeconds: { median: number; mean: number; max: number };
  medianFlowSecondsIntoActivity: Record<string, number>;
}

/** Seconds from each step.started to the step.completed that follows it, per activity. */
function stepDurations(events: readonly FlowtrailEvent[], into: Map<string, number[]>): void {
  const open = new Map<string, string>();
  for (const event of events) {
    if (event.ftstep === undefined) continue;
    if (event.type === EventTypes.stepStarted) open.set(event.ftstep, event.time);
    if (event.type === EventTypes.stepCompleted && open.has(event.ftstep)) {
      const seconds = (instantOf(event.time) - instantOf(open.get(event.ftstep)!)) / 1000;
      into.set(event.ftstep, [...(into.get(event.ftstep) ?? []), seconds]);
      open.delete(event.ftstep);
    }
  }
}

async function compare(file: string, expectedFile: string): Promise<void> {
  const expected = JSON.parse(readFileSync(fixture(expectedFile), 'utf8')) as Pm4pyDurations;
  const log = await collect(readEventLog(logFile(file)));
  const durations = new Map<string, number[]>();
  const caseSeconds: number[] = [];
  for (const imported of log.cases) {
    const events = toFlowtrailEvents(imported, { logName: log.name });
    stepDurations(events, durations);
    caseSeconds.push(foldInstance(events).durationMs! / 1000);
  }
  const medians = Object.fromEntries(
    [...durations].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, list]) => [name, median(list)]),
  );
  expect(Object.keys(medians)).toEqual(Object.keys(expected.medianFlowSecondsIntoActivity));
  for (const [activity, seconds] of Object.entries(expected.medianFlowSecondsIntoActivity)) {
    expect(medians[activity], activity).toBeCloseTo(seconds, 3);
  }
  expect(median(caseSeconds)).toBeCloseTo(expected.caseDurationSeconds.median, 3);
  expect(Math.max(...caseSeconds)).toBeCloseTo(expected.caseDurationSeconds.max, 3);
  const mean = caseSeconds.reduce((a, b) => a + b, 0) / caseSeconds.length;
  expect(mean).toBeCloseTo(expected.caseDurationSeconds.mean, 3);
}

describe('derived durations equal PM4Py', () => {
  it('receipt.xes', () => compare('receipt.xes', 'pm4py-receipt.json'));
  it('receipt.csv (naive timestamps: no DST hour, like PM4Py on the CSV)', () =>
    compare('receipt.csv', 'pm4py-receipt-csv.json'));
  it('running-example.xes', () => compare('running-example.xes', 'pm4py-running-example.json'));
});
