/**
 * Incremental fold: the state of an instance from its persisted summary (fold-summary.ts)
 * and the events not folded before, instead of from all of its events. Pure.
 *
 * `continueFold(summary, newEvents)` gives exactly `foldWithSummary(allEvents)` when every
 * new event sorts after the summary's last event in `compareEvents` order (the same left
 * fold over the same sequence). Otherwise — an event older than what the summary
 * summarises, whose place in the order matters (steps, owners, "first" and "latest"
 * rules) — it returns `undefined` and the caller re-folds from all stored events.
 *
 * Duplicates: the caller passes only events that were not folded before. The stores
 * know that without any id list in the summary: an event is inserted once per identity
 * (source, id) and the insert reports whether it was new (a replay inserts nothing), so
 * the newly inserted events of a batch are exactly the unfolded ones. Within an instance
 * the source is fixed (it is part of the key), so the identity is the id, the fold's own
 * de-duplication key.
 */
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { applyEvent } from './fold-accumulator.ts';
import { compareEvents, orderEvents } from './event-order.ts';
import { accumulate, foldInstance } from './fold.ts';
import { restoreAccumulator, summarize, type FoldSummary } from './fold-summary.ts';
import type { InstanceState } from './instance-state.ts';
import { projectState } from './project-state.ts';

export interface FoldResult {
  state: InstanceState;
  summary: FoldSummary;
}

/** `foldInstance(events)` and the summary to continue it from. */
export function foldWithSummary(events: readonly FlowtrailEvent[]): FoldResult {
  const { acc, last } = accumulate(events);
  return { state: projectState(acc), summary: summarize(acc, last.id) };
}

/** The sort position of the summary's last event, as an event `compareEvents` can take. */
function lastOf(summary: FoldSummary): FlowtrailEvent {
  return {
    specversion: '1.0',
    id: summary.lastId,
    source: summary.acc.source,
    type: summary.acc.lastEventType,
    time: summary.acc.lastEventAt,
    ftprocess: summary.acc.process,
    ftinstance: summary.acc.instance,
    data: {},
  };
}

/**
 * The fold of the summary's events plus `newEvents` (events of the same instance not
 * folded before; copies among them are de-duplicated like `foldInstance` does), or
 * `undefined` when it cannot be continued: some new event does not sort after the
 * summary's last one, or an event belongs to another instance. No new events: the
 * summary's own state.
 */
export function continueFold(
  summary: FoldSummary,
  newEvents: readonly FlowtrailEvent[],
): FoldResult | undefined {
  const ordered = orderEvents(newEvents);
  const [first] = ordered;
  if (first !== undefined && compareEvents(first, lastOf(summary)) <= 0) return undefined;
  if (ordered.some((event) => instanceKeyOf(event) !== summary.acc.key)) return undefined;
  const acc = restoreAccumulator(summary);
  for (const event of ordered) applyEvent(acc, event);
  const last = ordered[ordered.length - 1];
  return {
    state: projectState(acc),
    summary: last === undefined ? summary : summarize(acc, last.id),
  };
}

/** The step after the pure fold of an ingest fold: `fold(events) = derive(foldInstance(events))`. */
export type DeriveState = (state: InstanceState) => InstanceState;

/**
 * An ingest fold (`BatchIngester`'s `fold`) that may say how it is made from the pure
 * fold, so the ingester can continue folds instead of re-folding: with `derive`, the fold
 * must equal `derive(foldInstance(events))` for every event list.
 */
export interface IngestFold {
  (events: readonly FlowtrailEvent[]): InstanceState;
  readonly derive?: DeriveState;
}

/** The ingest fold `derive ∘ foldInstance`, carrying `derive` (e.g. the effective deadline). */
export function derivedFold(derive: DeriveState): IngestFold {
  const fold = (events: readonly FlowtrailEvent[]): InstanceState => derive(foldInstance(events));
  return Object.assign(fold, { derive });
}

/**
 * The derive step of an ingest fold, when it is known: `foldInstance` itself derives
 * nothing; a `derivedFold` carries its own; any other fold is opaque (undefined).
 */
export function deriveOf(fold: IngestFold): DeriveState | undefined {
  if (fold === foldInstance) return (state) => state;
  return fold.derive;
}
