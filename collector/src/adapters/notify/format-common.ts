/** Text shared by the formatters: the headline, durations, field rows, escaping. Pure. */
import type { Notification, NotificationTransition } from '../../ports/notifier.ts';

const LABELS: Record<NotificationTransition, string> = {
  fired: 'FIRING',
  resolved: 'RESOLVED',
  acknowledged: 'ACKNOWLEDGED',
  silenced: 'SILENCED',
  escalated: 'ESCALATED',
};

export function transitionLabel(transition: NotificationTransition): string {
  return LABELS[transition];
}

/** Collapses whitespace (incl. CR/LF, which must never reach a header) into single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `FIRING stuck: payment p-981 step capture (team-payments)`, on one line. */
export function headline(n: Notification): string {
  let text = `${transitionLabel(n.transition)} ${n.kind}: ${n.process} ${n.instance}`;
  if (n.step !== undefined) text += ` step ${n.step}`;
  if (n.owner !== undefined) text += ` (${n.owner})`;
  return oneLine(text);
}

/** `waitingMs`, else `at - since` when both are valid times and in order, else undefined. */
export function waitingMs(n: Notification): number | undefined {
  if (n.waitingMs !== undefined) return n.waitingMs;
  const since = Date.parse(n.since);
  const at = Date.parse(n.at);
  return Number.isNaN(since) || Number.isNaN(at) || at < since ? undefined : at - since;
}

/** `45s`, `12m 30s`, `2h 05m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export interface FieldRow {
  label: string;
  value: string;
}

/** The facts every human-readable format shows, in order; absent ones are left out. */
export function fieldRows(n: Notification): FieldRow[] {
  const rows: FieldRow[] = [
    { label: 'Kind', value: n.kind },
    { label: 'Status', value: n.status },
    { label: 'Process', value: n.process },
    { label: 'Instance', value: n.instance },
    { label: 'System', value: n.source },
  ];
  if (n.step !== undefined) rows.push({ label: 'Step', value: n.step });
  if (n.owner !== undefined) rows.push({ label: 'Owner', value: n.owner });
  const waiting = waitingMs(n);
  if (waiting !== undefined) rows.push({ label: 'Waiting', value: formatDuration(waiting) });
  rows.push({ label: 'Since', value: n.since });
  return rows;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Slack mrkdwn: only `&`, `<` and `>` are control characters (they start links and mentions). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
