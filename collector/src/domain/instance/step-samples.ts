/**
 * Step samples: one per step attempt of an instance, paired from its events —
 * `step.started` with the next `step.completed`/`step.failed` of the same step (first in,
 * first out), and the time the attempt spent in `step.waiting`. Pure; the input order
 * does not matter (events are deduplicated by id and sorted like the fold does).
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { EventTypes } from '@flowtrail/sdk/protocol';
import { orderEvents } from './event-order.ts';

export interface StepSample {
  process: string;
  step: string;
  /** When the attempt started (ISO); absent when only its end was seen. */
  startedAt?: string;
  /** When it completed or failed; absent while in flight. */
  endedAt?: string;
  outcome: 'completed' | 'failed' | 'open';
  durationMs?: number;
  /** Time spent waiting inside the attempt (until it ended, or until the last event). */
  waitingMs: number;
  owner?: string;
}

interface Open {
  sample: StepSample;
  waitingSince?: number;
}

export function stepSamples(events: readonly FlowtrailEvent[]): StepSample[] {
  const ordered = orderEvents(events);
  const open = new Map<string, Open[]>();
  const done: StepSample[] = [];
  let lastMs = 0;
  const closeWait = (attempt: Open, until: number) => {
    if (attempt.waitingSince === undefined) return;
    attempt.sample.waitingMs += Math.max(0, until - attempt.waitingSince);
    delete attempt.waitingSince;
  };
  for (const event of ordered) {
    const ms = Date.parse(event.time);
    lastMs = Math.max(lastMs, ms);
    const step = event.ftstep;
    if (step === undefined) continue;
    const queue = open.get(step) ?? [];
    open.set(step, queue);
    const owner = event.ftowner !== undefined ? { owner: event.ftowner } : {};
    if (event.type === EventTypes.stepStarted) {
      const sample: StepSample = {
        process: event.ftprocess,
        step,
        startedAt: event.time,
        outcome: 'open',
        waitingMs: 0,
        ...owner,
      };
      queue.push({ sample });
    } else if (event.type === EventTypes.stepWaiting) {
      const attempt = queue[queue.length - 1];
      if (attempt !== undefined && attempt.waitingSince === undefined) attempt.waitingSince = ms;
    } else if (event.type === EventTypes.stepCompleted || event.type === EventTypes.stepFailed) {
      const attempt = queue.shift() ?? {
        sample: {
          process: event.ftprocess,
          step,
          outcome: 'open' as const,
          waitingMs: 0,
          ...owner,
        },
      };
      closeWait(attempt, ms);
      const sample = attempt.sample;
      sample.endedAt = event.time;
      sample.outcome = event.type === EventTypes.stepCompleted ? 'completed' : 'failed';
      if (sample.startedAt !== undefined) {
        sample.durationMs = Math.max(0, ms - Date.parse(sample.startedAt));
      }
      done.push(sample);
    }
  }
  for (const queue of open.values()) {
    for (const attempt of queue) {
      closeWait(attempt, lastMs);
      done.push(attempt.sample);
    }
  }
  return done;
}
