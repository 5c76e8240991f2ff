/**
 * The end-to-end timeline of an instance and its related instances (parent, children,
 * across systems), in the style of jaeger-ui's trace timeline: all geometry-relevant facts
 * computed here, purely; a component only renders them (`toPixels` for x/width).
 * Pure: no clock (`now` is passed), no IO. The result depends only on the SET of distinct
 * events (any order, any duplication) and on the set of related instances. Every time in
 * the result is normalized ISO-8601 UTC (`toISOString`).
 */
import { EventTypes, instanceKey, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { Alert } from '../alerts/alert.ts';
import { instantOf, orderEvents } from '../core/event-order.ts';
import type { InstanceState } from '../core/instance-state.ts';
import { stepSamples } from '../core/step-samples.ts';
import { alertMarkers, type TimelineMarker } from './timeline-markers.ts';

export type { TimelineMarker, MarkerKind } from './timeline-markers.ts';
export { toPixels, timeScale, type Span, type TimelinePixels } from './timeline-geometry.ts';

export interface TimelineInput {
  root: InstanceState;
  related: readonly InstanceState[];
  /** Events per instance key (instances without an entry have no bars). */
  events: ReadonlyMap<string, readonly FlowtrailEvent[]>;
  alerts: readonly Alert[];
  now: string;
  /** Idle periods between step bars longer than this are gaps (default 5 minutes). */
  gapThresholdMs?: number;
}

export interface TimelineLane {
  system: string;
  /** Instance keys on this lane, by first event. */
  instances: string[];
}

/** `abandoned`: an attempt still open when its instance ended. */
export type BarStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'abandoned';

export interface TimelineBar {
  lane: string;
  instanceKey: string;
  step: string;
  owner?: string;
  /** Start of the attempt (its end when the start is unknown). */
  start: string;
  /** Absent while open: the bar extends to the timeline's `end`. */
  end?: string;
  open: boolean;
  status: BarStatus;
  /** 1-based attempt number of the step within its instance. */
  attempt: number;
}

export interface TimelineWait {
  lane: string;
  instanceKey: string;
  step: string;
  for?: string;
  start: string;
  /** Absent while the wait is open. */
  end?: string;
  deadline?: string;
}

export interface TimelineGap {
  lane: string;
  instanceKey: string;
  start: string;
  end: string;
}

export interface ArrowEnd {
  lane: string;
  time: string;
  instanceKey: string;
}

export interface TimelineArrow {
  messageId: string;
  /** Absent when the message was received but its sending is not in view. */
  from?: ArrowEnd;
  /** Absent when the message was sent but never received: a lost message. */
  to?: ArrowEnd;
  /** `data.to` of the sent message (the target system, also for a lost message). */
  toSystem?: string;
}

export interface TimelineLink {
  parent: string;
  child: string;
  expectationId?: string;
}

export interface Timeline {
  rootKey: string;
  start: string;
  end: string;
  lanes: TimelineLane[];
  bars: TimelineBar[];
  waits: TimelineWait[];
  gaps: TimelineGap[];
  arrows: TimelineArrow[];
  links: TimelineLink[];
  markers: TimelineMarker[];
}

export const DEFAULT_GAP_THRESHOLD_MS = 5 * 60_000;

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const iso = (ms: number): string => new Date(ms).toISOString();
const norm = (time: string): string => iso(instantOf(time));
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

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

function barsOf(state: InstanceState, events: readonly FlowtrailEvent[]): TimelineBar[] {
  const terminalAt =
    TERMINAL.has(state.status) && state.endedAt !== undefined ? norm(state.endedAt) : undefined;
  const samples = stepSamples(events)
    .map((s) => ({ s, start: instantOf(s.startedAt ?? (s.endedAt as string)) }))
    .sort((a, b) => a.start - b.start || cmp(a.s.step, b.s.step));
  const attempts = new Map<string, number>();
  const latest = new Map<string, TimelineBar>();
  const bars = samples.map(({ s, start }): TimelineBar => {
    const attempt = (attempts.get(s.step) ?? 0) + 1;
    attempts.set(s.step, attempt);
    const base = {
      lane: state.source,
      instanceKey: state.key,
      step: s.step,
      ...(s.owner === undefined ? {} : { owner: s.owner }),
      start: iso(start),
      attempt,
    };
    let bar: TimelineBar;
    if (s.endedAt !== undefined) {
      bar = { ...base, end: norm(s.endedAt), open: false, status: s.outcome as BarStatus };
    } else if (terminalAt !== undefined) {
      const end = terminalAt < base.start ? base.start : terminalAt;
      bar = { ...base, end, open: false, status: 'abandoned' };
    } else bar = { ...base, open: true, status: 'running' };
    latest.set(s.step, bar);
    return bar;
  });
  for (const step of state.steps) {
    const bar = latest.get(step.name);
    if (bar?.open && step.status === 'waiting') bar.status = 'waiting';
  }
  return bars;
}

function waitsOf(state: InstanceState, events: readonly FlowtrailEvent[]): TimelineWait[] {
  const waits: TimelineWait[] = [];
  const open = new Map<string, TimelineWait>();
  const deadlines = new Map<string, string>();
  for (const e of orderEvents(events)) {
    const step = e.ftstep;
    if (step === undefined) continue;
    const current = open.get(step);
    if (e.type === EventTypes.stepStarted) {
      if (e.data.deadline !== undefined) deadlines.set(step, norm(e.data.deadline));
      else deadlines.delete(step);
    }
    if (e.type === EventTypes.stepWaiting) {
      const deadline = e.data.deadline !== undefined ? norm(e.data.deadline) : deadlines.get(step);
      if (current !== undefined) {
        if (deadline !== undefined) current.deadline = deadline;
        continue;
      }
      const wait: TimelineWait = {
        lane: state.source,
        instanceKey: state.key,
        step,
        ...(typeof e.data.for === 'string' ? { for: e.data.for } : {}),
        start: norm(e.time),
        ...(deadline === undefined ? {} : { deadline }),
      };
      open.set(step, wait);
      waits.push(wait);
    } else if (current !== undefined && e.type.startsWith('flowtrail.step.')) {
      current.end = norm(e.time);
      open.delete(step);
    }
  }
  if (TERMINAL.has(state.status) && state.endedAt !== undefined) {
    const endedAt = norm(state.endedAt);
    for (const w of open.values()) w.end = endedAt < w.start ? w.start : endedAt;
  }
  return waits;
}

function gapsOf(bars: readonly TimelineBar[], end: number, thresholdMs: number): TimelineGap[] {
  const spans = bars
    .map((b) => [instantOf(b.start), b.end === undefined ? end : instantOf(b.end)] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const gaps: TimelineGap[] = [];
  const first = bars[0];
  let reach = spans[0]?.[1];
  for (const [s, e] of spans.slice(1)) {
    if (reach === undefined || first === undefined) break;
    if (s - reach > thresholdMs) {
      gaps.push({
        lane: first.lane,
        instanceKey: first.instanceKey,
        start: iso(reach),
        end: iso(s),
      });
    }
    reach = Math.max(reach, e);
  }
  return gaps;
}

function arrowsOf(instances: readonly InstanceState[], input: TimelineInput): TimelineArrow[] {
  const sent = new Map<string, { end: ArrowEnd; ms: number; to?: string }>();
  const received = new Map<string, { end: ArrowEnd; ms: number }>();
  const better = (ms: number, end: ArrowEnd, old?: { ms: number; end: ArrowEnd }) =>
    old === undefined ||
    ms < old.ms ||
    (ms === old.ms && cmp(end.instanceKey, old.end.instanceKey) < 0);
  for (const state of instances) {
    for (const e of input.events.get(state.key) ?? []) {
      const id = e.data.messageId;
      if (typeof id !== 'string') continue;
      const ms = instantOf(e.time);
      const end: ArrowEnd = { lane: state.source, time: iso(ms), instanceKey: state.key };
      if (e.type === EventTypes.messageSent && better(ms, end, sent.get(id))) {
        sent.set(id, { end, ms, ...(typeof e.data.to === 'string' ? { to: e.data.to } : {}) });
      } else if (e.type === EventTypes.messageReceived && better(ms, end, received.get(id))) {
        received.set(id, { end, ms });
      }
    }
  }
  const ids = [...new Set([...sent.keys(), ...received.keys()])].sort(cmp);
  return ids.map((messageId) => {
    const s = sent.get(messageId);
    const r = received.get(messageId);
    return {
      messageId,
      ...(s === undefined ? {} : { from: s.end }),
      ...(r === undefined ? {} : { to: r.end }),
      ...(s?.to === undefined ? {} : { toSystem: s.to }),
    };
  });
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
  const start = Math.min(...times);
  const end = Math.max(...times);
  const bars: TimelineBar[] = [];
  const waits: TimelineWait[] = [];
  const gaps: TimelineGap[] = [];
  const threshold = input.gapThresholdMs ?? DEFAULT_GAP_THRESHOLD_MS;
  for (const s of instances) {
    const events = input.events.get(s.key) ?? [];
    const own = barsOf(s, events);
    bars.push(...own);
    waits.push(...waitsOf(s, events));
    gaps.push(...gapsOf(own, end, threshold));
  }
  return {
    rootKey: input.root.key,
    start: iso(start),
    end: iso(end),
    lanes: lanesOf(input.root, instances),
    bars: bars.sort((a, b) => byTime(a, b) || cmp(a.step, b.step) || a.attempt - b.attempt),
    waits: waits.sort((a, b) => byTime(a, b) || cmp(a.step, b.step)),
    gaps: gaps.sort(byTime),
    arrows: arrowsOf(instances, input),
    links: linksOf(instances),
    markers,
  };
}
