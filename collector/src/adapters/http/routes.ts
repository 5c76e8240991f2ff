/**
 * Route matching of the HTTP API. Pure: method and path in, a route (with the decoded
 * instance key) or the 404/405 answer out.
 *
 * An instance key `source/process/instance` (parts URI-encoded) is addressed either
 * encoded as one segment (`/api/instances/orders%2Forder-fulfilment%2Fo-4711`) or as its
 * three segments (`/api/instances/orders/order-fulfilment/o-4711`); keys always have
 * three parts, so the segment count tells the two forms apart.
 *
 * An instance's sub-resources follow its key: `/events`, `/timeline`, `/state`.
 *
 * A process name in `/api/processes/<process>/heatmap`, `/api/processes/<process>/graph`
 * and `/api/definitions/<process>` is one URI-encoded segment; `/api/definitions/<process>/<version>`
 * (DELETE only) addresses one version.
 *
 * An alert id (`stuck/shop%2Forder-fulfilment%2Fo-1/step:pick`) is addressed either
 * encoded as one segment or as its raw segments (always two or more), optionally followed
 * by the action `acknowledge` or `silence` (an id never ends in one of those words).
 */
export type Route =
  | { name: 'health' }
  | { name: 'ingest' }
  | { name: 'search' }
  | { name: 'instance'; key: string }
  | { name: 'instance-events'; key: string }
  | { name: 'timeline'; key: string }
  | { name: 'instance-state'; key: string }
  | { name: 'heatmap'; process: string }
  | { name: 'graph'; process: string }
  | { name: 'processes' }
  | { name: 'ownership' }
  | { name: 'export' }
  | { name: 'commands' }
  | { name: 'commands-ack' }
  | { name: 'alerts' }
  | { name: 'definitions' }
  | { name: 'definition'; process: string }
  | { name: 'definition-version'; process: string; version: string }
  | { name: 'alert'; id: string }
  | { name: 'alert-action'; id: string; action: AlertAction }
  | { name: 'live' }
  | { name: 'live-watermark' };

export type AlertAction = 'acknowledge' | 'silence';

export type RouteName = Route['name'];

/**
 * Every route with its methods and path in OpenAPI template form (docs/openapi.yaml
 * documents each; collector/test/http/openapi.test.ts checks). `{key}` is one encoded
 * segment (the three-segment form is the same route).
 */
export const ROUTE_TABLE: Readonly<
  Record<RouteName, { path: string; methods: readonly string[] }>
> = {
  health: { path: '/api/health', methods: ['GET'] },
  ingest: { path: '/api/events', methods: ['POST'] },
  search: { path: '/api/instances', methods: ['GET'] },
  instance: { path: '/api/instances/{key}', methods: ['GET'] },
  'instance-events': { path: '/api/instances/{key}/events', methods: ['GET'] },
  timeline: { path: '/api/instances/{key}/timeline', methods: ['GET'] },
  'instance-state': { path: '/api/instances/{key}/state', methods: ['GET'] },
  heatmap: { path: '/api/processes/{process}/heatmap', methods: ['GET'] },
  graph: { path: '/api/processes/{process}/graph', methods: ['GET'] },
  processes: { path: '/api/processes', methods: ['GET'] },
  ownership: { path: '/api/ownership', methods: ['GET'] },
  export: { path: '/api/export', methods: ['GET'] },
  commands: { path: '/api/commands', methods: ['GET'] },
  'commands-ack': { path: '/api/commands/ack', methods: ['POST'] },
  alerts: { path: '/api/alerts', methods: ['GET'] },
  alert: { path: '/api/alerts/{id}', methods: ['GET'] },
  'alert-action': { path: '/api/alerts/{id}/{action}', methods: ['POST'] },
  definitions: { path: '/api/definitions', methods: ['GET'] },
  definition: { path: '/api/definitions/{process}', methods: ['GET', 'PUT', 'DELETE'] },
  'definition-version': { path: '/api/definitions/{process}/{version}', methods: ['DELETE'] },
  live: { path: '/api/live', methods: ['GET'] },
  'live-watermark': { path: '/api/live/watermark', methods: ['GET'] },
};

/** The live channel (Server-Sent Events), the one route that takes `?apiKey=` (auth.ts). */
export const LIVE_PATH = '/api/live';

/** Whether `pathname` is the live channel's (trailing slashes ignored, like `matchRoute`). */
export function isLivePath(pathname: string): boolean {
  return pathname.replace(/\/+$/, '') === LIVE_PATH;
}

/** Sub-resources of an instance: `/api/instances/<key>/<suffix>`. */
const INSTANCE_SUFFIXES = {
  events: 'instance-events',
  timeline: 'timeline',
  state: 'instance-state',
} as const;

export type RouteMatch =
  { ok: true; route: Route } | { ok: false; status: 404 | 405; error: string; allow?: string };

function keyFrom(segments: readonly string[]): string | undefined {
  if (segments.length === 3) return segments.join('/');
  if (segments.length !== 1 || segments[0] === undefined) return undefined;
  try {
    return decodeURIComponent(segments[0]);
  } catch {
    return undefined;
  }
}

function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function only(method: string, allowed: string, route: Route): RouteMatch {
  if (method === allowed || (allowed === 'GET' && method === 'HEAD')) return { ok: true, route };
  return { ok: false, status: 405, error: `method ${method} not allowed`, allow: allowed };
}

function matchAlert(method: string, path: string): RouteMatch {
  const segments = path.slice('/api/alerts/'.length).split('/');
  const last = segments[segments.length - 1];
  const action = last === 'acknowledge' || last === 'silence' ? last : undefined;
  const idSegments = action === undefined ? segments : segments.slice(0, -1);
  const id =
    idSegments.length === 1 ? decodedSegment(idSegments[0] as string) : idSegments.join('/');
  if (id === undefined || id === '' || idSegments.some((segment) => segment === '')) {
    return {
      ok: false,
      status: 404,
      error: 'not found: address an alert as /api/alerts/<URL-encoded alert id>',
    };
  }
  return action === undefined
    ? only(method, 'GET', { name: 'alert', id })
    : only(method, 'POST', { name: 'alert-action', id, action });
}

export function matchRoute(method: string, pathname: string): RouteMatch {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/api/health') return only(method, 'GET', { name: 'health' });
  if (path === '/api/events') return only(method, 'POST', { name: 'ingest' });
  if (path === '/api/instances') return only(method, 'GET', { name: 'search' });
  if (path === '/api/export') return only(method, 'GET', { name: 'export' });
  if (path === LIVE_PATH) return only(method, 'GET', { name: 'live' });
  if (path === `${LIVE_PATH}/watermark`) return only(method, 'GET', { name: 'live-watermark' });
  if (path === '/api/alerts') return only(method, 'GET', { name: 'alerts' });
  if (path.startsWith('/api/alerts/')) return matchAlert(method, path);
  if (path === '/api/definitions') return only(method, 'GET', { name: 'definitions' });
  const definition = /^\/api\/definitions\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (definition !== null) {
    const process = decodedSegment(definition[1] as string);
    if (process === undefined || process === '') {
      return { ok: false, status: 404, error: `not found: ${path} (process name not URI-encoded)` };
    }
    const version = definition[2];
    // The version is checked by the definition API (400), so a typo is not a 404.
    if (version !== undefined)
      return only(method, 'DELETE', { name: 'definition-version', process, version });
    if (method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'DELETE') {
      return { ok: true, route: { name: 'definition', process } };
    }
    return {
      ok: false,
      status: 405,
      error: `method ${method} not allowed`,
      allow: 'GET, PUT, DELETE',
    };
  }
  if (path === '/api/commands') return only(method, 'GET', { name: 'commands' });
  if (path === '/api/commands/ack') return only(method, 'POST', { name: 'commands-ack' });
  if (path === '/api/processes') return only(method, 'GET', { name: 'processes' });
  if (path === '/api/ownership') return only(method, 'GET', { name: 'ownership' });
  const analysis = /^\/api\/processes\/([^/]+)\/(heatmap|graph)$/.exec(path);
  if (analysis !== null) {
    const process = decodedSegment(analysis[1] as string);
    if (process === undefined || process === '') {
      return { ok: false, status: 404, error: `not found: ${path} (process name not URI-encoded)` };
    }
    const name = analysis[2] === 'graph' ? 'graph' : 'heatmap';
    return only(method, 'GET', { name, process });
  }
  if (path.startsWith('/api/instances/')) {
    const segments = path.slice('/api/instances/'.length).split('/');
    const last = segments[segments.length - 1] as string;
    const suffix =
      segments.length % 2 === 0 && Object.hasOwn(INSTANCE_SUFFIXES, last)
        ? INSTANCE_SUFFIXES[last as keyof typeof INSTANCE_SUFFIXES]
        : undefined;
    const key = keyFrom(suffix !== undefined ? segments.slice(0, -1) : segments);
    if (key === undefined || key === '') {
      return {
        ok: false,
        status: 404,
        error: 'not found: address an instance as /api/instances/<URL-encoded instance key>',
      };
    }
    return only(method, 'GET', { name: suffix ?? 'instance', key });
  }
  return { ok: false, status: 404, error: `not found: ${path}` };
}
