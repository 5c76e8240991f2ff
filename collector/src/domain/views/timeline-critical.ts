/**
 * The critical path of a timeline: the chain of step attempts and messages, across the
 * systems, that the instance's end waited on — what to shorten to finish sooner (the
 * critical path of a distributed trace, as Jaeger draws it, over business steps).
 * Walked backwards from the root's latest-ending attempt: in the current instance, the
 * latest thing that ended by the cursor is on the path — a message received there (then
 * the path jumps to its sender at the sending time), or an attempt; an attempt that
 * received a message during one of its waits (`step.waiting` … its end) was waiting for
 * it, so the path goes on through the latest such message, else from the attempt's start
 * (a message an attempt merely received while working is not taken for what it waited
 * on). Marks `critical: true` on those bars and arrows.
 * Pure; each bar and arrow is taken at most once, so the walk ends.
 */
import { instantOf } from '../instance/event-order.ts';
import type { TimelineArrow, TimelineBar, TimelineWait } from './timeline-types.ts';

type Received = TimelineArrow & {
  from: NonNullable<TimelineArrow['from']>;
  to: NonNullable<TimelineArrow['to']>;
};

const delivered = (a: TimelineArrow): a is Received => a.from !== undefined && a.to !== undefined;

/** Marks the critical path in place; `endMs` is where open bars end (the timeline's end). */
export function markCriticalPath(
  rootKey: string,
  bars: TimelineBar[],
  arrows: TimelineArrow[],
  waits: readonly TimelineWait[],
  endMs: number,
): void {
  const endOf = (b: TimelineBar) => (b.end === undefined ? endMs : instantOf(b.end));
  const taken = new Set<object>();
  const messages = arrows.filter(delivered);
  /** The message into `key` received latest within [from, to], not taken yet. */
  const latestInto = (key: string, from: number, to: number): Received | undefined => {
    let best: Received | undefined;
    for (const a of messages) {
      const at = instantOf(a.to.time);
      if (a.to.instanceKey !== key || at < from || at > to || taken.has(a)) continue;
      if (best === undefined || at > instantOf(best.to.time)) best = a;
    }
    return best;
  };
  const follow = (a: Received): { key: string; at: number } => {
    taken.add(a);
    a.critical = true;
    return { key: a.from.instanceKey, at: instantOf(a.from.time) };
  };
  let cursor: { key: string; at: number } | undefined = { key: rootKey, at: Infinity };
  while (cursor !== undefined) {
    const key: string = cursor.key;
    const at: number = cursor.at;
    let bar: TimelineBar | undefined;
    for (const b of bars) {
      if (b.instanceKey !== key || taken.has(b) || endOf(b) > at) continue;
      if (bar === undefined || endOf(b) > endOf(bar)) bar = b;
    }
    const message = latestInto(key, -Infinity, at);
    if (message !== undefined && (bar === undefined || instantOf(message.to.time) >= endOf(bar))) {
      cursor = follow(message);
      continue;
    }
    if (bar === undefined) break;
    taken.add(bar);
    bar.critical = true;
    let waitedFor: Received | undefined;
    for (const w of waits) {
      if (w.instanceKey !== key || w.step !== bar.step) continue;
      const from = Math.max(instantOf(w.start), instantOf(bar.start));
      const to = Math.min(w.end === undefined ? endMs : instantOf(w.end), endOf(bar));
      const candidate = from <= to ? latestInto(key, from, to) : undefined;
      if (candidate === undefined) continue;
      if (waitedFor === undefined || instantOf(candidate.to.time) > instantOf(waitedFor.to.time))
        waitedFor = candidate;
    }
    cursor = waitedFor !== undefined ? follow(waitedFor) : { key, at: instantOf(bar.start) };
  }
}
