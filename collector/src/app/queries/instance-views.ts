/**
 * The query functions behind the dashboard's instance views (docs/views.md): the
 * end-to-end timeline of an instance with its family (parent, children, siblings, across
 * systems) and the instance's state as of an instant (the time slider). Reads through the
 * storage ports; the geometry is the pure `buildTimeline`. Unknown instances are
 * `NotFoundError`.
 */
import { instanceKey, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { Alert } from '../../domain/alerts/alert.ts';
import { foldInstanceAsOf } from '../../domain/instance/fold.ts';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import { NotFoundError } from '../errors.ts';
import type { AlertStore } from '../../ports/alert-store.ts';
import type { DetectionReader, InstanceReader } from '../../ports/event-store.ts';
import { buildTimeline, type Timeline } from '../../domain/views/timeline.ts';

/** What the timeline reads of the related instances; stores without it give no family. */
export type FamilyReader = Pick<DetectionReader, 'childrenOf' | 'instancesByKeys'>;

/** Most alerts read per instance of the family. */
const ALERTS_PER_INSTANCE = 100;

async function instanceOrNotFound(reader: InstanceReader, key: string): Promise<InstanceState> {
  const state = await reader.getInstance(key);
  if (state === undefined) throw new NotFoundError(`no instance with key "${key}"`);
  return state;
}

/** Parent, children and siblings of `root` (never `root`), by key, each once. */
export async function familyOf(
  reader: InstanceReader & FamilyReader,
  root: InstanceState,
): Promise<InstanceState[]> {
  const family = new Map<string, InstanceState>();
  const add = (states: readonly InstanceState[]): void => {
    for (const s of states) if (s.key !== root.key && !family.has(s.key)) family.set(s.key, s);
  };
  add(
    await reader.childrenOf({
      source: root.source,
      process: root.process,
      instance: root.instance,
    }),
  );
  if (root.parent !== undefined) {
    const { source, process, instance } = root.parent;
    const parentKey = instanceKey({ source, process, instance });
    add(await reader.instancesByKeys([parentKey]));
    add(await reader.childrenOf({ source, process, instance }));
  }
  return [...family.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Alerts about (or involving) any of `keys`, each once, by id. */
async function alertsOf(
  alerts: Pick<AlertStore, 'searchAlerts'> | undefined,
  keys: readonly string[],
): Promise<Alert[]> {
  if (alerts === undefined) return [];
  const byId = new Map<string, Alert>();
  const pages = await Promise.all(
    keys.map((instance) => alerts.searchAlerts({ instance, size: ALERTS_PER_INSTANCE })),
  );
  for (const page of pages) for (const alert of page.alerts) byId.set(alert.id, alert);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface InstanceTimeline extends Timeline {
  /** The instances in view: the root first, then its family by key. */
  instances: InstanceState[];
}

/** The timeline of `key` and its family as of `now` (an ISO-8601 instant). */
export async function instanceTimeline(
  reader: InstanceReader & FamilyReader,
  alerts: Pick<AlertStore, 'searchAlerts'> | undefined,
  key: string,
  now: string,
): Promise<InstanceTimeline> {
  const root = await instanceOrNotFound(reader, key);
  const related = await familyOf(reader, root);
  const all = [root, ...related];
  const events = new Map<string, FlowtrailEvent[]>();
  const lists = await Promise.all(all.map((s) => reader.getEvents(s.key)));
  all.forEach((s, i) => events.set(s.key, lists[i] ?? []));
  const timeline = buildTimeline({
    root,
    related,
    events,
    alerts: await alertsOf(
      alerts,
      all.map((s) => s.key),
    ),
    now,
  });
  return { ...timeline, instances: all };
}

export interface InstanceStateAsOf {
  key: string;
  asOf: string;
  /** `null` when the instance had no event yet at `asOf`. */
  state: InstanceState | null;
}

/** The instance's state folded from its events at or before `asOf`; 404 when unknown. */
export async function instanceStateAsOf(
  reader: InstanceReader,
  key: string,
  asOf: string,
): Promise<InstanceStateAsOf> {
  const events = await reader.getEvents(key);
  if (events.length === 0) await instanceOrNotFound(reader, key);
  const normalized = new Date(asOf).toISOString();
  return { key, asOf: normalized, state: foldInstanceAsOf(events, normalized) ?? null };
}
