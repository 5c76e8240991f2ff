/**
 * The views read from pre-aggregated buckets against oracles computed directly from the
 * step samples (domain/instance/step-samples.ts) of the same events: heat-map counts and
 * bottleneck totals exactly, medians and p95 within the sketches' 1 % relative bound
 * (numpy's linear percentile as the reference), the complete-mode graph exactly as
 * PM4Py's DFG defines it, and the interval-mode graph's counting invariants.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { orderEvents } from '../../src/domain/instance/event-order.ts';
import { contributionOf } from '../../src/domain/analytics/analytics-contribution.ts';
import { deltaBuckets } from '../../src/domain/analytics/analytics-delta.ts';
import { RELATIVE_ACCURACY } from '../../src/domain/analytics/sketch.ts';
import { aggregatedHeatmap } from '../../src/domain/views/aggregated-heatmap.ts';
import { bucketOf, heatTimeOf, percentile } from '../../src/domain/views/heatmap.ts';
import { processGraph } from '../../src/domain/views/process-graph.ts';
import { stepSamples, type StepSample } from '../../src/domain/instance/step-samples.ts';
import { historyArb } from '../instance/history-arbitrary.ts';

const exact = (values: number[], p: number) =>
  percentile(
    [...values].sort((a, b) => a - b),
    p,
  );

function expectWithin(got: number | undefined, want: number | undefined, label: string) {
  if (want === undefined) return expect(got, label).toBeUndefined();
  expect(got, label).toBeDefined();
  expect(Math.abs((got as number) - want), label).toBeLessThanOrEqual(
    RELATIVE_ACCURACY * Math.abs(want) + 1e-9,
  );
}

const bucketsOf = (events: readonly FlowtrailEvent[]) => deltaBuckets(contributionOf(events).delta);
const ended = (s: StepSample) => s.endedAt !== undefined;
/** An ended attempt with a known start: the only kind with a duration and a waiting time. */
const timed = (s: StepSample) => ended(s) && s.startedAt !== undefined;

/** Attempts in the order they appear (start, or end without a start), paired first in, first out. */
function appearing(events: readonly FlowtrailEvent[]) {
  const list: { step: string; start?: number; end?: number }[] = [];
  const open = new Map<string, { step: string; start?: number; end?: number }[]>();
  for (const event of orderEvents(events)) {
    const step = event.ftstep;
    if (step === undefined) continue;
    const ms = Date.parse(event.time);
    if (event.type === EventTypes.stepStarted) {
      const attempt = { step, start: ms };
      list.push(attempt);
      open.set(step, [...(open.get(step) ?? []), attempt]);
    } else if (event.type === EventTypes.stepCompleted || event.type === EventTypes.stepFailed) {
      const attempt = open.get(step)?.shift();
      if (attempt === undefined) list.push({ step, end: ms });
      else attempt.end = ms;
    }
  }
  return list;
}

describe('views from aggregated buckets', () => {
  it('heat map: counts and totals exact, percentiles within 1 % of the samples', () => {
    // Every attempt counts, in the hour of its start or, without one, of its end
    // (`heatTimeOf`); durations and waits only where a start is known.
    fc.assert(
      fc.property(
        historyArb,
        fc.constantFrom('hour' as const, 'weekday' as const),
        (events, dimension) => {
          const samples = stepSamples(events);
          const map = aggregatedHeatmap(bucketsOf(events), { dimension });
          expect([...map.steps].sort()).toEqual([...new Set(samples.map((s) => s.step))].sort());
          const groups = new Map<string, StepSample[]>();
          for (const s of samples) {
            const key = `${s.step}@${bucketOf(heatTimeOf(s) as string, { dimension })}`;
            groups.set(key, [...(groups.get(key) ?? []), s]);
          }
          expect(map.cells.map((c) => `${c.step}@${c.bucket}`).sort()).toEqual(
            [...groups.keys()].sort(),
          );
          for (const cell of map.cells) {
            const group = groups.get(`${cell.step}@${cell.bucket}`) ?? [];
            const label = `${cell.step}@${cell.bucket}`;
            expect(cell.count, label).toBe(group.length);
            const durations = group.filter(timed).map((s) => s.durationMs as number);
            expectWithin(cell.medianMs, exact(durations, 50), label);
            expectWithin(cell.p95Ms, exact(durations, 95), label);
            expectWithin(
              cell.medianWaitingMs,
              exact(
                group.filter(timed).map((s) => s.waitingMs),
                50,
              ),
              label,
            );
          }
          for (const rank of map.bottlenecks) {
            const group = samples.filter((s) => s.step === rank.step);
            const durations = group.filter(timed).map((s) => s.durationMs as number);
            expect(rank.count).toBe(group.length);
            expect(rank.totalMs).toBe(durations.reduce((sum, d) => sum + d, 0));
            expectWithin(rank.p95Ms, exact(durations, 95), rank.step);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('complete-mode graph: the directly-follows graph of the ended attempts by end time', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const samples = stepSamples(events);
        // stepSamples lists ended attempts in completion order; a stable sort keeps it for ties.
        const occurrences = samples
          .filter(ended)
          .sort((a, b) => Date.parse(a.endedAt as string) - Date.parse(b.endedAt as string));
        const edges = new Map<string, number[]>();
        occurrences.forEach((a, i) => {
          const b = occurrences[i + 1];
          if (b === undefined) return;
          const key = `${a.step}->${b.step}`;
          edges.set(key, [
            ...(edges.get(key) ?? []),
            Date.parse(b.endedAt as string) - Date.parse(a.endedAt as string),
          ]);
        });
        const graph = processGraph(events, events[0]?.ftprocess ?? '', { mode: 'complete' });
        const nodes: Record<string, number> = {};
        for (const s of samples) nodes[s.step] = (nodes[s.step] ?? 0) + 1;
        expect(Object.fromEntries(graph.nodes.map((n) => [n.step, n.count]))).toEqual(nodes);
        expect(graph.edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual(
          [...edges.keys()].sort(),
        );
        for (const edge of graph.edges) {
          const durations = edges.get(`${edge.from}->${edge.to}`) ?? [];
          expect(edge.count).toBe(durations.length);
          expect(edge.samples).toBe(durations.length);
          expect(edge.meanMs).toBeCloseTo(
            durations.reduce((s, d) => s + d, 0) / durations.length,
            6,
          );
          expectWithin(edge.medianMs, exact(durations, 50), `${edge.from}->${edge.to}`);
          expectWithin(edge.p95Ms, exact(durations, 95), `${edge.from}->${edge.to}`);
        }
        const first = occurrences[0];
        const last = occurrences.at(-1);
        expect(graph.startSteps).toEqual(first === undefined ? {} : { [first.step]: 1 });
        expect(graph.endSteps).toEqual(last === undefined ? {} : { [last.step]: 1 });
      }),
      { numRuns: 300 },
    );
  });

  it('interval-mode graph: attempts in the order they appear, idle time between them', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const samples = stepSamples(events);
        const graph = processGraph(events, events[0]?.ftprocess ?? '', { mode: 'interval' });
        const starts = Object.values(graph.startSteps).reduce((s, n) => s + n, 0);
        const ends = Object.values(graph.endSteps).reduce((s, n) => s + n, 0);
        expect(starts).toBe(samples.length > 0 ? 1 : 0);
        expect(ends).toBe(starts);
        expect(graph.edges.reduce((s, e) => s + e.count, 0)).toBe(Math.max(0, samples.length - 1));
        const occurrences = appearing(events);
        const edges = new Map<string, { count: number; d: number[] }>();
        occurrences.forEach((a, i) => {
          const b = occurrences[i + 1];
          if (b === undefined) return;
          const edge = edges.get(`${a.step}->${b.step}`) ?? { count: 0, d: [] };
          edges.set(`${a.step}->${b.step}`, edge);
          edge.count += 1;
          if (a.end !== undefined) edge.d.push(Math.max(0, (b.start ?? (b.end as number)) - a.end));
        });
        expect(graph.edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual(
          [...edges.keys()].sort(),
        );
        for (const edge of graph.edges) {
          const want = edges.get(`${edge.from}->${edge.to}`) ?? { count: 0, d: [] };
          expect(edge.count).toBe(want.count);
          expect(edge.samples).toBe(want.d.length);
          expectWithin(edge.medianMs, exact(want.d, 50), `${edge.from}->${edge.to}`);
        }
        expect(graph.instances).toBe(events.length > 0 ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });
});
