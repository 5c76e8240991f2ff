/**
 * Route matching of the HTTP API. Pure: method and path in, a route (with the decoded
 * instance key) or the 404/405 answer out.
 *
 * An instance key `source/process/instance` (parts URI-encoded) is addressed either
 * encoded as one segment (`/api/instances/orders%2Forder-fulfilment%2Fo-4711`) or as its
 * three segments (`/api/instances/orders/order-fulfilment/o-4711`); keys always have
 * three parts, so the segment count tells the two forms apart.
 *
 * A process name in `/api/processes/<process>/heatmap` and `/api/definitions/<process>`
 * is one URI-encoded segment.
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
  | { name: 'heatmap'; process: string }
  | { name: 'export' }
  | { name: 'commands' }
  | { name: 'commands-ack' }
  | { name: 'alerts' }
  | { name: 'definitions' }
  | { name: 'definition'; process: string }
  | { name: 'alert'; id: string }
  | { name: 'alert-action'; id: string; action: AlertAction };

export type AlertAction = 'acknowledge' | 'silence';

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
  if (path === '/api/alerts') return only(method, 'GET', { name: 'alerts' });
  if (path.startsWith('/api/alerts/')) return matchAlert(method, path);
  if (path === '/api/definitions') return only(method, 'GET', { name: 'definitions' });
  const definition = /^\/api\/definitions\/([^/]+)$/.exec(path);
  if (definition !== null) {
    const process = decodedSegment(definition[1] as string);
    if (process === undefined || process === '') {
      return { ok: false, status: 404, error: `not found: ${path} (process name not URI-encoded)` };
    }
    if (method === 'GET' || method === 'HEAD' || method === 'PUT') {
      return { ok: true, route: { name: 'definition', process } };
    }
    return { ok: false, status: 405, error: `method ${method} not allowed`, allow: 'GET, PUT' };
  }
  if (path === '/api/commands') return only(method, 'GET', { name: 'commands' });
  if (path === '/api/commands/ack') return only(method, 'POST', { name: 'commands-ack' });
  const heatmap = /^\/api\/processes\/([^/]+)\/heatmap$/.exec(path);
  if (heatmap !== null) {
    const process = decodedSegment(heatmap[1] as string);
    if (process === undefined || process === '') {
      return { ok: false, status: 404, error: `not found: ${path} (process name not URI-encoded)` };
    }
    return only(method, 'GET', { name: 'heatmap', process });
  }
  if (path.startsWith('/api/instances/')) {
    const segments = path.slice('/api/instances/'.length).split('/');
    const events = segments.length % 2 === 0 && segments[segments.length - 1] === 'events';
    const key = keyFrom(events ? segments.slice(0, -1) : segments);
    if (key === undefined || key === '') {
      return {
        ok: false,
        status: 404,
        error: 'not found: address an instance as /api/instances/<URL-encoded instance key>',
      };
    }
    return only(
      method,
      'GET',
      events ? { name: 'instance-events', key } : { name: 'instance', key },
    );
  }
  return { ok: false, status: 404, error: `not found: ${path}` };
}
