/**
 * The query functions behind the dashboard's process views: the directly-follows graph
 * of a process (docs/views.md; from its analytics buckets, process-analytics.ts), the ownership matrix over the open
 * instances (`ownership`) and the list of processes with their instance counts.
 */
import type { InstanceState, InstanceStatus } from '../../domain/instance/instance-state.ts';
import { NotFoundError } from '../errors.ts';
import type { AlertStore } from '../../ports/alert-store.ts';
import type { EventScanner, InstanceReader } from '../../ports/event-store.ts';
import { ownership, type Ownership } from '../../domain/views/ownership.ts';
import {
  aggregatedGraph,
  type DurationMode,
  type ProcessGraph,
} from '../../domain/views/process-graph.ts';
import { processAnalytics } from './process-analytics.ts';

export interface ProcessGraphQuery {
  process: string;
  mode: DurationMode | 'auto';
}

/** The graph of every stored instance of the process; 404 when it has none. */
export async function processGraphOf(
  store: EventScanner,
  query: ProcessGraphQuery,
): Promise<ProcessGraph> {
  const { buckets, instances } = await processAnalytics(store, query.process);
  if (instances === 0) throw new NotFoundError(`no instances of process "${query.process}"`);
  return aggregatedGraph(buckets, query.process, { mode: query.mode });
}

/** Most open instances the ownership matrix reads; beyond it the answer says `capped`. */
export const MAX_OWNERSHIP_INSTANCES = 10_000;
const OWNERSHIP_PAGE = 500;
const OPEN_STATUSES: readonly InstanceStatus[] = ['running', 'waiting'];

export interface OwnershipAnswer extends Ownership {
  /** Open instances counted. */
  instances: number;
  /** More than `MAX_OWNERSHIP_INSTANCES` open instances: only the newest ones are counted. */
  capped: boolean;
}

/** Owners/teams × open, waiting and stuck instances over the non-terminal instances. */
export async function ownershipOf(
  reader: InstanceReader,
  alerts: Pick<AlertStore, 'openAlerts'> | undefined,
  teams: Readonly<Record<string, string>>,
): Promise<OwnershipAnswer> {
  const states: InstanceState[] = [];
  let capped = false;
  for (const status of OPEN_STATUSES) {
    let from = 0;
    for (;;) {
      const room = MAX_OWNERSHIP_INSTANCES - states.length;
      if (room <= 0) {
        const { total } = await reader.search({ status, from: 0, size: 0 });
        capped = total > from;
        break;
      }
      const page = await reader.search({ status, from, size: Math.min(OWNERSHIP_PAGE, room) });
      for (const item of page.instances) states.push(item);
      from += page.instances.length;
      if (page.instances.length === 0 || from >= page.total) break;
    }
    if (capped) break;
  }
  const open = alerts === undefined ? [] : await alerts.openAlerts({ kinds: ['stuck'] });
  const matrix = ownership(states, open, { teams });
  return { ...matrix, instances: states.length, capped };
}

export interface ProcessSummary {
  process: string;
  instances: number;
}

export interface ProcessList {
  processes: ProcessSummary[];
  /** Instances stored, all processes. */
  total: number;
}

/** Process names with their instance counts, most instances first (the process facet). */
export async function processList(reader: InstanceReader): Promise<ProcessList> {
  const page = await reader.search({ facets: true, from: 0, size: 0 });
  const facet = page.facets?.process ?? [];
  return {
    processes: facet.map(({ value, count }) => ({ process: value, instances: count })),
    total: page.total,
  };
}
