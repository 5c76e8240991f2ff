/**
 * The pre-aggregated analytics kept at ingest (domain/ingest/ingest-summary.ts): any
 * split of an instance's events into batches, in any order, with duplicates, continued
 * where possible and re-folded where not, adds up to exactly the analytics of one fold
 * over all events — also when some batches were stored without updating the analytics
 * (the next re-fold catches up from the events the analytics included). Modelled like
 * the embedded store: events stored once per identity, the summary kept as JSON text.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventIdentity, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { contributionOf } from '../../src/domain/analytics/analytics-contribution.ts';
import {
  addDelta,
  deltaBuckets,
  emptyDelta,
  type AnalyticsDelta,
} from '../../src/domain/analytics/analytics-delta.ts';
import {
  continueIngest,
  isIngestSummary,
  refoldIngest,
} from '../../src/domain/ingest/ingest-summary.ts';
import { orderEvents } from '../../src/domain/instance/event-order.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { historyArb, redeliveredArb } from '../instance/history-arbitrary.ts';
import { splitAt } from '../helpers/batches.ts';

const NUM_RUNS = 300;

interface Stored {
  events: Map<string, FlowtrailEvent>;
  /** The events the analytics include (the store's mark). */
  analysed: FlowtrailEvent[];
  summary?: string;
  total: AnalyticsDelta;
  continued: number;
  refolds: number;
}

/** One batch: insert new identities; unless `skipAnalytics`, continue or re-fold. */
function applyBatch(stored: Stored, batch: readonly FlowtrailEvent[], skipAnalytics: boolean) {
  const inserted: FlowtrailEvent[] = [];
  for (const item of batch) {
    const identity = eventIdentity(item);
    if (stored.events.has(identity)) continue;
    stored.events.set(identity, item);
    inserted.push(item);
  }
  if (skipAnalytics) {
    // A write that stores events without a fold drops the summary (batch-transaction.ts).
    if (inserted.length > 0) delete stored.summary;
    return;
  }
  const parsed: unknown = stored.summary === undefined ? undefined : JSON.parse(stored.summary);
  let result = isIngestSummary(parsed) ? continueIngest(parsed, inserted) : undefined;
  if (result === undefined) {
    stored.refolds++;
    result = refoldIngest([...stored.events.values()], stored.analysed);
  } else stored.continued++;
  stored.summary = JSON.stringify(result.summary);
  addDelta(stored.total, result.analytics);
  stored.analysed = [...stored.events.values()];
  expect(result.state).toStrictEqual(foldInstance(stored.analysed));
}

const whole = (events: readonly FlowtrailEvent[]) => deltaBuckets(contributionOf(events).delta);

describe('analytics at ingest', () => {
  it('any split, order and re-delivery adds up to the analytics of all events', () => {
    fc.assert(
      fc.property(
        historyArb.chain((events) =>
          fc.tuple(
            fc.constant(events),
            redeliveredArb(events),
            fc.array(fc.nat(), { maxLength: 6 }),
          ),
        ),
        ([events, redelivered, cuts]) => {
          const stored: Stored = {
            events: new Map(),
            analysed: [],
            total: emptyDelta(),
            continued: 0,
            refolds: 0,
          };
          for (const batch of splitAt(redelivered, cuts)) {
            applyBatch(stored, batch, false);
            // After every batch: the running total is the analytics of what is stored.
            expect(deltaBuckets(stored.total)).toStrictEqual(whole([...stored.events.values()]));
          }
          expect(deltaBuckets(stored.total)).toStrictEqual(whole(events));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('in-order batches are continued, never re-folded after the first', () => {
    fc.assert(
      fc.property(historyArb, fc.array(fc.nat(), { maxLength: 6 }), (events, cuts) => {
        const ordered = orderEvents(events);
        const stored: Stored = {
          events: new Map(),
          analysed: [],
          total: emptyDelta(),
          continued: 0,
          refolds: 0,
        };
        const batches = splitAt(ordered, cuts);
        for (const batch of batches) applyBatch(stored, batch, false);
        expect(deltaBuckets(stored.total)).toStrictEqual(whole(events));
        expect(stored.refolds).toBe(1);
        expect(stored.continued).toBe(batches.length - 1);
      }),
      { numRuns: 100 },
    );
  });

  it('batches stored without analytics are caught up by the next re-fold', () => {
    fc.assert(
      fc.property(
        historyArb.chain((events) =>
          fc.tuple(
            redeliveredArb(events),
            fc.array(fc.nat(), { maxLength: 6 }),
            fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
          ),
        ),
        ([redelivered, cuts, skips]) => {
          const stored: Stored = {
            events: new Map(),
            analysed: [],
            total: emptyDelta(),
            continued: 0,
            refolds: 0,
          };
          const batches = splitAt(redelivered, cuts);
          batches.forEach((batch, i) => {
            const last = i === batches.length - 1;
            applyBatch(stored, batch, !last && (skips[i] ?? false));
          });
          expect(deltaBuckets(stored.total)).toStrictEqual(whole([...stored.events.values()]));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
