/**
 * Optional capability of an event store without multi-row transactions (Elasticsearch):
 * keeping each instance's ingest summary (domain/ingest/ingest-summary.ts) beside its
 * state, so a batch continues the fold from it with the batch's events instead of
 * reading ALL stored events of every touched instance (docs/operations.md, "Incremental
 * ingest"). Found by feature detection; the decorators of app/ingest forward it.
 *
 * The continuation is sound without a transaction because a summary is only used when
 * the stored state says it was folded from the same number of events, and only with a
 * batch whose events of the instance ALL sort after the summary's last (so none of them
 * is in it); anything else — no summary, a replay, a late event, a state written by
 * someone else meanwhile — re-folds from the stored events. An instance with neither a
 * state nor a summary whose every event in the batch was newly stored (none a replay:
 * `WriteResult.unchanged`) is new: folded from the batch alone. Events of an instance come
 * from one partition (the Kafka key is the instance key), which is what makes "the
 * batch's events" exactly the events the summary lacks.
 */
import type { AnalyticsDelta } from '../domain/analytics/analytics-delta.ts';
import type { InstanceState } from '../domain/instance/instance-state.ts';
import type { FoldedInstance } from './atomic-batch.ts';
import type { WriteResult } from './event-store.ts';

/** A stored summary (parsed JSON; the caller checks it) and its state's `eventCount`. */
export interface StoredSummary {
  /** Absent when the instance has a state but no summary (written before summaries). */
  summary?: unknown;
  /** `eventCount` of the stored state; absent when there is none. */
  stateEventCount?: number;
  /**
   * The instance's whole analytics contribution as stored (`deltaBuckets` JSON; the
   * caller checks it) and the event count it was folded from; absent when none is stored.
   * A fold continues only from a contribution of the summary's count.
   */
  contribution?: { eventCount: number; buckets: unknown };
}

/**
 * A fold with the instance's WHOLE analytics contribution after it (all its stored
 * events), which a `SummaryStore` keeps beside the summary: its pre-aggregated analytics
 * are sums of these (es-analytics-compactor.ts), not of the deltas, so they need no
 * transaction with the state.
 */
export interface ContributedFold extends FoldedInstance {
  contribution: AnalyticsDelta;
}

/**
 * A `SummaryStore`'s `writeEvents` also lists the events it found already stored with the
 * same content in `WriteResult.unchanged` (absent when there were none): that is how a
 * new instance is told from a replayed one.
 */
export interface SummaryStore {
  /**
   * The stored summaries, state versions and contributions of `keys` (real-time reads:
   * no refresh); keys with neither a summary nor a state are absent. A document that
   * cannot be read fails the call (retriably), never reads as absent.
   */
  readSummaries(keys: readonly string[]): Promise<Map<string, StoredSummary>>;
  /**
   * Writes the states (same rule as `writeStates`: never over one folded from more
   * events) and their summaries (same rule, by the summary's event count). Events stored
   * before the call are searchable once the states are (`getEvents` of a state just
   * written finds all its events).
   */
  writeFoldedStates(folded: readonly ContributedFold[]): Promise<WriteResult<InstanceState>>;
}

export function isSummaryStore<S extends object>(store: S): store is S & SummaryStore {
  const candidate = store as Partial<SummaryStore>;
  return (
    typeof candidate.readSummaries === 'function' &&
    typeof candidate.writeFoldedStates === 'function'
  );
}
