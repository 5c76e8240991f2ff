/**
 * How the scenario's events reach the collector: some delivered more than once under
 * the same id (at-least-once transports), all in a random order. Pure (seeded).
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { Random } from '../../../src/tools/demo/random.ts';

/** Each event once, plus 1–2 identical re-deliveries of a `rate` share of them. */
export function redeliver(
  events: readonly FlowtrailEvent[],
  rnd: Random,
  rate: number,
): FlowtrailEvent[] {
  const out: FlowtrailEvent[] = [];
  for (const event of events) {
    out.push(event);
    if (!rnd.chance(rate)) continue;
    const copies = rnd.int(1, 2);
    for (let i = 0; i < copies; i += 1) out.push(structuredClone(event));
  }
  return out;
}

/** A Fisher–Yates shuffle (new array). */
export function shuffle<T>(items: readonly T[], rnd: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = rnd.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
