/**
 * What an instance adds to the pre-aggregated analytics, and how that changes when it
 * gets new events. Pure.
 *
 * - `contributionOf(events)`: the delta of one analytics fold (analytics-accumulator.ts)
 *   over the instance's distinct events in `compareEvents` order, and its frontier.
 * - `continueAnalytics(frontier, newEvents)`: the same, continued from a frontier with
 *   events that all sort after the ones it summarises (the caller checks, as for the
 *   fold summary): its delta is exactly `contributionOf(all) − contributionOf(before)`.
 * - `analyticsChange(before, all)`: that difference computed from the events, for
 *   instances that cannot be continued (an event older than the frontier, no frontier).
 *   Exact because every part of a bucket is a count, a sum or a sketch of counts.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { orderEvents } from '../instance/event-order.ts';
import {
  applyAnalyticsEvent,
  countInstance,
  frontierOf,
  resumeAnalytics,
  startFrontier,
  type AnalyticsFrontier,
} from './analytics-accumulator.ts';
import { addDelta, emptyDelta, type AnalyticsDelta } from './analytics-delta.ts';

export interface AnalyticsResult {
  delta: AnalyticsDelta;
  /** Undefined for an instance without events. */
  frontier?: AnalyticsFrontier;
}

/** The instance's whole contribution (its events in any order, copies of an id once). */
export function contributionOf(events: readonly FlowtrailEvent[]): AnalyticsResult {
  const ordered = orderEvents(events);
  const delta = emptyDelta();
  const [first] = ordered;
  if (first === undefined) return { delta };
  const fold = resumeAnalytics(startFrontier(first), delta);
  countInstance(fold);
  for (const event of ordered) applyAnalyticsEvent(fold, event);
  return { delta, frontier: frontierOf(fold) };
}

/**
 * Continues a frontier with events not applied before that all sort after the ones it
 * summarises, in `compareEvents` order (the caller's check; see continued-fold.ts).
 */
export function continueAnalytics(
  frontier: AnalyticsFrontier,
  orderedNewEvents: readonly FlowtrailEvent[],
): Required<AnalyticsResult> {
  const delta = emptyDelta();
  const fold = resumeAnalytics(frontier, delta);
  for (const event of orderedNewEvents) applyAnalyticsEvent(fold, event);
  return { delta, frontier: frontierOf(fold) };
}

/** `contributionOf(all) − contributionOf(before)`: what to add when `before` became `all`. */
export function analyticsChange(
  before: readonly FlowtrailEvent[],
  all: readonly FlowtrailEvent[],
): AnalyticsResult {
  const next = contributionOf(all);
  if (before.length > 0) addDelta(next.delta, contributionOf(before).delta, -1);
  return next;
}
