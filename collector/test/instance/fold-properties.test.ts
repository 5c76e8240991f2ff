import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { compareEvents } from '../../src/domain/instance/event-order.ts';
import { foldInstance, foldInstanceAsOf } from '../../src/domain/instance/fold.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { formatTime, historyArb, redeliveredArb } from './history-arbitrary.ts';

const NUM_RUNS = 300;
const T = EventTypes;
const TERMINAL: Record<string, InstanceState['status']> = {
  [T.processCompleted]: 'completed',
  [T.processFailed]: 'failed',
  [T.processCancelled]: 'cancelled',
};

const instant = (time: string): number => Date.parse(time);

describe('foldInstance properties', () => {
  it('(a) any permutation and re-delivery of the same events gives a deep-equal state', () => {
    const arb = historyArb.chain((events) => fc.tuple(fc.constant(events), redeliveredArb(events)));
    fc.assert(
      fc.property(arb, ([events, redelivered]) => {
        expect(foldInstance(redelivered)).toStrictEqual(foldInstance(events));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(a) differing copies of one id resolve the same way in any order', () => {
    const arb = historyArb.chain((events) =>
      fc
        .array(
          fc.record({
            index: fc.nat({ max: events.length - 1 }),
            owner: fc.constantFrom('zed', 'amy'),
            shift: fc.integer({ min: -600_000, max: 600_000 }),
          }),
          { minLength: 1, maxLength: 5 },
        )
        .chain((changes) => {
          const conflicting = changes.map(({ index, owner, shift }) => {
            const original = events[index] as FlowtrailEvent;
            const time = formatTime(instant(original.time) + shift, 0, false);
            return { ...structuredClone(original), ftowner: owner, time };
          });
          const all = [...events, ...conflicting];
          return fc.tuple(
            fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
            fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
          );
        }),
    );
    fc.assert(
      fc.property(arb, ([one, other]) => {
        expect(foldInstance(one)).toStrictEqual(foldInstance(other));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(b) foldInstanceAsOf(T) equals folding the events with time <= T', () => {
    const arb = historyArb.chain((events) => {
      const times = events.map((e) => instant(e.time));
      const [min, max] = [Math.min(...times), Math.max(...times)];
      const asOf = fc.oneof(
        fc.constantFrom(...events.map((e) => e.time)),
        fc
          .integer({ min: min - 60_000, max: max + 60_000 })
          .chain((ms) =>
            fc.constantFrom(
              formatTime(ms, 0, true),
              formatTime(ms, 120, true),
              formatTime(ms, -330, true),
            ),
          ),
      );
      return fc.tuple(fc.constant(events), asOf);
    });
    fc.assert(
      fc.property(arb, ([events, asOf]) => {
        const visible = events.filter((e) => instant(e.time) <= instant(asOf));
        const expected = visible.length === 0 ? undefined : foldInstance(visible);
        expect(foldInstanceAsOf(events, asOf)).toStrictEqual(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(c) eventCount equals the number of distinct ids', () => {
    const arb = historyArb.chain((events) => redeliveredArb(events));
    fc.assert(
      fc.property(arb, (events) => {
        expect(foldInstance(events).eventCount).toBe(new Set(events.map((e) => e.id)).size);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(d) the state is JSON-round-trip stable (no undefined, no Date)', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const state = foldInstance(events);
        expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(e) nextDeadline is the earliest open deadline, absent when none or terminal', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const state = foldInstance(events);
        const terminal = state.status in { completed: 1, failed: 1, cancelled: 1 };
        const current = state.steps.filter((s) => state.currentSteps.includes(s.name));
        const open = [
          ...state.waits.map((w) => w.deadline),
          ...current.map((s) => s.deadline),
          ...state.expectations.filter((x) => x.status === 'open').map((x) => x.deadline),
        ].filter((d): d is string => d !== undefined);
        if (terminal || open.length === 0) {
          expect(state).not.toHaveProperty('nextDeadline');
        } else {
          expect(state.nextDeadline).toBeDefined();
          expect(open).toContain(state.nextDeadline);
          expect(instant(state.nextDeadline as string)).toBe(Math.min(...open.map(instant)));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('status follows the first terminal event, else waiting iff a step waits', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const state = foldInstance(events);
        const firstTerminal = [...events].sort(compareEvents).find((e) => e.type in TERMINAL);
        if (firstTerminal !== undefined) {
          expect(state.status).toBe(TERMINAL[firstTerminal.type]);
          expect(state.endedAt).toBe(firstTerminal.time);
          expect(state.currentSteps).toEqual([]);
        } else {
          const waiting = state.steps.some((s) => s.status === 'waiting');
          expect(state.status).toBe(waiting ? 'waiting' : 'running');
          expect(state.waits.map((w) => w.step)).toEqual(
            state.steps.filter((s) => s.status === 'waiting').map((s) => s.name),
          );
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('attempts count the distinct step.started events of each step', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const state = foldInstance(events);
        for (const step of state.steps) {
          const starts = events.filter((e) => e.type === T.stepStarted && e.ftstep === step.name);
          expect(step.attempts).toBe(starts.length);
        }
        const times = events.map((e) => instant(e.time));
        expect(instant(state.firstEventAt)).toBe(Math.min(...times));
        expect(instant(state.lastEventAt)).toBe(Math.max(...times));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
