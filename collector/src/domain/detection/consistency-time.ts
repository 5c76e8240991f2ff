/** Instants for the detection rules: `now` in any common form, ISO results. Pure. */
import { instantOf } from '../instance/event-order.ts';

/** What the rules accept as `now`: a Date, epoch milliseconds or an RFC 3339 time. */
export type Now = Date | number | string;

export function nowMs(now: Now): number {
  if (typeof now === 'number') return now;
  if (typeof now === 'string') return instantOf(now);
  return now.getTime();
}

/** `time` plus `ms`, as an ISO-8601 UTC string. */
export function plusMs(time: string | number, ms: number): string {
  const base = typeof time === 'number' ? time : instantOf(time);
  return new Date(base + ms).toISOString();
}

/** The latest of some times, by instant. */
export function latestOf(...times: string[]): string {
  let best = times[0];
  if (best === undefined) throw new RangeError('latestOf: no times');
  for (const time of times) if (instantOf(time) > instantOf(best)) best = time;
  return best;
}

/**
 * True when a finding whose grace ends at `since` (ISO) is due at `now`: strictly
 * after it, like deadlines in stuck.ts (the last allowed moment is still on time).
 */
export function isDue(since: string, now: number): boolean {
  return now > instantOf(since);
}
