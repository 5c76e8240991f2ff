/** Event histories for the storage contract suite: small, explicit, with mixed offsets. */
import { randomBytes } from 'node:crypto';
import { EventTypes, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { makeEvent, type EventInit } from '../helpers/events.ts';

/** A short random tag, so names of one run never meet those of another in a shared store. */
export function tag(): string {
  return randomBytes(3).toString('hex');
}

/** `time` + `seconds`, keeping the offset of `time` (`Z` or `±hh:mm`), whole seconds. */
export function plus(time: string, seconds: number): string {
  const offset = /(Z|[+-]\d\d:\d\d)$/.exec(time)?.[1] ?? 'Z';
  const ms = Date.parse(time) + seconds * 1000;
  if (offset === 'Z') return new Date(ms).toISOString().replace('.000Z', 'Z');
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return new Date(ms + minutes * 60_000).toISOString().slice(0, 19) + offset;
}

export type Outcome = 'running' | 'waiting' | 'completed' | 'failed';

export interface HistoryInit {
  process: string;
  instance: string;
  /** Time of process.started; later events keep its offset. */
  start: string;
  outcome: Outcome;
  step: string;
  businessKeys?: Record<string, string>;
  owner?: string;
  /** Message of the step failure when `outcome` is `failed`. */
  error?: string;
}

/**
 * process.started (+0 s), step.started (+10 s), then by outcome: nothing (running),
 * step.waiting (+20 s), step.completed (+20 s) + process.completed (+30 s), or
 * step.failed (+20 s) + process.failed (+30 s). Ids are `<instance>-<n>`.
 */
export function history(init: HistoryInit): FlowtrailEvent[] {
  const base = { process: init.process, instance: init.instance };
  let n = 0;
  const event = (type: string, seconds: number, extra: Partial<EventInit>) =>
    makeEvent({
      ...base,
      id: `${init.instance}-${++n}`,
      type,
      time: plus(init.start, seconds),
      ...extra,
    });
  const events = [
    event(EventTypes.processStarted, 0, { data: { businessKeys: init.businessKeys ?? {} } }),
    event(EventTypes.stepStarted, 10, {
      step: init.step,
      ...(init.owner !== undefined ? { owner: init.owner } : {}),
    }),
  ];
  switch (init.outcome) {
    case 'running':
      break;
    case 'waiting':
      events.push(event(EventTypes.stepWaiting, 20, { step: init.step, data: { for: 'payment' } }));
      break;
    case 'completed':
      events.push(event(EventTypes.stepCompleted, 20, { step: init.step }));
      events.push(event(EventTypes.processCompleted, 30, {}));
      break;
    case 'failed':
      events.push(
        event(EventTypes.stepFailed, 20, {
          step: init.step,
          data: { error: { message: init.error ?? 'step failed' } },
        }),
      );
      events.push(event(EventTypes.processFailed, 30, {}));
      break;
  }
  return events;
}

export function keyOf(events: readonly FlowtrailEvent[]): string {
  const [first] = events;
  if (first === undefined) throw new Error('keyOf: no events');
  return instanceKeyOf(first);
}
