/**
 * The end-to-end timeline of an instance and its related instances (parent, children,
 * across systems), in the style of jaeger-ui's trace timeline: all geometry-relevant facts
 * computed here, purely; the dashboard scales them to pixels (dashboard/lib/timeline-layout.ts).
 * Pure: no clock (`now` is passed), no IO. The result depends only on the SET of distinct
 * events (any order, any duplication) and on the set of related instances. Every time in
 * the result is normalized ISO-8601 UTC (`toISOString`).
 *
 * This file assembles the timeline: instances, lanes and links; bars and gaps
 * (timeline-bars.ts), waits (timeline-waits.ts), arrows (timeline-arrows.ts), alert
 * markers (timeline-markers.ts) and the critical path (timeline-critical.ts). The shapes are in timeline-types.ts.
 */
import { instanceKey } from '@flowtrail/sdk/protocol';
import { instantOf } from '../instance/event-order.ts';
import type { InstanceState } from '../instance/instance-state.ts';
import { arrowsOf } from './timeline-arrows.ts';
import { barsOf, gapsOf } from './timeline-bars.ts';
import { markCriticalPath } from './timeline-critical.ts';
import { alertMarkers } from './timeline-markers.ts';
import { cmp, iso, TERMINAL } from './timeline-time.ts';
import type {
  Timeline,
  TimelineBar,
  TimelineGap,
  TimelineInput,
  TimelineLane,
  TimelineLink,
  TimelineWait,
} from './timeline-types.ts';
import { waitsOf } from './timeline-waits.ts';

export type * from './timeline-types.ts';
export type { TimelineMarker, MarkerKind } from './timeline-markers.ts';

export const DEFAULT_GAP_THRESHOLD_MS = 5 * 60_000;

function instancesOf(input: TimelineInput): InstanceState[] {
  const byKey = new Map<string, InstanceState>();
  for (const s of [input.root, ...input.related]) if (!byKey.has(s.key)) byKey.set(s.key, s);
  return [...byKey.values()].sort(
    (a, b) =>
      instantOf(a.firstEventAt) - instantOf(b.firstEventAt) ||
      (a.key === input.root.key ? -1 : b.key === input.root.key ? 1 : cmp(a.key, b.key)),
  );
}

function lanesOf(root: InstanceState, instances: readonly InstanceState[]): TimelineLane[] {
  const lanes = new Map<string, string[]>([[root.source, []]]);
  for (const s of instances) {
    const list = lanes.get(s.source) ?? [];
    lanes.set(s.source, list);
    list.push(s.key);
  }
  return [...lanes].map(([system, keys]) => ({ system, instances: keys }));
}

function linksOf(instances: readonly InstanceState[]): TimelineLink[] {
  const links = instances.flatMap((s) =>
    s.parent === undefined
      ? []
      : [
          {
            parent: instanceKey(s.parent),
            child: s.key,
            ...(s.parent.expectationId === undefined
              ? {}
              : { expectationId: s.parent.expectationId }),
          },
        ],
  );
  return links.sort((a, b) => cmp(a.parent, b.parent) || cmp(a.child, b.child));
}

const byTime = <T extends { start: string; instanceKey: string }>(a: T, b: T): number =>
  cmp(a.start, b.start) || cmp(a.instanceKey, b.instanceKey);

export function buildTimeline(input: TimelineInput): Timeline {
  const instances = instancesOf(input);
  const nowMs = instantOf(input.now);
  const markers = alertMarkers(input.alerts, instances);
  const times: number[] = [];
  let anyOpen = false;
  for (const s of instances) {
    times.push(instantOf(s.firstEventAt), instantOf(s.lastEventAt));
    if (!TERMINAL.has(s.status)) anyOpen = true;
    for (const e of input.events.get(s.key) ?? []) times.push(instantOf(e.time));
  }
  for (const m of markers) times.push(instantOf(m.time));
  if (anyOpen) times.push(nowMs);
  // A loop, not Math.min(...times): an instance may have more events than a call has arguments.
  let start = Infinity;
  let end = -Infinity;
  for (const t of times) {
    if (t < start) start = t;
    if (t > end) end = t;
  }
  const bars: TimelineBar[] = [];
  const waits: TimelineWait[] = [];
  const gaps: TimelineGap[] = [];
  const threshold = input.gapThresholdMs ?? DEFAULT_GAP_THRESHOLD_MS;
  for (const s of instances) {
    const events = input.events.get(s.key) ?? [];
    const own = barsOf(s, events);
    for (const item of own) bars.push(item);
    for (const item of waitsOf(s, events)) waits.push(item);
    for (const item of gapsOf(own, end, threshold)) gaps.push(item);
  }
  bars.sort((a, b) => byTime(a, b) || cmp(a.step, b.step) || a.attempt - b.attempt);
  const arrows = arrowsOf(instances, input);
  markCriticalPath(input.root.key, bars, arrows, waits, end);
  return {
    rootKey: input.root.key,
    start: iso(start),
    end: iso(end),
    lanes: lanesOf(input.root, instances),
    bars,
    waits: waits.sort((a, b) => byTime(a, b) || cmp(a.step, b.step)),
    gaps: gaps.sort(byTime),
    arrows,
    links: linksOf(instances),
    markers,
  };
}
