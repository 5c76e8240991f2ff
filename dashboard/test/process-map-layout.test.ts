/**
 * The process map's geometry, paths filter and colours (lib/process-map-layout.ts,
 * process-map-paths.ts, process-map-colour.ts): dagre's left-to-right layout, the paths threshold hiding rare edges and the
 * steps only they reach, the colour switch, the SLA band from the definition's deadline.
 * Hand-made graphs in the API's shape (lib/types.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contrast,
  intensity,
  scaleColour,
  slaBand,
  textOn,
  type ColourBy,
} from '@/lib/process-map-colour';
import { layoutProcessMap, smoothPath, type MapOptions } from '@/lib/process-map-layout';
import { parsePaths, pathsThreshold, visibleGraph } from '@/lib/process-map-paths';
import type { ProcessGraph } from '@/lib/types';

const MIN = 60_000;

function graph(
  edges: [string, string, number, number?][],
  startSteps: Record<string, number>,
  endSteps: Record<string, number>,
): ProcessGraph {
  const count = new Map<string, number>();
  for (const [from, to, n] of edges) {
    count.set(to, (count.get(to) ?? 0) + n);
    if (!count.has(from)) count.set(from, 0);
  }
  for (const [s, n] of Object.entries(startSteps)) count.set(s, (count.get(s) ?? 0) + n);
  return {
    process: 'order',
    mode: 'interval',
    instances: Object.values(startSteps).reduce((a, b) => a + b, 0),
    nodes: [...count].map(([step, c]) => ({ step, count: c })),
    edges: edges.map(([from, to, n, ms]) => ({
      from,
      to,
      count: n,
      samples: ms === undefined ? 0 : n,
      ...(ms === undefined ? {} : { meanMs: ms, medianMs: ms, p95Ms: 2 * ms }),
    })),
    startSteps,
    endSteps,
  };
}

// 100 orders: check → pick → ship, 10 of them re-checked once (check → check), 4 rejected
// after the check (check → reject: the rare path).
const orders = graph(
  [
    ['check', 'pick', 96, 2 * MIN],
    ['pick', 'ship', 96, 30 * MIN],
    ['check', 'check', 10, MIN],
    ['check', 'reject', 4, 5 * MIN],
  ],
  { check: 100 },
  { ship: 96, reject: 4 },
);

const options = (over: Partial<MapOptions> = {}): MapOptions => ({
  colourBy: 'frequency',
  paths: 0,
  deadlines: new Map(),
  stats: new Map([
    ['check', { medianMs: MIN, p95Ms: 3 * MIN }],
    ['pick', { medianMs: 20 * MIN, p95Ms: 50 * MIN }],
    ['ship', { medianMs: 2 * MIN, p95Ms: 4 * MIN }],
  ]),
  ...over,
});

describe('layoutProcessMap', () => {
  const map = layoutProcessMap(orders, options());
  const node = (step: string) => map.nodes.find((n) => n.step === step)!;

  it('lays the steps out left to right in the order instances take them', () => {
    expect(map.nodes.map((n) => n.step).sort()).toEqual(['check', 'pick', 'reject', 'ship']);
    expect(node('check').x).toBeLessThan(node('pick').x);
    expect(node('pick').x).toBeLessThan(node('ship').x);
    expect(map.start!.x).toBeLessThan(node('check').x);
    expect(map.end!.x).toBeGreaterThan(node('ship').x + node('ship').width);
    for (const n of map.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(map.width);
      expect(n.y + n.height).toBeLessThanOrEqual(map.height);
    }
  });

  it('gives every node its count and median and every edge its count, median and p95', () => {
    expect(node('pick')).toMatchObject({ count: 96, medianMs: 20 * MIN, p95Ms: 50 * MIN });
    expect(node('pick').detail).toBe('96 attempts, median 20 min 0 s');
    // The visible text first, in order (label in name), then the p95 the box leaves out.
    expect(node('pick').ariaLabel).toBe(
      'Step pick: 96 attempts, median 20 min 0 s. p95 50 min 0 s. List its instances',
    );
    expect(node('reject').detail).toBe('4 attempts, median —');
    const edge = map.edges.find((e) => e.from === 'pick' && e.to === 'ship')!;
    expect(edge).toMatchObject({ countText: '96', durationText: '30 min 0 s · p95 1 h 0 min' });
    expect(edge.d).toMatch(/^M[\d.]+,[\d.-]+( Q[\d., -]+)* L[\d.]+,[\d.-]+$/);
    // The label sits between the two steps.
    expect(edge.label.x).toBeGreaterThan(node('pick').x);
    expect(edge.label.x).toBeLessThan(node('ship').x + node('ship').width);
  });

  it('draws the start and end markers to the first and last steps', () => {
    expect(map.terminals.map((t) => [t.kind, t.step, t.count])).toEqual([
      ['start', 'check', 100],
      ['end', 'ship', 96],
      ['end', 'reject', 4],
    ]);
    expect(map.terminals.every((t) => t.d.startsWith('M'))).toBe(true);
  });

  it('names a step whose name is cut by what the box shows, then the full name', () => {
    const long = 'confirm-the-delivery-address-with-the-customer';
    const m = layoutProcessMap(graph([[long, 'ship', 1]], { [long]: 1 }, { ship: 1 }), options());
    const n = m.nodes.find((x) => x.step === long)!;
    expect(n.title).toBe('confirm-the-delivery-addr…');
    expect(n.ariaLabel.startsWith(`Step confirm-the-delivery-addr… (${long}): 1 attempt,`)).toBe(
      true,
    );
  });

  it('draws a step that follows itself (a self-loop)', () => {
    const loop = map.edges.find((e) => e.from === 'check' && e.to === 'check')!;
    expect(loop.d).not.toBe('');
  });

  it('colours by frequency or by duration, the busiest or slowest step darkest', () => {
    expect(map.nodes.every((n) => n.fill.startsWith('#'))).toBe(true);
    const byTime = layoutProcessMap(orders, options({ colourBy: 'duration' }));
    const fill = (m: typeof map, step: string) => m.nodes.find((n) => n.step === step)!.fill;
    expect(fill(map, 'check')).toBe(scaleColour(1, 'frequency'));
    expect(fill(byTime, 'pick')).toBe(scaleColour(1, 'duration'));
    expect(fill(byTime, 'reject')).toBe('#f0f2f4'); // no known duration
    expect(byTime.edges.find((e) => e.to === 'ship')!.stroke).toBe(
      byTime.edges.reduce((a, e) => ((e.medianMs ?? 0) > (a.medianMs ?? 0) ? e : a)).stroke,
    );
    // Stroke width follows the count whatever the colour.
    expect(byTime.edges.map((e) => e.strokeWidth)).toEqual(map.edges.map((e) => e.strokeWidth));
  });

  it('marks a step whose median or p95 misses the deadline of the definition', () => {
    const deadline = (text: string, ms: number) => ({ text, ms });
    const sla = layoutProcessMap(
      orders,
      options({
        deadlines: new Map([
          ['pick', deadline('10m', 10 * MIN)],
          ['check', deadline('2m', 2 * MIN)],
          ['ship', deadline('1h', 60 * MIN)],
        ]),
      }),
    );
    const band = (step: string) => sla.nodes.find((n) => n.step === step)!.sla;
    expect(band('pick')).toBe('over'); // median 20 min of 10
    expect(band('check')).toBe('near'); // median 1 min of 2 = 50 %
    expect(band('ship')).toBe('ok');
    expect(band('reject')).toBeUndefined();
    const pick = sla.nodes.find((n) => n.step === 'pick')!;
    expect(pick.deadlineText).toBe('deadline 10m, missed');
    expect(pick.ariaLabel).toBe(
      'Step pick: 96 attempts, median 20 min 0 s, deadline 10m, missed. p95 50 min 0 s. List its instances',
    );
    expect(sla.nodes.find((n) => n.step === 'reject')!.deadlineText).toBeUndefined();
  });
});

describe('the paths threshold', () => {
  it('hides the rare edge and the step only it reaches', () => {
    expect(pathsThreshold(orders, 0)).toBe(1);
    expect(pathsThreshold(orders, 50)).toBe(48);
    const at5 = visibleGraph(orders, 5); // 4.8: hides check → reject (4)
    expect(at5.edges.map((e) => `${e.from}→${e.to}`)).toEqual([
      'check→pick',
      'pick→ship',
      'check→check',
    ]);
    expect([...at5.steps].sort()).toEqual(['check', 'pick', 'ship']);
    const map = layoutProcessMap(orders, options({ paths: 5 }));
    expect(map).toMatchObject({ hiddenEdges: 1, hiddenNodes: 1 });
    expect(map.terminals.some((t) => t.step === 'reject')).toBe(false);
    expect([parsePaths('35'), parsePaths('250'), parsePaths('x'), parsePaths(undefined)]).toEqual([
      35, 100, 0, 0,
    ]);
    // 100 % keeps the most frequent edges only.
    expect(visibleGraph(orders, 100).edges.map((e) => e.count)).toEqual([96, 96]);
  });

  it('never shows more edges or steps at a higher threshold', () => {
    const step = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    const graphs = fc
      .tuple(
        fc.array(fc.tuple(step, step, fc.integer({ min: 1, max: 500 })), { maxLength: 14 }),
        fc.subarray(['a', 'b', 'c'], { minLength: 1 }),
      )
      .map(([raw, starts]) => {
        const unique = new Map(raw.map(([f, t, n]) => [`${f}${t}`, [f, t, n] as const]));
        return graph(
          [...unique.values()].map(([f, t, n]) => [f, t, n]),
          Object.fromEntries(starts.map((s) => [s, 1])),
          {},
        );
      });
    fc.assert(
      fc.property(
        graphs,
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (g, p, q) => {
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          const a = visibleGraph(g, lo);
          const b = visibleGraph(g, hi);
          expect(b.edges.every((e) => a.edges.includes(e))).toBe(true);
          expect([...b.steps].every((s) => a.steps.has(s))).toBe(true);
          // Every edge shown joins two shown steps; the layout draws exactly those.
          expect(b.edges.every((e) => b.steps.has(e.from) && b.steps.has(e.to))).toBe(true);
          const map = layoutProcessMap(g, options({ paths: hi }));
          expect(map.edges.length).toBe(b.edges.length);
          expect(map.nodes.length).toBe(g.nodes.filter((n) => b.steps.has(n.step)).length);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('colours', () => {
  it('keeps node text readable on every fill of both scales (WCAG AA, 4.5:1)', () => {
    for (const by of ['frequency', 'duration'] as ColourBy[]) {
      for (let i = 0; i <= 20; i++) {
        const fill = scaleColour(i / 20, by);
        expect(contrast(fill, textOn(fill))).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('spreads small values over the scale and clamps to 0..1', () => {
    expect(intensity(25, 100)).toBe(0.5);
    expect(intensity(0, 100)).toBe(0);
    expect(intensity(5, 0)).toBe(0);
    expect(intensity(200, 100)).toBe(1);
  });

  it('bands a step by its median, and by its p95 once that reaches the deadline', () => {
    const d = { text: '10m', ms: 10 * MIN };
    expect(slaBand(MIN, 2 * MIN, d)).toBe('ok');
    expect(slaBand(MIN, 10 * MIN, d)).toBe('near');
    expect(slaBand(6 * MIN, 8 * MIN, d)).toBe('near');
    expect(slaBand(10 * MIN, undefined, d)).toBe('over');
    expect(slaBand(undefined, 12 * MIN, d)).toBe('over');
    expect(slaBand(undefined, undefined, d)).toBeUndefined();
    expect(slaBand(20 * MIN, 30 * MIN, undefined)).toBeUndefined();
  });
});

describe('smoothPath', () => {
  it('runs straight through two points and bends through the middle ones', () => {
    expect(smoothPath([])).toBe('');
    expect(
      smoothPath([
        { x: 0, y: 0 },
        { x: 10, y: 5 },
      ]),
    ).toBe('M0,0 L10,5');
    expect(
      smoothPath([
        { x: 0, y: 0 },
        { x: 10, y: 10 },
        { x: 20, y: 10 },
      ]),
    ).toBe('M0,0 Q10,10 15,10 L20,10');
  });
});
