/**
 * The waits of one instance: from `step.waiting` until the step's next step event, open
 * otherwise (closed at the instance end when it ended), with the deadline of the wait or
 * else of its attempt. Pure.
 */
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { orderEvents } from '../instance/event-order.ts';
import type { InstanceState } from '../instance/instance-state.ts';
import { norm, TERMINAL } from './timeline-time.ts';
import type { TimelineWait } from './timeline-types.ts';

export function waitsOf(state: InstanceState, events: readonly FlowtrailEvent[]): TimelineWait[] {
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
