/**
 * What the embedded store keeps beside each instance's state to continue its ingest:
 * the fold summary (instance/fold-summary.ts) and the analytics frontier
 * (analytics/analytics-accumulator.ts), both summarising exactly the same events. One
 * batch of an instance either continues both with its newly inserted events or, where
 * that is impossible, re-folds from all stored events — and then its analytics change is
 * computed from the events the analytics already included (`previous`). Pure.
 */
import { type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { continueAnalytics, analyticsChange } from '../analytics/analytics-contribution.ts';
import type { AnalyticsFrontier } from '../analytics/analytics-accumulator.ts';
import { emptyDelta, type AnalyticsDelta } from '../analytics/analytics-delta.ts';
import { continueFold, foldWithSummary } from '../instance/continued-fold.ts';
import { orderEvents } from '../instance/event-order.ts';
import { isFoldSummary, type FoldSummary } from '../instance/fold-summary.ts';
import type { InstanceState } from '../instance/instance-state.ts';

export interface IngestSummary {
  fold: FoldSummary;
  analytics: AnalyticsFrontier;
}

export interface IngestFoldResult {
  state: InstanceState;
  summary: IngestSummary;
  /** What to add to the stored analytics buckets. */
  analytics: AnalyticsDelta;
}

/** Whether a parsed JSON value is a summary this version can continue. */
export function isIngestSummary(value: unknown): value is IngestSummary {
  if (typeof value !== 'object' || value === null) return false;
  const summary = value as Partial<IngestSummary>;
  const frontier = summary.analytics as Partial<AnalyticsFrontier> | undefined;
  return (
    isFoldSummary(summary.fold) &&
    typeof frontier === 'object' &&
    frontier !== null &&
    frontier.process === summary.fold.acc.process &&
    Number.isSafeInteger(frontier.hour) &&
    Number.isSafeInteger(frontier.seq) &&
    Array.isArray(frontier.open)
  );
}

/**
 * The summary continued with the instance's newly inserted events, or `undefined` when
 * the fold cannot be continued (continued-fold.ts: an event older than the summary's last).
 */
export function continueIngest(
  summary: IngestSummary,
  inserted: readonly FlowtrailEvent[],
): IngestFoldResult | undefined {
  const next = continueFold(summary.fold, inserted);
  if (next === undefined) return undefined;
  if (inserted.length === 0) return { state: next.state, summary, analytics: emptyDelta() };
  const analytics = continueAnalytics(summary.analytics, orderEvents(inserted));
  return {
    state: next.state,
    summary: { fold: next.summary, analytics: analytics.frontier },
    analytics: analytics.delta,
  };
}

/**
 * From all stored events of the instance (`all`, not empty) and the ones the stored
 * analytics already include (`previous`, a subset of `all`; empty when none).
 */
export function refoldIngest(
  all: readonly FlowtrailEvent[],
  previous: readonly FlowtrailEvent[],
): IngestFoldResult {
  const next = foldWithSummary(all);
  const change = analyticsChange(previous, all);
  return {
    state: next.state,
    summary: { fold: next.summary, analytics: change.frontier as AnalyticsFrontier },
    analytics: change.delta,
  };
}
