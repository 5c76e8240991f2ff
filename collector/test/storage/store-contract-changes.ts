/**
 * The change-feed part of the storage contract (`instanceChanges`, storage/change-feed.ts):
 * every stored state write gets a higher number than the writes before it; the page after
 * a number lists the instances written since, each once, in the order of its latest write;
 * a superseded state (folded from fewer events) is not a write. The live channel
 * (`GET /api/live`) reads this. Needs `refresh` on Elasticsearch (near-real-time).
 *
 * Tests of one suite run one after another, so between two reads only the writes of the
 * running test happen.
 */
import { describe, expect, it } from 'vitest';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { isRetriable } from '../../src/shared/errors.ts';
import type { ContractContext } from './store-contract.ts';
import { history, keyOf, tag } from './store-contract-fixtures.ts';

const NO_FAILURES = { retriable: [], rejected: [] };

const running = (process: string, instance: string) =>
  history({ process, instance, start: '2024-06-01T10:00:00Z', outcome: 'running', step: 'pick' });

export function describeChangeContract({ store, refresh, ingest }: ContractContext): void {
  describe('change feed', () => {
    it('numbers every state write and lists the instances written after a number', async () => {
      await refresh();
      const before = await store().instanceChanges(undefined, 10);
      expect(before).toEqual({ seq: expect.any(Number), keys: [], truncated: false });
      const t = tag();
      const a = running(`chg-${t}`, `a-${t}`);
      const b = running(`chg-${t}`, `b-${t}`);
      await ingest(a);
      await ingest(b);

      const first = await store().instanceChanges(before.seq, 10);
      expect(first.seq).toBeGreaterThan(before.seq);
      expect(first).toEqual({ seq: first.seq, keys: [keyOf(a), keyOf(b)], truncated: false });
      expect(await store().instanceChanges(first.seq, 10)).toEqual({
        seq: first.seq,
        keys: [],
        truncated: false,
      });

      // A rewrite (a replay folds the same events again) is a write: `a` is now the newest.
      expect(await store().writeStates([foldInstance(a)])).toEqual(NO_FAILURES);
      await refresh();
      const second = await store().instanceChanges(first.seq, 10);
      expect(second.seq).toBeGreaterThan(first.seq);
      expect(second.keys).toEqual([keyOf(a)]);
      expect((await store().instanceChanges(before.seq, 10)).keys).toEqual([keyOf(b), keyOf(a)]);

      // A state folded from fewer events is superseded, not written.
      expect(await store().writeStates([foldInstance(a.slice(0, 1))])).toEqual(NO_FAILURES);
      await refresh();
      expect(await store().instanceChanges(second.seq, 10)).toEqual({
        seq: second.seq,
        keys: [],
        truncated: false,
      });
    });

    it('lists at most `limit` instances and says when there are more', async () => {
      await refresh();
      const before = await store().instanceChanges(undefined, 0);
      const t = tag();
      const histories = ['x', 'y', 'z'].map((name) => running(`cap-${t}`, `${name}-${t}`));
      for (const events of histories) await ingest(events);
      const [x, y] = histories.map((events) => keyOf(events));

      const capped = await store().instanceChanges(before.seq, 2);
      expect(capped).toEqual({ seq: capped.seq, keys: [x, y], truncated: true });
      expect(capped.seq).toBeGreaterThanOrEqual(before.seq + 3);
      expect(await store().instanceChanges(before.seq, 0)).toEqual({
        seq: capped.seq,
        keys: [],
        truncated: true,
      });
      expect((await store().instanceChanges(before.seq, 3)).truncated).toBe(false);
    });

    it('rejects a bad limit or sequence number with a non-retriable error', async () => {
      for (const [after, limit] of [
        [undefined, -1],
        [undefined, 1.5],
        [undefined, 100_000],
        [-1, 10],
        [0.5, 10],
      ] as const) {
        await expect(store().instanceChanges(after, limit)).rejects.toSatisfy(
          (err) => !isRetriable(err),
        );
      }
    });
  });
}
