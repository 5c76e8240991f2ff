/**
 * Whether an alert was repaired automatically — the self-repair the alerts page counts:
 * it is resolved, and in its last episode (from the firing or pending entry that began it:
 * the first entry, or the first after a resolution) the escalation ladder asked a system to resend
 * (the rung's outcome note `→ resend … asked of …`, collector/src/app/detection/
 * ladder-runner.ts) and nobody acknowledged or silenced it. Pure: read off the history
 * the alerts list returns with `history=true`.
 */
/** What of a history entry is read (`AlertHistoryEntry` of lib/types.ts satisfies it). */
interface Entry {
  status: string;
  note?: string | undefined;
}

const RESEND_ASKED = /: → resend \S+ asked of /;

export function repairedAutomatically(alert: {
  status: string;
  history?: readonly Entry[] | undefined;
}): boolean {
  const history = alert.history ?? [];
  if (alert.status !== 'resolved' || history.length === 0) return false;
  let start = 0;
  for (let i = history.length - 1; i > 0; i--) {
    const begins = history[i]?.status === 'firing' || history[i]?.status === 'pending';
    if (begins && history[i - 1]?.status === 'resolved') {
      start = i;
      break;
    }
  }
  const episode = history.slice(start);
  const touched = episode.some((h) => h.status === 'acknowledged' || h.status === 'silenced');
  return !touched && episode.some((h) => RESEND_ASKED.test(h.note ?? ''));
}
