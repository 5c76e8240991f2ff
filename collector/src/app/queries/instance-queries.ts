/**
 * The query layer over the storage port's `InstanceReader`: what the HTTP API's query
 * routes answer (the dashboard and the CLI read them over HTTP, so there is one query
 * implementation). Unknown instances are `NotFoundError`.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { FindingKind } from '../../domain/detection/finding.ts';
import type { AlertStore } from '../../ports/alert-store.ts';
import {
  MAX_KEY_FILTER,
  type InstancePage,
  type InstanceQuery,
  type InstanceReader,
} from '../../ports/event-store.ts';
import { NotFoundError, UnavailableError } from '../errors.ts';

/** Statuses no fold produces: resolved through open alerts (`searchInstances`). */
export type AlertDerivedStatus = 'stuck' | 'inconsistent';

/** An `InstanceQuery` plus the status the query layer resolves through alerts. */
export interface InstanceSearch extends InstanceQuery {
  alertStatus?: AlertDerivedStatus;
}

export const DEFAULT_PAGE_SIZE = 20;

/** What the alert-derived statuses need: the open alerts of a scope. */
export type OpenAlertSource = Pick<AlertStore, 'openAlerts'>;

const OTHER_KINDS: readonly FindingKind[] = [
  'missing-subprocess',
  'lost-completion',
  'orphan',
  'duplicate',
  'divergence',
  'nonconformance',
];

/** Alert kinds behind each alert-derived status: stuck → `stuck`, inconsistent → the rest. */
export const ALERT_KINDS: Record<AlertDerivedStatus, readonly FindingKind[]> = {
  stuck: ['stuck'],
  inconsistent: OTHER_KINDS,
};

/**
 * Keys of the instances with an open alert (firing, acknowledged or silenced) of the
 * status's kinds, sorted; at most MAX_KEY_FILTER (`capped` when there were more: the
 * search then covers the first MAX_KEY_FILTER keys in key order).
 */
export async function keysWithOpenAlerts(
  alerts: OpenAlertSource,
  status: AlertDerivedStatus,
  process?: string,
): Promise<{ keys: string[]; capped: boolean }> {
  const open = await alerts.openAlerts({
    kinds: ALERT_KINDS[status],
    ...(process !== undefined ? { processes: [process] } : {}),
  });
  const keys = [...new Set(open.map((alert) => alert.instance))].sort();
  return { keys: keys.slice(0, MAX_KEY_FILTER), capped: keys.length > MAX_KEY_FILTER };
}

function intersect(a: readonly string[] | undefined, b: readonly string[]): string[] {
  if (a === undefined) return [...b];
  const keep = new Set(a);
  return b.filter((key) => keep.has(key));
}

/**
 * Searches instances. `alertStatus` (stuck / inconsistent) is resolved through `alerts`
 * into a `keys` filter (503 when the collector has no alerts). With `facets`, the status
 * facet also counts `stuck` and `inconsistent` instances within the filtered set (when
 * alerts are available).
 */
export async function searchInstances(
  reader: InstanceReader,
  search: InstanceSearch,
  alerts?: OpenAlertSource,
): Promise<InstancePage & { capped?: true }> {
  const { alertStatus, ...rest } = search;
  const query: InstanceQuery = { from: 0, size: DEFAULT_PAGE_SIZE, ...rest };
  let capped = false;
  if (alertStatus !== undefined) {
    if (alerts === undefined) {
      throw new UnavailableError(
        `status ${alertStatus} needs alerts, which are not enabled`,
        false,
      );
    }
    const resolved = await keysWithOpenAlerts(alerts, alertStatus, query.process);
    query.keys = intersect(query.keys, resolved.keys);
    capped = resolved.capped;
  }
  const page = await reader.search(query);
  if (query.facets === true && page.facets !== undefined && alerts !== undefined) {
    for (const status of ['stuck', 'inconsistent'] as const) {
      const resolved = await keysWithOpenAlerts(alerts, status, query.process);
      if (resolved.keys.length === 0) continue;
      const { total } = await reader.search({
        ...query,
        keys: intersect(query.keys, resolved.keys),
        facets: false,
        from: 0,
        size: 0,
      });
      if (total > 0) page.facets.status.push({ value: status, count: total });
    }
  }
  return capped ? { ...page, capped: true } : page;
}

export async function findInstance(reader: InstanceReader, key: string): Promise<InstanceState> {
  const state = await reader.getInstance(key);
  if (state === undefined) throw new NotFoundError(`no instance with key "${key}"`);
  return state;
}

/** The instance's events, oldest first; 404 when neither a state nor events exist. */
export async function instanceEvents(
  reader: InstanceReader,
  key: string,
): Promise<{ events: FlowtrailEvent[] }> {
  const events = await reader.getEvents(key);
  if (events.length === 0 && (await reader.getInstance(key)) === undefined) {
    throw new NotFoundError(`no instance with key "${key}"`);
  }
  return { events };
}
