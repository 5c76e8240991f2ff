/**
 * The process map's paths filter, as Disco's paths slider: at p % an edge needs at least
 * p % of the most frequent edge's count, and a step reached only through hidden edges is
 * hidden with them. Pure.
 */
import type { ProcessGraph } from '@/lib/types';

/** The minimum count an edge needs at `paths` % (always ≥ 1, so 0 % shows every edge). */
export function pathsThreshold(graph: ProcessGraph, paths: number): number {
  const max = Math.max(0, ...graph.edges.map((e) => e.count));
  return Math.max(1, (Math.min(100, Math.max(0, paths)) / 100) * max);
}

/**
 * The steps and edges shown at `paths` %: edges at or above the threshold, and the steps
 * still reachable from a start step over them (a step reached only through hidden edges
 * goes with them). At 0 % everything is shown, even a step no start leads to.
 */
export function visibleGraph(
  graph: ProcessGraph,
  paths: number,
): { steps: Set<string>; edges: ProcessGraph['edges'] } {
  if (paths <= 0) return { steps: new Set(graph.nodes.map((n) => n.step)), edges: graph.edges };
  const min = pathsThreshold(graph, paths);
  const kept = graph.edges.filter((e) => e.count >= min);
  const hasIncoming = new Set(graph.edges.filter((e) => e.from !== e.to).map((e) => e.to));
  // Roots: the steps instances start with, and steps nothing leads to (a graph of
  // instances seen only partly may lack start steps).
  const roots = graph.nodes
    .map((n) => n.step)
    .filter((s) => (graph.startSteps[s] ?? 0) > 0 || !hasIncoming.has(s));
  const steps = new Set<string>(roots);
  const queue = [...roots];
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    for (const e of kept) {
      if (e.from === s && !steps.has(e.to)) {
        steps.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return { steps, edges: kept.filter((e) => steps.has(e.from) && steps.has(e.to)) };
}

/** The `paths` URL parameter: a whole percentage 0..100, 0 (every path) when absent or bad. */
export function parsePaths(value: string | undefined): number {
  const n = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(n) ? Math.round(Math.min(100, Math.max(0, n))) : 0;
}
