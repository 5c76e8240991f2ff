/**
 * Folds the events of one process instance into its state (the "dossier").
 * Pure: no IO, no clock. The result depends only on the SET of distinct events, never
 * on their arrival order or on re-deliveries:
 *
 * Order and duplicates
 * - Events are deduplicated by `id`. Differing copies of one id: the copy whose
 *   canonical JSON (sorted keys) sorts first is kept. `eventCount` counts distinct ids.
 * - Then sorted by time as an instant (`Date.parse`, so `+02:00` and `Z` compare
 *   correctly), then by phase (process.started < step.started < messages, expectation
 *   registrations, owner assignments, custom events < step.waiting <
 *   expectation.fulfilled < step.completed/failed < process terminal), then by id.
 * - `firstEventAt` / `lastEventAt` / `lastEventType` come from the first and last event
 *   of that order (the original time strings, offsets kept).
 *
 * Process status
 * - The FIRST terminal event (process.completed / failed / cancelled) ends the
 *   instance: its status and `endedAt` stick. Later events (even another terminal
 *   event) are still folded into steps, messages, counts and `lastEventAt`, but never
 *   change the terminal status. A terminal instance has no `currentSteps`, no `waits`
 *   and no `nextDeadline` (nothing can be stuck); its open expectations stay listed.
 * - Otherwise `waiting` when any step is waiting, else `running` — also without any
 *   process.started (an instance seen only through step or custom events is running).
 * - A step failure does not fail the process (it may be retried); only
 *   process.failed does. `error` is the latest failure, of a step or of the process;
 *   without `data.error` its message is "step <name> failed" / "process failed".
 * - `startedAt`: the earliest process.started; `parent`: `data.parent` of the
 *   earliest process.started carrying one. `durationMs` = endedAt - startedAt (≥ 0).
 *
 * Steps (keyed by `ftstep`, listed in order of first appearance)
 * - step.started begins a new attempt: `attempts` + 1, status running, `startedAt`
 *   set, end, error, wait and deadline of the previous attempt cleared, deadline =
 *   `data.deadline` if any. A re-start of a waiting step resumes it.
 * - step.waiting: status waiting, `waitingFor` = `data.for`, `waitingSince` = its
 *   time; `data.deadline` replaces the step's deadline (otherwise the attempt's stays).
 * - step.completed / step.failed: ends the attempt (`endedAt`, `durationMs` when
 *   the attempt's start is known), resumes any wait; failed records `error`. The
 *   deadline stays on an ended step, so SLA compliance can be read afterwards.
 * - A step event without a prior start creates the step (attempts 0, no startedAt).
 * - Within a step the latest event (in the order above) defines its status.
 *
 * Owners, keys, links
 * - Instance `owner` = `ftowner` of the latest event carrying one (owner.assigned or
 *   any other). Step `owner` = `ftowner` of the latest event naming that step.
 * - `businessKeys`: union of every event's `data.businessKeys`, the latest wins per key.
 * - Expectations: keyed by `expectationId`; a re-registration keeps the first
 *   `registeredAt` and takes the latest target and deadline. Fulfilled at the earliest
 *   `expectation.fulfilled` with that id, in whatever order they arrived; fulfilments
 *   of an id never registered are listed in `unmatchedFulfilments`.
 * - `systems`: own source, message `to`/`from`, expected systems, parent source.
 * - `nextDeadline`: earliest (by instant) deadline of a running or waiting step or an
 *   open expectation, while the instance is not terminal.
 * - `custom`: counts of non-`flowtrail.*` event types.
 */
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { applyEvent, createAccumulator, type FoldAccumulator } from './fold-accumulator.ts';
import { instantOf, orderEvents } from './event-order.ts';
import type { InstanceState } from './instance-state.ts';
import { projectState } from './project-state.ts';

/** The single instance key shared by all events; throws when empty or mixed. */
function commonKey(events: readonly FlowtrailEvent[]): string {
  const [first] = events;
  if (first === undefined) throw new Error('foldInstance: cannot fold an empty list of events');
  const key = instanceKeyOf(first);
  for (const event of events) {
    const other = instanceKeyOf(event);
    if (other !== key) {
      throw new Error(
        `foldInstance: events belong to different instances (${JSON.stringify(key)} and ${JSON.stringify(other)}, event ${JSON.stringify(event.id)})`,
      );
    }
  }
  return key;
}

/**
 * The accumulator after all of an instance's events (any order, duplicates allowed) and
 * the last event folded (`compareEvents` order); continued-fold.ts keeps it as a summary.
 */
export function accumulate(events: readonly FlowtrailEvent[]): {
  acc: FoldAccumulator;
  last: FlowtrailEvent;
} {
  const key = commonKey(events);
  const ordered = orderEvents(events);
  const [first] = ordered;
  if (first === undefined) throw new Error('foldInstance: cannot fold an empty list of events');
  const acc = createAccumulator(first, key);
  for (const event of ordered) applyEvent(acc, event);
  return { acc, last: ordered[ordered.length - 1] as FlowtrailEvent };
}

/** The state of one instance from all of its events (any order, duplicates allowed). */
export function foldInstance(events: readonly FlowtrailEvent[]): InstanceState {
  return projectState(accumulate(events).acc);
}

/**
 * The state of the instance as of `asOf`: folded from the events whose time is at or
 * before that instant. `undefined` when the instance had no event yet.
 */
export function foldInstanceAsOf(
  events: readonly FlowtrailEvent[],
  asOf: string,
): InstanceState | undefined {
  const limit = instantOf(asOf);
  commonKey(events);
  const visible = events.filter((event) => instantOf(event.time) <= limit);
  return visible.length === 0 ? undefined : foldInstance(visible);
}
