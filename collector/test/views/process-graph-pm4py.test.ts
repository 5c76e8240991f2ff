/**
 * The process graph of a REAL event log (pm4js' receipt.xes: 1434 cases, 8577 events),
 * imported the way `flowtrail import` does it, equals PM4Py's frequency and performance
 * directly-follows graphs (counts and means exactly, medians within the sketches' 1 %) (scripts/pm4py/dfg.py → fixtures/pm4py-receipt-dfg.json).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { readEventLog, toFlowtrailEvents } from '../../src/tools/eventlog/index.ts';
import { processGraphs } from '../../src/domain/views/process-graph.ts';
import { RELATIVE_ACCURACY } from '../../src/domain/analytics/sketch.ts';

interface Expected {
  edges: Record<string, number>;
  start_activities: Record<string, number>;
  end_activities: Record<string, number>;
  performance: Record<string, { mean_s: number; median_s: number }>;
}

const receipt = createRequire(import.meta.url).resolve('pm4js/examples/input_data/receipt.xes');

async function receiptEvents(): Promise<FlowtrailEvent[]> {
  const events: FlowtrailEvent[] = [];
  let logName: string | undefined;
  for await (const item of readEventLog(receipt)) {
    if (item.kind === 'log') logName = item.log.name;
    if (item.kind !== 'case') continue;
    events.push(...toFlowtrailEvents(item.case, logName ? { logName } : {}));
  }
  return events;
}

describe('process graph of receipt.xes against PM4Py', async () => {
  const expected = JSON.parse(
    readFileSync(new URL('fixtures/pm4py-receipt-dfg.json', import.meta.url), 'utf8'),
  ) as Expected;
  const graphs = processGraphs(await receiptEvents());
  const graph = graphs[0];

  it('is one complete-only graph of 1434 instances', () => {
    expect(graphs).toHaveLength(1);
    expect(graph?.mode).toBe('complete');
    expect(graph?.instances).toBe(1434);
    expect(graph?.nodes.reduce((sum, n) => sum + n.count, 0)).toBe(8577);
  });

  it('has the edges, counts, start and end activities of pm4py.discover_dfg', () => {
    const edges = Object.fromEntries(
      (graph?.edges ?? []).map((e) => [`${e.from} -> ${e.to}`, e.count]),
    );
    expect(edges).toEqual(expected.edges);
    expect(graph?.startSteps).toEqual(expected.start_activities);
    expect(graph?.endSteps).toEqual(expected.end_activities);
  });

  it('has the mean and median edge durations of pm4py.discover_performance_dfg', () => {
    const edges = new Map((graph?.edges ?? []).map((e) => [`${e.from} -> ${e.to}`, e]));
    expect([...edges.keys()].sort()).toEqual(Object.keys(expected.performance).sort());
    for (const [key, want] of Object.entries(expected.performance)) {
      const got = edges.get(key);
      expect(got?.samples, key).toBe(got?.count);
      expect((got?.meanMs ?? NaN) / 1000, key).toBeCloseTo(want.mean_s, 3);
      // From the merged sketch: within its 1 % relative bound (analytics/sketch.ts).
      const median = (got?.medianMs ?? NaN) / 1000;
      expect(Math.abs(median - want.median_s), key).toBeLessThanOrEqual(
        RELATIVE_ACCURACY * want.median_s + 1e-6,
      );
    }
  });
});
