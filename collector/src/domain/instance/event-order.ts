/**
 * Deterministic dedupe and order of an instance's events, so that the fold gives the
 * same state for any arrival order and any duplication (docs/architecture.md).
 */
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { canonicalJson } from './canonical-json.ts';

/** Milliseconds since the epoch of an event time; throws on an unparseable time. */
export function instantOf(time: string): number {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`invalid event time ${JSON.stringify(time)}`);
  return ms;
}

/**
 * Rank of an event type among events at the same instant: whatever starts comes before
 * whatever waits, which comes before whatever ends.
 */
export function phaseRank(type: string): number {
  switch (type) {
    case EventTypes.processStarted:
      return 0;
    case EventTypes.stepStarted:
      return 1;
    case EventTypes.stepWaiting:
      return 3;
    case EventTypes.expectationFulfilled:
      return 4;
    case EventTypes.stepCompleted:
    case EventTypes.stepFailed:
      return 5;
    case EventTypes.processCompleted:
    case EventTypes.processFailed:
    case EventTypes.processCancelled:
      return 6;
    default:
      // messages, expectation.registered, owner.assigned, custom events
      return 2;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One event per id. When copies of an id differ, the copy whose canonical JSON sorts
 * first is kept, so the choice does not depend on arrival order. The canonical JSON is
 * computed only for ids that come more than once (most batches have no copies at all).
 */
export function dedupeById(events: readonly FlowtrailEvent[]): FlowtrailEvent[] {
  const byId = new Map<string, { event: FlowtrailEvent; canonical?: string }>();
  for (const event of events) {
    const kept = byId.get(event.id);
    if (kept === undefined) {
      byId.set(event.id, { event });
      continue;
    }
    kept.canonical ??= canonicalJson(kept.event);
    const canonical = canonicalJson(event);
    if (canonical < kept.canonical) byId.set(event.id, { event, canonical });
  }
  return [...byId.values()].map((entry) => entry.event);
}

/** Total order: time as an instant, then phase rank, then id (ids are unique after dedupe). */
export function compareEvents(a: FlowtrailEvent, b: FlowtrailEvent): number {
  return (
    instantOf(a.time) - instantOf(b.time) ||
    phaseRank(a.type) - phaseRank(b.type) ||
    compareStrings(a.id, b.id)
  );
}

/** Deduplicated by id and sorted by `compareEvents`. */
export function orderEvents(events: readonly FlowtrailEvent[]): FlowtrailEvent[] {
  return dedupeById(events).sort(compareEvents);
}

/** The earliest of some ISO times by instant (ties: the smaller string); undefined if none. */
export function earliestTime(times: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const time of times) {
    if (best === undefined) best = time;
    else {
      const diff = instantOf(time) - instantOf(best);
      if (diff < 0 || (diff === 0 && time < best)) best = time;
    }
  }
  return best;
}
