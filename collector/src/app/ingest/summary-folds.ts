/**
 * The folds of a batch on a store that keeps summaries beside its states but has no
 * transactions (ports/summary-store.ts; Elasticsearch): each touched instance's stored
 * summary is continued with the batch's events of that instance when the summary matches
 * the stored state and every such event sorts after the summary's last
 * (`continueIngest`); a new instance (no state, no summary, none of its batch events a
 * replay) is folded from the batch; every other instance is re-folded from ALL its
 * stored events — read in one go, and only for those. The states come back with their summaries for
 * `writeFoldedStates`. Pure apart from the two reads.
 */
import { eventIdentity, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { DeriveState } from '../../domain/instance/continued-fold.ts';
import {
  continueIngest,
  isIngestSummary,
  refoldIngest,
} from '../../domain/ingest/ingest-summary.ts';
import type { FoldedInstance } from '../../ports/atomic-batch.ts';
import type { EventWriter } from '../../ports/event-store.ts';
import type { SummaryStore } from '../../ports/summary-store.ts';

export interface SummaryFolds {
  folded: FoldedInstance[];
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
  const folded: FoldedInstance[] = [];
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
      const result = guard(key, batch, (events) => {
        const next = refoldIngest(events, []);
        return { ...next, state: derive(next.state) };
      });
      fresh += 1;
      if (result !== undefined) folded.push(result);
      continue;
    }
    const summary: unknown = stored?.summary;
    const usable =
      isIngestSummary(summary) &&
      summary.fold.acc.key === key &&
      stored?.stateEventCount === summary.fold.acc.eventCount;
    let result: FoldedInstance | undefined;
    if (usable) {
      try {
        const next = continueIngest(summary, batch);
        if (next !== undefined) result = { ...next, state: derive(next.state) };
      } catch {
        // Whatever failed here fails the re-fold too, which logs and counts it.
      }
    }
    if (result === undefined) refold.push(key);
    else folded.push(result);
  }
  if (refold.length > 0) {
    const eventsByKey = await store.eventsOfInstances(refold);
    for (const key of refold) {
      const result = guard(key, eventsByKey.get(key), (events) => {
        const next = refoldIngest(events, []);
        return { ...next, state: derive(next.state) };
      });
      if (result !== undefined) folded.push(result);
    }
  }
  return {
    folded,
    continued: keys.length - refold.length - fresh,
    refolded: refold.length,
    fresh,
  };
}
