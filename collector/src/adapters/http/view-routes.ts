/**
 * Answers of the dashboard view routes (docs/http-api.md "Views"): validation of the
 * parameters (`view-params.ts`), then the query functions of `../queries/`.
 */
import type { AlertStore } from '../../ports/alert-store.ts';
import type { EventScanner, InstanceReader } from '../../ports/event-store.ts';
import {
  instanceStateAsOf,
  instanceTimeline,
  type FamilyReader,
} from '../../app/queries/instance-views.ts';
import { ownershipOf, processGraphOf, processList } from '../../app/queries/process-views.ts';
import { HttpError } from './http-error.ts';
import type { Route } from './routes.ts';
import {
  parseGraphQuery,
  parseNoQuery,
  parseOwnershipQuery,
  parseStateQuery,
  parseTimelineQuery,
} from './view-params.ts';

export type ViewRoute = Extract<
  Route,
  { name: 'timeline' | 'instance-state' | 'graph' | 'ownership' | 'processes' }
>;

export interface ViewDeps {
  reader: InstanceReader & EventScanner & FamilyReader;
  alerts?: { store: Pick<AlertStore, 'searchAlerts' | 'openAlerts'> };
}

function valid<T>(parsed: { ok: true; query: T } | { ok: false; problems: string[] }): T {
  if (!parsed.ok) throw new HttpError(400, 'invalid query parameters', false, parsed.problems);
  return parsed.query;
}

export async function answerViewRoute(
  deps: ViewDeps,
  route: ViewRoute,
  url: URL,
): Promise<unknown> {
  const params = url.searchParams;
  switch (route.name) {
    case 'timeline': {
      const { now } = valid(parseTimelineQuery(params));
      return instanceTimeline(deps.reader, deps.alerts?.store, route.key, now);
    }
    case 'instance-state': {
      const { asOf } = valid(parseStateQuery(params));
      return instanceStateAsOf(deps.reader, route.key, asOf);
    }
    case 'graph':
      return processGraphOf(deps.reader, valid(parseGraphQuery(route.process, params)));
    case 'ownership': {
      const { teams } = valid(parseOwnershipQuery(params));
      return ownershipOf(deps.reader, deps.alerts?.store, teams);
    }
    case 'processes':
      valid(parseNoQuery(params));
      return processList(deps.reader);
  }
}
