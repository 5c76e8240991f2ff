/**
 * The process map's geometry: the directly-follows graph of GET /api/processes/:p/graph
 * filtered by a paths threshold (Disco's paths slider), laid out left to right by dagre,
 * with each node's and edge's text, colour and SLA band. Pure (dagre computes in memory);
 * components/process-map.tsx only draws what this returns.
 */
import { graphlib, layout } from '@dagrejs/dagre';
import { formatDuration } from '@/lib/format';
import type { DeadlineBand, StepDeadline } from '@/lib/heatmap-metric';
import {
  edgeColour,
  intensity,
  NEUTRAL_FILL,
  scaleColour,
  slaBand,
  textOn,
  type ColourBy,
} from '@/lib/process-map-colour';
import { visibleGraph } from '@/lib/process-map-paths';
import type { ProcessGraph } from '@/lib/types';

export interface Point {
  x: number;
  y: number;
}

/** A step's duration statistics (the heat map's bottlenecks: over all its attempts). */
export interface StepStats {
  medianMs?: number;
  p95Ms?: number;
}

export interface MapOptions {
  colourBy: ColourBy;
  /** 0..100: hide edges whose count is below this share of the most frequent edge. */
  paths: number;
  /** Per step, from the definition (heatmap-metric's `stepDeadlines`). */
  deadlines: Map<string, StepDeadline>;
  /** Per step; steps without durations get none. */
  stats: Map<string, StepStats>;
}

export interface MapNode {
  step: string;
  count: number;
  medianMs?: number;
  p95Ms?: number;
  /** The box's top-left corner and size. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The name as drawn (long names are cut; the full one is in `step`). */
  title: string;
  detail: string;
  deadline?: StepDeadline;
  /** The box's third line when the step has a deadline: "deadline 10m, missed". */
  deadlineText?: string;
  sla?: DeadlineBand;
  fill: string;
  text: string;
  ariaLabel: string;
}

export interface MapEdge {
  from: string;
  to: string;
  count: number;
  medianMs?: number;
  p95Ms?: number;
  /** SVG path data through dagre's points. */
  d: string;
  label: Point;
  countText: string;
  durationText: string;
  stroke: string;
  strokeWidth: number;
}

/** The start (●) and end (■) markers and their edges to the first and last steps. */
export interface MapTerminal {
  kind: 'start' | 'end';
  step: string;
  count: number;
  d: string;
}

export interface ProcessMapLayout {
  width: number;
  height: number;
  nodes: MapNode[];
  edges: MapEdge[];
  terminals: MapTerminal[];
  start?: Point;
  end?: Point;
  /** What the threshold hid. */
  hiddenEdges: number;
  hiddenNodes: number;
}

export const NODE_H = 46;
const NODE_H_DEADLINE = 60;
const MAX_TITLE = 26;
const CHAR_W = 7.2;
export const TERMINAL_R = 9;
const START = '\u0000start';
const END = '\u0000end';

/** A smooth SVG path through dagre's points: straight ends, quadratic bends between. */
export function smoothPath(points: Point[]): string {
  const r = (n: number) => Math.round(n * 10) / 10;
  const [first, ...rest] = points;
  if (first === undefined) return '';
  let d = `M${r(first.x)},${r(first.y)}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i]!;
    const q = rest[i + 1]!;
    d += ` Q${r(p.x)},${r(p.y)} ${r((p.x + q.x) / 2)},${r((p.y + q.y) / 2)}`;
  }
  const last = rest[rest.length - 1];
  if (last !== undefined) d += ` L${r(last.x)},${r(last.y)}`;
  return d;
}

const cut = (text: string): string =>
  text.length > MAX_TITLE ? `${text.slice(0, MAX_TITLE - 1)}…` : text;

const countText = (n: number): string => n.toLocaleString('en-US');

function nodeText(step: string, count: number, s: StepStats, deadline?: StepDeadline) {
  const title = cut(step);
  const detail = `${countText(count)} attempt${count === 1 ? '' : 's'}, median ${formatDuration(s.medianMs)}`;
  const width = Math.max(120, Math.ceil(Math.max(title.length, detail.length) * CHAR_W) + 24);
  return { title, detail, width, height: deadline ? NODE_H_DEADLINE : NODE_H };
}

/** What an SLA band says on the box and to a screen reader. */
const SLA_WORD: Record<DeadlineBand, string> = { ok: 'met', near: 'at risk', over: 'missed' };

/**
 * The link's name: the box's visible text in the same order (WCAG 2.5.3, "label in
 * name": speech users say what they see), then what the box leaves out.
 */
function ariaLabel(n: Omit<MapNode, 'ariaLabel'>): string {
  const cut = n.title === n.step ? '' : ` (${n.step})`;
  const deadline = n.deadlineText === undefined ? '' : `, ${n.deadlineText}`;
  const p95 = n.p95Ms === undefined ? '' : ` p95 ${formatDuration(n.p95Ms)}.`;
  return `Step ${n.title}${cut}: ${n.detail}${deadline}.${p95} List its instances`;
}

/** The map of `graph` at the options' threshold and colouring. */
export function layoutProcessMap(graph: ProcessGraph, options: MapOptions): ProcessMapLayout {
  const { steps, edges } = visibleGraph(graph, options.paths);
  const nodes = graph.nodes.filter((n) => steps.has(n.step));
  const starts = nodes.filter((n) => (graph.startSteps[n.step] ?? 0) > 0);
  const ends = nodes.filter((n) => (graph.endSteps[n.step] ?? 0) > 0);

  const g = new graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 26, ranksep: 54, edgesep: 14, marginx: 14, marginy: 14 });
  g.setDefaultEdgeLabel(() => ({}));
  const texts = new Map(
    nodes.map((n) => {
      const t = nodeText(
        n.step,
        n.count,
        options.stats.get(n.step) ?? {},
        options.deadlines.get(n.step),
      );
      g.setNode(`s:${n.step}`, { width: t.width, height: t.height });
      return [n.step, t];
    }),
  );
  if (starts.length > 0) g.setNode(START, { width: 2 * TERMINAL_R, height: 2 * TERMINAL_R });
  if (ends.length > 0) g.setNode(END, { width: 2 * TERMINAL_R, height: 2 * TERMINAL_R });
  for (const n of starts) g.setEdge(START, `s:${n.step}`, { minlen: 1, weight: 1 });
  for (const n of ends) g.setEdge(`s:${n.step}`, END, { minlen: 1, weight: 1 });
  const labels = edges.map((e) => {
    const lines = [
      countText(e.count),
      e.medianMs === undefined
        ? ''
        : `${formatDuration(e.medianMs)} · p95 ${formatDuration(e.p95Ms)}`,
    ];
    const width = Math.ceil(Math.max(...lines.map((l) => l.length)) * 6.2) + 8;
    // Frequent edges pull harder: they are drawn the straightest.
    g.setEdge(`s:${e.from}`, `s:${e.to}`, { width, height: 36, labelpos: 'c', weight: e.count });
    return lines;
  });
  layout(g);

  const maxNode = Math.max(0, ...nodes.map((n) => n.count));
  const maxNodeMs = Math.max(0, ...nodes.map((n) => options.stats.get(n.step)?.medianMs ?? 0));
  const mapNodes = nodes.map((n): MapNode => {
    const box = g.node(`s:${n.step}`);
    const t = texts.get(n.step)!;
    const s = options.stats.get(n.step) ?? {};
    const deadline = options.deadlines.get(n.step);
    const fill =
      options.colourBy === 'frequency'
        ? scaleColour(intensity(n.count, maxNode), 'frequency')
        : s.medianMs === undefined
          ? NEUTRAL_FILL
          : scaleColour(intensity(s.medianMs, maxNodeMs), 'duration');
    const node: Omit<MapNode, 'ariaLabel'> = {
      step: n.step,
      count: n.count,
      ...(s.medianMs === undefined ? {} : { medianMs: s.medianMs }),
      ...(s.p95Ms === undefined ? {} : { p95Ms: s.p95Ms }),
      x: (box.x ?? 0) - t.width / 2,
      y: (box.y ?? 0) - t.height / 2,
      width: t.width,
      height: t.height,
      title: t.title,
      detail: t.detail,
      ...(deadline === undefined ? {} : { deadline }),
      fill,
      text: textOn(fill),
    };
    const sla = slaBand(s.medianMs, s.p95Ms, deadline);
    if (sla !== undefined) node.sla = sla;
    if (deadline !== undefined)
      node.deadlineText = `deadline ${deadline.text}${sla === undefined ? '' : `, ${SLA_WORD[sla]}`}`;
    return { ...node, ariaLabel: ariaLabel(node) };
  });

  const maxEdge = Math.max(0, ...edges.map((e) => e.count));
  const maxEdgeMs = Math.max(0, ...edges.map((e) => e.medianMs ?? 0));
  const mapEdges = edges.map((e, i): MapEdge => {
    const laid = g.edge(`s:${e.from}`, `s:${e.to}`);
    const t =
      options.colourBy === 'frequency'
        ? intensity(e.count, maxEdge)
        : intensity(e.medianMs ?? 0, maxEdgeMs);
    return {
      from: e.from,
      to: e.to,
      count: e.count,
      ...(e.medianMs === undefined ? {} : { medianMs: e.medianMs }),
      ...(e.p95Ms === undefined ? {} : { p95Ms: e.p95Ms }),
      d: smoothPath(laid.points ?? []),
      label: { x: laid.x ?? 0, y: laid.y ?? 0 },
      countText: labels[i]![0]!,
      durationText: labels[i]![1]!,
      stroke: edgeColour(t, options.colourBy),
      // Width always by frequency: how many instances take the path.
      strokeWidth: 1.5 + 4.5 * intensity(e.count, maxEdge),
    };
  });

  const terminal = (kind: 'start' | 'end', step: string, count: number): MapTerminal => {
    const laid = kind === 'start' ? g.edge(START, `s:${step}`) : g.edge(`s:${step}`, END);
    return { kind, step, count, d: smoothPath(laid.points ?? []) };
  };
  const point = (id: string): Point | undefined => {
    if (!g.hasNode(id)) return undefined;
    const n = g.node(id);
    return { x: n.x ?? 0, y: n.y ?? 0 };
  };
  const start = point(START);
  const end = point(END);
  const size = g.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    nodes: mapNodes,
    edges: mapEdges,
    terminals: [
      ...starts.map((n) => terminal('start', n.step, graph.startSteps[n.step] ?? 0)),
      ...ends.map((n) => terminal('end', n.step, graph.endSteps[n.step] ?? 0)),
    ],
    ...(start === undefined ? {} : { start }),
    ...(end === undefined ? {} : { end }),
    hiddenEdges: graph.edges.length - edges.length,
    hiddenNodes: graph.nodes.length - nodes.length,
  };
}
