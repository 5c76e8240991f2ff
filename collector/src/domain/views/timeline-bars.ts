/**
 * The step bars of one instance (one per attempt, numbered per step) and the idle gaps
 * between them. Pure.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { instantOf } from '../instance/event-order.ts';
import type { InstanceState } from '../instance/instance-state.ts';
import { stepSamples } from '../instance/step-samples.ts';
import { cmp, iso, norm, TERMINAL } from './timeline-time.ts';
import type { BarStatus, TimelineBar, TimelineGap } from './timeline-types.ts';

export function barsOf(state: InstanceState, events: readonly FlowtrailEvent[]): TimelineBar[] {
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

/** Idle periods longer than `thresholdMs` that no bar of the instance covers. */
export function gapsOf(
  bars: readonly TimelineBar[],
  end: number,
  thresholdMs: number,
): TimelineGap[] {
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
