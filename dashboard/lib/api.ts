/**
 * The only IO of the dashboard: fetch calls to the collector's query API
 * (docs/http-api.md). Server-side only; never cached (the data is live).
 */
import { config } from './config';
import type {
  AlertDetail,
  AlertsAnswer,
  EventsAnswer,
  FacetValue,
  FlowtrailEvent,
  Heatmap,
  InstanceState,
  LiveWatermark,
  Ownership,
  ProcessDefinition,
  ProcessGraph,
  SearchAnswer,
  StateAnswer,
  Timeline,
} from './types';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Either the answer or why there is none — for sections that render their own error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return {
    accept: 'application/json',
    ...(config.apiKey === undefined ? {} : { authorization: `Bearer ${config.apiKey}` }),
    ...extra,
  };
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${config.apiUrl}${path}`, {
      cache: 'no-store',
      ...init,
      headers: headers((init.headers as Record<string, string> | undefined) ?? {}),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new ApiError(
      `The collector at ${config.apiUrl} is not reachable (${(err as Error).message}). ` +
        'Start it with `npx flowtrail up` or set FLOWTRAIL_API_URL.',
      0,
      path,
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(
      `The collector answered ${res.status} with a non-JSON body`,
      res.status,
      path,
    );
  }
  if (!res.ok) {
    const b = body as { error?: string; problems?: string[] };
    const route = path.split('?')[0] ?? path;
    const message =
      res.status === 404 && /^not found|unknown route/i.test(b.error ?? '')
        ? `The collector does not serve ${route} (404: ${b.error}). It may be an older version.`
        : (b.error ?? `HTTP ${res.status}`);
    throw new ApiError(message, res.status, path, b.problems ?? []);
  }
  return body as T;
}

export async function attempt<T>(promise: Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err };
    throw err;
  }
}

const seg = (value: string): string => encodeURIComponent(value);

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

export const SEARCH_PARAMS = [
  'q',
  'process',
  'status',
  'businessKey',
  'instance',
  'system',
  'owner',
  'step',
  'timeFrom',
  'timeTo',
  'sort',
  'order',
  'from',
  'size',
] as const;
export type SearchParams = Partial<Record<(typeof SEARCH_PARAMS)[number], string>>;

/**
 * The live channel's watermark. A view reads it BEFORE its data and hands it to
 * `LiveRefresh`, which compares it with the stream's `ready`: a change made between the
 * view's reads and the stream's start then refreshes the view instead of being missed.
 * Undefined when it cannot be read (the view then hears only of later changes).
 */
export async function liveWatermark(): Promise<LiveWatermark | undefined> {
  const answer = await attempt(request<LiveWatermark>('/api/live/watermark'));
  return answer.ok ? answer.value : undefined;
}

export function searchInstances(params: SearchParams, facets = true): Promise<SearchAnswer> {
  return request(`/api/instances${query({ ...params, facets: facets ? 'true' : undefined })}`);
}

export function getInstance(key: string): Promise<InstanceState> {
  return request(`/api/instances/${seg(key)}`);
}

export async function getEvents(key: string): Promise<FlowtrailEvent[]> {
  return (await request<EventsAnswer>(`/api/instances/${seg(key)}/events`)).events;
}

export function getTimeline(key: string): Promise<Timeline> {
  return request(`/api/instances/${seg(key)}/timeline`);
}

/** The state as of `asOf`; null before the instance's first event. */
export async function getStateAsOf(key: string, asOf: string): Promise<InstanceState | null> {
  return (await request<StateAnswer>(`/api/instances/${seg(key)}/state${query({ asOf })}`)).state;
}

export function getHeatmap(process: string, dimension: 'hour' | 'weekday'): Promise<Heatmap> {
  return request(`/api/processes/${seg(process)}/heatmap${query({ dimension })}`);
}

export function getProcessGraph(process: string): Promise<ProcessGraph> {
  return request(`/api/processes/${seg(process)}/graph`);
}

export function getOwnership(): Promise<Ownership> {
  return request('/api/ownership');
}

/** Process names: from the facets of a search (works on every collector version). */
export async function listProcesses(): Promise<FacetValue[]> {
  const answer = await searchInstances({ size: '1' }, true);
  return answer.facets?.process ?? [];
}

export function listAlerts(params: {
  status?: string;
  kind?: string;
  process?: string;
  owner?: string;
  instance?: string;
  from?: string;
  size?: string;
  /** `'true'`: each alert with its history. */
  history?: 'true';
}): Promise<AlertsAnswer> {
  return request(`/api/alerts${query(params)}`);
}

export function alertAction(
  id: string,
  action: 'acknowledge' | 'silence',
  body: Record<string, string>,
): Promise<AlertDetail> {
  return request(`/api/alerts/${seg(id)}/${action}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

/** The latest definition of a process, or null when there is none (404). */
export async function getDefinition(process: string): Promise<ProcessDefinition | null> {
  try {
    return await request<ProcessDefinition>(`/api/definitions/${seg(process)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
