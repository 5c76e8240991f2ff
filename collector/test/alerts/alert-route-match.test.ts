/** How alert paths match routes (pure): encoded or raw ids, actions, methods. */
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../src/adapters/http/routes.ts';

const id = 'stuck/shop%2Forder-fulfilment%2Fo-1/step:pick';
const encoded = encodeURIComponent(id);

describe('alert routes', () => {
  it.each([
    ['GET', '/api/alerts', { name: 'alerts' }],
    ['GET', '/api/alerts/', { name: 'alerts' }],
    ['GET', `/api/alerts/${encoded}`, { name: 'alert', id }],
    ['GET', `/api/alerts/${id}`, { name: 'alert', id }],
    ['HEAD', `/api/alerts/${id}`, { name: 'alert', id }],
    [
      'POST',
      `/api/alerts/${encoded}/acknowledge`,
      { name: 'alert-action', id, action: 'acknowledge' },
    ],
    ['POST', `/api/alerts/${id}/silence`, { name: 'alert-action', id, action: 'silence' }],
  ])('%s %s', (method, path, route) => {
    expect(matchRoute(method, path)).toEqual({ ok: true, route });
  });

  it.each([
    ['POST', '/api/alerts', 405],
    ['GET', `/api/alerts/${id}/silence`, 405],
    ['DELETE', `/api/alerts/${encoded}`, 405],
    ['GET', '/api/alerts/%E0%A4%A', 404],
    ['GET', '/api/alerts//x', 404],
    ['POST', '/api/alerts/acknowledge', 404],
  ])('%s %s → %i', (method, path, status) => {
    expect(matchRoute(method, path)).toMatchObject({ ok: false, status });
  });
});
