/**
 * The folds of a batch on a store that keeps summaries beside its states but has no
 * transactions (ports/summary-store.ts; Elasticsearch): each touched instance's stored
 * summary is continued with the batch's events of that instance when the summary matches
 * the stored state and every such event sorts after the summary's last
 * (`continueIngest`); a new instance (no state, no summary, none of its batch events a
 * replay) is folded from the batch; every other instance is re-folded from ALL its
 * stored events — read in one go, and only for those. The states come back with their summaries for
 * `writeFoldedStates`. Pure apart from the two reads. The same continue/re-fold rules
 * serve the atomic batch of a transactional store (`atomicBatchFolds`).
 */
import { eventIdentity, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { DeriveState } from '../../domain/instance/continued-fold.ts';
import {
  continueIngest,
  isIngestSummary,
  refoldIngest,
} from '../../domain/ingest/ingest-summary.ts';
import type { FoldedInstance, IncrementalBatchFold } from '../../ports/atomic-batch.ts';
import {
  addDelta,
  deltaOfBuckets,
  type AnalyticsDelta,
} from '../../domain/analytics/analytics-delta.ts';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { EventWriter } from '../../ports/event-store.ts';
import type { ContributedFold, StoredSummary, SummaryStore } from '../../ports/summary-store.ts';

export interface SummaryFolds {
  folded: ContributedFold[];
  continued: number;
  refolded: number;
  /** New instances folded from the batch alone. */
  fresh: number;
}

/**
 * Runs a re-fold of `key` and returns its result, or undefined (logged and counted by the
 * caller, `BatchIngester.foldOne`) when it threw or there were no events.
 */
export type GuardedFold = (
  key: string,
  events: readonly FlowtrailEvent[] | undefined,
  fold: (events: readonly FlowtrailEvent[]) => FoldedInstance,
) => FoldedInstance | undefined;

/**
 * `stored`: the batch's events the store holds now; `replayed`: the identities of those
 * that were already stored before (`WriteResult.unchanged`); undefined takes no instance
 * for new.
 */
export async function foldWithSummaries(
  store: Pick<EventWriter, 'eventsOfInstances'> & Pick<SummaryStore, 'readSummaries'>,
  stored: readonly FlowtrailEvent[],
  replayed: ReadonlySet<string> | undefined,
  derive: DeriveState,
  guard: GuardedFold,
): Promise<SummaryFolds> {
  const byKey = new Map<string, FlowtrailEvent[]>();
  for (const event of stored) {
    const key = instanceKeyOf(event);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [event]);
    else list.push(event);
  }
  const keys = [...byKey.keys()];
  const summaries = keys.length === 0 ? new Map() : await store.readSummaries(keys);
  const folded: ContributedFold[] = [];
  const refold: string[] = [];
  let fresh = 0;
  for (const key of keys) {
    const stored = summaries.get(key);
    const batch = byKey.get(key) ?? [];
    if (
      stored === undefined &&
      replayed !== undefined &&
      batch.every((event) => !replayed.has(eventIdentity(event)))
    ) {
      // New: no state, no summary, and every event of it was stored by this batch, so
      // the batch holds all its events (a replay of an interrupted batch is not new).
      const result = guard(key, batch, (events) => refoldStored(events, [], derive));
      fresh += 1;
      // From all its events with none before: its analytics change is its contribution.
      if (result !== undefined) folded.push({ ...result, contribution: result.analytics });
      continue;
    }
    const result =
      stored?.summary === undefined
        ? undefined
        : continueStored(key, stored.summary, stored.stateEventCount, batch, derive);
    // The contribution after the batch: the stored one (of the summary's events) plus the
    // batch's change; without it the instance re-folds, which derives it from its events.
    const base = result === undefined ? undefined : storedContribution(stored);
    if (result === undefined || base === undefined) refold.push(key);
    else {
      addDelta(base, result.analytics);
      folded.push({ ...result, contribution: base });
    }
  }
  if (refold.length > 0) {
    const eventsByKey = await store.eventsOfInstances(refold);
    for (const key of refold) {
      const result = guard(key, eventsByKey.get(key), (events) => refoldStored(events, [], derive));
      if (result !== undefined) folded.push({ ...result, contribution: result.analytics });
    }
  }
  return {
    folded,
    continued: keys.length - refold.length - fresh,
    refolded: refold.length,
    fresh,
  };
}

/** The stored contribution when it was folded from the stored state's events. */
function storedContribution(stored: StoredSummary | undefined): AnalyticsDelta | undefined {
  const contribution = stored?.contribution;
  if (contribution === undefined || contribution.eventCount !== stored?.stateEventCount) {
    return undefined;
  }
  return deltaOfBuckets(contribution.buckets);
}

/**
 * The fold of `key` continued from its stored summary with `events` (none of them folded
 * before), or undefined when it cannot be: not a summary of this version, of another
 * instance, or of another state than the stored one (`stateEventCount`), or an event
 * older than its last. A throw also gives undefined: the re-fold that follows fails the
 * same way, and logs and counts it.
 */
export function continueStored(
  key: string,
  summary: unknown,
  stateEventCount: number | undefined,
  events: readonly FlowtrailEvent[],
  derive: DeriveState,
): FoldedInstance | undefined {
  if (!isIngestSummary(summary)) return undefined;
  const acc = summary.fold.acc;
  if (acc.key !== key || acc.eventCount !== stateEventCount) return undefined;
  try {
    const next = continueIngest(summary, events);
    return next === undefined ? undefined : { ...next, state: derive(next.state) };
  } catch {
    return undefined;
  }
}

/** The fold of all stored `events`; its analytics change against `previous` (included ones). */
export function refoldStored(
  events: readonly FlowtrailEvent[],
  previous: readonly FlowtrailEvent[],
  derive: DeriveState,
): FoldedInstance {
  const next = refoldIngest(events, previous);
  return { ...next, state: derive(next.state) };
}

/**
 * The continue/re-fold pair of an atomic batch (ports/atomic-batch.ts,
 * `IncrementalBatchFold`): the states collected into `folded` by key, each outcome counted.
 */
export function atomicBatchFolds(
  derive: DeriveState,
  guard: GuardedFold,
  folded: Map<string, InstanceState>,
  count: { continued: () => void; refolded: () => void },
): Pick<IncrementalBatchFold, 'continueFold' | 'refold'> {
  return {
    continueFold: ({ key, inserted, summary, stateEventCount }) => {
      const result = continueStored(key, summary, stateEventCount, inserted, derive);
      if (result !== undefined) {
        count.continued();
        folded.set(key, result.state);
      }
      return result;
    },
    refold: (key, events, previous) => {
      count.refolded();
      const result = guard(key, events, (list) => refoldStored(list, previous, derive));
      if (result !== undefined) folded.set(key, result.state);
      return result;
    },
  };
}
