/**
 * Names for the collector API's answers that the dashboard reads. Every shape comes
 * from docs/openapi.yaml via the generated `api-schema.ts` (`npm run gen:api-types`).
 * Nothing is copied by hand, so fix a wrong shape in the spec and regenerate.
 */
import type { components, paths } from './api-schema';

type Schemas = components['schemas'];

/** The JSON body of `GET path` when it answers 200. */
type GetAnswer<P extends keyof paths> = paths[P]['get'] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type InstanceStatus = Schemas['InstanceStatus'];
export type InstanceState = Schemas['InstanceState'];
export type StepState = InstanceState['steps'][number];
export type ParentLink = NonNullable<InstanceState['parent']>;
export type FailureInfo = Schemas['FailureInfo'];

/** `GET /api/instances`. */
export type SearchAnswer = GetAnswer<'/api/instances'>;
export type FacetValue = Schemas['FacetCounts'][number];

/** The `status` filter of `GET /api/instances`. */
export type SearchStatus = NonNullable<
  NonNullable<paths['/api/instances']['get']['parameters']['query']>['status']
>;
/** Every search status, in the order the search form offers them. */
export const SEARCH_STATUSES = [
  'running',
  'waiting',
  'stuck',
  'inconsistent',
  'completed',
  'failed',
  'cancelled',
] as const satisfies readonly SearchStatus[];
/** Does not compile while the spec has a search status that SEARCH_STATUSES lacks. */
type AllListed<Missing extends never> = Missing;
type _SearchStatusesComplete = AllListed<Exclude<SearchStatus, (typeof SEARCH_STATUSES)[number]>>;

/** `GET /api/instances/{key}/events`. */
export type EventsAnswer = GetAnswer<'/api/instances/{key}/events'>;
export type FlowtrailEvent = Schemas['Event'];

/** `GET /api/instances/{key}/state`. */
export type StateAnswer = GetAnswer<'/api/instances/{key}/state'>;

export type AlertStatus = Schemas['AlertStatus'];
export type Alert = Schemas['AlertView'];
/** `GET /api/alerts`. */
export type AlertsAnswer = GetAnswer<'/api/alerts'>;
/** `GET /api/alerts/{id}`: the alert as listed plus its details and history. */
export type AlertDetail = Schemas['AlertDetail'];
export type AlertHistoryEntry = Schemas['AlertHistoryEntry'];
/** An alert of `GET /api/alerts`; with `history=true` also its history. */
export type AlertListItem = Schemas['AlertListItem'];

export type LiveWatermark = Schemas['LiveWatermark'];

export type Heatmap = Schemas['Heatmap'];
export type HeatmapCell = Heatmap['cells'][number];
export type Bottleneck = Heatmap['bottlenecks'][number];

export type ProcessGraph = Schemas['ProcessGraph'];
export type GraphEdge = ProcessGraph['edges'][number];

export type Ownership = Schemas['Ownership'];
export type OwnershipRow = Schemas['OwnershipRow'];
export type OwnershipCell = Schemas['OwnershipCell'];

export type Timeline = Schemas['Timeline'];
export type TimelineBar = Timeline['bars'][number];
export type TimelineWait = Timeline['waits'][number];
export type ArrowEnd = Schemas['ArrowEnd'];

/** `GET /api/definitions/{process}`: the definition as written, and where it came from. */
export type ProcessDefinition = Schemas['Definition'];
