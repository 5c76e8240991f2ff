/**
 * The incremental fold (domain/instance/continued-fold.ts): continuing a persisted
 * summary with the events not folded before gives exactly the full fold; where it cannot
 * (an event older than the summary's last), the caller re-folds. Modelled like the
 * embedded store: events stored once per identity (a replay inserts nothing), the
 * summary kept as JSON text beside the state.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventIdentity, EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { compareEvents } from '../../src/domain/instance/event-order.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import {
  continueFold,
  deriveOf,
  derivedFold,
  foldWithSummary,
} from '../../src/domain/instance/continued-fold.ts';
import {
  FOLD_SUMMARY_VERSION,
  isFoldSummary,
  type FoldSummary,
} from '../../src/domain/instance/fold-summary.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { at, event } from './event-builders.ts';
import { historyArb, redeliveredArb } from './history-arbitrary.ts';
import { splitAt } from '../helpers/batches.ts';

const NUM_RUNS = 300;
const T = EventTypes;

interface Stored {
  events: Map<string, FlowtrailEvent>;
  /** The summary as the store keeps it: JSON text. */
  summary?: string;
  state?: InstanceState;
  continued: number;
  refolds: number;
}

/** One batch the way the atomic batch applies it: insert new identities, continue or re-fold. */
function applyBatch(stored: Stored, batch: readonly FlowtrailEvent[]): void {
  const inserted: FlowtrailEvent[] = [];
  for (const item of batch) {
    const identity = eventIdentity(item);
    if (stored.events.has(identity)) continue;
    stored.events.set(identity, item);
    inserted.push(item);
  }
  const parsed: unknown = stored.summary === undefined ? undefined : JSON.parse(stored.summary);
  let result = isFoldSummary(parsed) ? continueFold(parsed, inserted) : undefined;
  if (result === undefined) {
    stored.refolds++;
    result = foldWithSummary([...stored.events.values()]);
  } else stored.continued++;
  stored.summary = JSON.stringify(result.summary);
  stored.state = result.state;
}

function ingest(batches: readonly FlowtrailEvent[][]): Stored {
  const stored: Stored = { events: new Map(), continued: 0, refolds: 0 };
  for (const batch of batches) {
    applyBatch(stored, batch);
    // After every batch, not only the last: the state is the fold of what is stored.
    expect(stored.state).toStrictEqual(foldInstance([...stored.events.values()]));
  }
  return stored;
}

const cutsArb = fc.array(fc.nat({ max: 60 }), { maxLength: 8 });

describe('continueFold properties', () => {
  it('any split into batches, any order, with duplicates: the state of the full fold', () => {
    const arb = historyArb.chain((events) =>
      fc.tuple(fc.constant(events), redeliveredArb(events), cutsArb),
    );
    fc.assert(
      fc.property(arb, ([events, redelivered, cuts]) => {
        const stored = ingest(splitAt(redelivered, cuts));
        expect(stored.state).toStrictEqual(foldInstance(events));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('events arriving in order (with replays) are only ever continued after the first batch', () => {
    const arb = historyArb.chain((events) => {
      const ordered = [...events].sort(compareEvents);
      return fc.tuple(
        fc.constant(ordered),
        cutsArb,
        fc.array(fc.nat({ max: 60 }), { maxLength: 6 }),
      );
    });
    fc.assert(
      fc.property(arb, ([ordered, cuts, replays]) => {
        const batches = splitAt(ordered, cuts);
        // A replay of an earlier batch's event: stored already, so nothing new to fold.
        const withReplays = batches.map((batch, i) => {
          const earlier = batches.slice(0, i).flat();
          const copies =
            earlier.length === 0 ? [] : replays.map((r) => earlier[r % earlier.length]);
          return [...(copies as FlowtrailEvent[]).map((e) => structuredClone(e)), ...batch];
        });
        const stored = ingest(withReplays);
        expect(stored.refolds).toBe(1);
        expect(stored.continued).toBe(batches.length - 1);
        expect(stored.state).toStrictEqual(foldInstance(ordered));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the summary survives JSON and continues to the same state as the in-memory one', () => {
    const arb = historyArb.chain((events) =>
      fc.tuple(fc.constant([...events].sort(compareEvents)), fc.nat({ max: 30 })),
    );
    fc.assert(
      fc.property(arb, ([ordered, cut]) => {
        const point = cut % ordered.length;
        const head = ordered.slice(0, Math.max(1, point));
        const tail = ordered.slice(Math.max(1, point));
        const { summary } = foldWithSummary(head);
        const revived = JSON.parse(JSON.stringify(summary)) as unknown;
        expect(isFoldSummary(revived)).toBe(true);
        const direct = continueFold(summary, tail);
        const viaJson = continueFold(revived as FoldSummary, tail);
        expect(viaJson).toStrictEqual(direct);
        expect(direct?.state).toStrictEqual(foldInstance(ordered));
        // Continuing does not change the summary it started from.
        expect(summary).toStrictEqual(revived);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('continueFold', () => {
  it('refuses an event that sorts before (or at) the last folded one', () => {
    const first = event(T.processStarted, at(0));
    const late = event(T.stepStarted, at(10), { step: 'pick' });
    const { summary } = foldWithSummary([first, late]);
    expect(continueFold(summary, [event(T.stepCompleted, at(5), { step: 'pick' })])).toBe(
      undefined,
    );
    // Same instant, earlier phase (a step start sorts before a completion's phase).
    const sameInstant = event(T.processStarted, at(10));
    expect(continueFold(summary, [sameInstant])).toBe(undefined);
    expect(continueFold(summary, [event(T.stepCompleted, at(10), { step: 'pick' })])).toBeDefined();
  });

  it('refuses an event of another instance', () => {
    const { summary } = foldWithSummary([event(T.processStarted, at(0))]);
    expect(
      continueFold(summary, [event(T.stepStarted, at(1), { step: 'x', instance: 'other' })]),
    ).toBe(undefined);
  });

  it('without new events gives the summary state itself', () => {
    const events = [event(T.processStarted, at(0)), event(T.stepStarted, at(1), { step: 'a' })];
    const full = foldWithSummary(events);
    expect(continueFold(full.summary, [])).toStrictEqual(full);
  });

  it('keeps the summary small: it does not grow with events that add nothing new', () => {
    const start = event(T.processStarted, at(0));
    const notes = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        event(
          'com.shop.note',
          `2024-03-01T11:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`,
        ),
      );
    const small = JSON.stringify(foldWithSummary([start, ...notes(5)]).summary);
    const large = JSON.stringify(foldWithSummary([start, ...notes(900)]).summary);
    expect(large.length - small.length).toBeLessThan(20);
  });

  it('is not a summary when the version or the shape differ', () => {
    const { summary } = foldWithSummary([event(T.processStarted, at(0))]);
    expect(isFoldSummary(summary)).toBe(true);
    expect(isFoldSummary({ ...summary, v: FOLD_SUMMARY_VERSION + 1 })).toBe(false);
    expect(isFoldSummary({ ...summary, acc: { ...summary.acc, steps: undefined } })).toBe(false);
    expect(isFoldSummary(null)).toBe(false);
    expect(isFoldSummary('{}')).toBe(false);
  });
});

describe('ingest folds and their derive step', () => {
  it('foldInstance derives nothing; a derivedFold carries its step; others are opaque', () => {
    const events = [event(T.processStarted, at(0))];
    const identity = deriveOf(foldInstance);
    expect(identity?.(foldInstance(events))).toStrictEqual(foldInstance(events));
    const mark = (state: InstanceState): InstanceState => ({ ...state, nextDeadline: at(30) });
    const fold = derivedFold(mark);
    expect(fold(events)).toStrictEqual(mark(foldInstance(events)));
    expect(deriveOf(fold)).toBe(mark);
    expect(deriveOf((list) => foldInstance(list))).toBe(undefined);
  });
});
