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
 *
 * Times are parsed once and each instance's bars and received messages sorted by their
 * end, so a step of the walk is a binary search, not a scan: an instance with thousands
 * of attempts costs O(n log n), not O(n²). Pure; each bar and arrow is taken at most
 * once, so the walk ends.
 */
import { instantOf } from '../instance/event-order.ts';
import type { TimelineArrow, TimelineBar, TimelineWait } from './timeline-types.ts';

interface Timed<T> {
  item: T;
  /** When it ended: a bar's end (open: the timeline's end), a message's receipt. */
  end: number;
  taken: boolean;
}

interface BarEntry extends Timed<TimelineBar> {
  start: number;
}

interface MessageEntry extends Timed<TimelineArrow> {
  fromKey: string;
  sent: number;
}

/** Index of the last entry with `end <= at` (-1 when none); `list` sorted by `end`. */
function lastEndingBy(list: readonly Timed<unknown>[], at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as Timed<unknown>).end <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The latest entry not taken with `from <= end <= to`. */
function latest<T extends Timed<unknown>>(
  list: readonly T[] | undefined,
  from: number,
  to: number,
) {
  if (list === undefined) return undefined;
  for (let i = lastEndingBy(list, to); i >= 0; i--) {
    const entry = list[i] as T;
    if (entry.end < from) return undefined;
    if (!entry.taken) return entry;
  }
  return undefined;
}

function grouped<T extends Timed<unknown>>(entries: T[], keyOf: (e: T) => string) {
  const byKey = new Map<string, T[]>();
  for (const e of entries) {
    const key = keyOf(e);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [e]);
    else list.push(e);
  }
  for (const list of byKey.values()) list.sort((a, b) => a.end - b.end);
  return byKey;
}

/** Marks the critical path in place; `endMs` is where open bars end (the timeline's end). */
export function markCriticalPath(
  rootKey: string,
  bars: TimelineBar[],
  arrows: TimelineArrow[],
  waits: readonly TimelineWait[],
  endMs: number,
): void {
  const barsByKey = grouped(
    bars.map((item): BarEntry => ({
      item,
      start: instantOf(item.start),
      end: item.end === undefined ? endMs : instantOf(item.end),
      taken: false,
    })),
    (e) => e.item.instanceKey,
  );
  const messagesInto = grouped(
    arrows.flatMap((item): MessageEntry[] =>
      item.from === undefined || item.to === undefined
        ? []
        : [
            {
              item,
              fromKey: item.from.instanceKey,
              sent: instantOf(item.from.time),
              end: instantOf(item.to.time),
              taken: false,
            },
          ],
    ),
    (e) => (e.item.to as NonNullable<TimelineArrow['to']>).instanceKey,
  );
  const waitsOf = new Map<string, { start: number; end: number }[]>();
  for (const w of waits) {
    const key = `${w.instanceKey}\u0000${w.step}`;
    const span = { start: instantOf(w.start), end: w.end === undefined ? endMs : instantOf(w.end) };
    const list = waitsOf.get(key);
    if (list === undefined) waitsOf.set(key, [span]);
    else list.push(span);
  }
  const follow = (m: MessageEntry): { key: string; at: number } => {
    m.taken = true;
    m.item.critical = true;
    return { key: m.fromKey, at: m.sent };
  };
  let cursor: { key: string; at: number } | undefined = { key: rootKey, at: Infinity };
  while (cursor !== undefined) {
    const key: string = cursor.key;
    const at: number = cursor.at;
    const bar = latest(barsByKey.get(key), -Infinity, at);
    const message = latest(messagesInto.get(key), -Infinity, at);
    if (message !== undefined && (bar === undefined || message.end >= bar.end)) {
      cursor = follow(message);
      continue;
    }
    if (bar === undefined) break;
    bar.taken = true;
    bar.item.critical = true;
    let waitedFor: MessageEntry | undefined;
    for (const w of waitsOf.get(`${key}\u0000${bar.item.step}`) ?? []) {
      const from = Math.max(w.start, bar.start);
      const to = Math.min(w.end, bar.end);
      const candidate = from <= to ? latest(messagesInto.get(key), from, to) : undefined;
      if (candidate !== undefined && (waitedFor === undefined || candidate.end > waitedFor.end)) {
        waitedFor = candidate;
      }
    }
    cursor = waitedFor !== undefined ? follow(waitedFor) : { key, at: bar.start };
  }
}
