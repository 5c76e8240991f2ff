/**
 * Timeline markers from alerts: findings, actions taken on them and their resolution, put
 * on the lane of the instance they concern. Pure.
 *
 * An alert is shown when its instance or one of its `relatedKeys` is on the timeline; its
 * markers go on the lane (system) of its own instance when in view, else of the first
 * (sorted) related instance in view. Its history becomes markers:
 * - `finding`: a `firing` entry that starts an occurrence (the first entry, or one after
 *   a resolution); when the history holds none (trimmed), one at the alert's `since`;
 * - `alert-resolved`: a `resolved` entry;
 * - `action`: every other entry — acknowledgement, silence, silence expiry, escalation
 *   rungs recorded as notes.
 * The summary is the entry's note, else the alert's summary (findings) or the status.
 */
import type { Alert } from '../alerts/alert.ts';
import type { InstanceState } from '../instance/instance-state.ts';
import { cmp, norm } from './timeline-time.ts';

export type MarkerKind = 'finding' | 'action' | 'alert-resolved';

export interface TimelineMarker {
  lane: string;
  /** Instance the marker is placed on. */
  instanceKey: string;
  time: string;
  kind: MarkerKind;
  alertId: string;
  summary: string;
}

const KIND_ORDER: Record<MarkerKind, number> = { finding: 0, action: 1, 'alert-resolved': 2 };

function markersOfAlert(alert: Alert, lane: string, instanceKey: string): TimelineMarker[] {
  const base = { lane, instanceKey, alertId: alert.id };
  const out: TimelineMarker[] = [];
  let previous: string | undefined;
  for (const entry of alert.history) {
    // An episode begins firing, or pending (a stuck condition within its delivery grace).
    const begins = entry.status === 'firing' || entry.status === 'pending';
    const starts = begins && (previous === undefined || previous === 'resolved');
    const kind: MarkerKind = starts
      ? 'finding'
      : entry.status === 'resolved'
        ? 'alert-resolved'
        : 'action';
    const fallback = kind === 'finding' ? alert.summary : entry.status;
    out.push({ ...base, time: norm(entry.at), kind, summary: entry.note ?? fallback });
    previous = entry.status;
  }
  if (!out.some((m) => m.kind === 'finding')) {
    out.push({ ...base, time: norm(alert.since), kind: 'finding', summary: alert.summary });
  }
  return out;
}

export function alertMarkers(
  alerts: readonly Alert[],
  instances: readonly InstanceState[],
): TimelineMarker[] {
  const laneOf = new Map(instances.map((s) => [s.key, s.source]));
  const seen = new Set<string>();
  const markers: TimelineMarker[] = [];
  const ordered = [...alerts].sort((a, b) => cmp(a.id, b.id) || b.version - a.version);
  for (const alert of ordered) {
    if (seen.has(alert.id)) continue;
    const key = laneOf.has(alert.instance)
      ? alert.instance
      : [...alert.relatedKeys].sort(cmp).find((k) => laneOf.has(k));
    if (key === undefined) continue;
    seen.add(alert.id);
    markers.push(...markersOfAlert(alert, laneOf.get(key) as string, key));
  }
  return markers.sort(
    (a, b) =>
      cmp(a.time, b.time) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      cmp(a.alertId, b.alertId) ||
      cmp(a.summary, b.summary),
  );
}
