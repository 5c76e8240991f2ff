/**
 * Which ladder rungs an alert has taken in its current episode, read from and written to
 * the alert's history (pure). A rung is recorded as the note `rung <id> @<since>`: the
 * episode is identified by the finding's `since`, so a problem that returns (a new
 * `since`) climbs the ladder again from the bottom.
 */
import { MAX_HISTORY, type Alert } from '../alerts/alert.ts';

const PREFIX = 'rung ';

export function takenRungs(alert: Alert): Set<string> {
  const taken = new Set<string>();
  const suffix = ` @${alert.since}`;
  for (const entry of alert.history) {
    const note = entry.note;
    if (note?.startsWith(PREFIX) && note.includes(suffix)) {
      taken.add(note.slice(PREFIX.length, note.indexOf(suffix)));
    }
  }
  return taken;
}

export function withRungTaken(alert: Alert, rungId: string, at: string, what: string): Alert {
  const entry = { at, status: alert.status, note: `${PREFIX}${rungId} @${alert.since}: ${what}` };
  return { ...alert, history: [...alert.history, entry].slice(-MAX_HISTORY) };
}
