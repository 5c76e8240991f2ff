import { describe, expect, it } from 'vitest';
import { isAuthorized, queryKey } from '../../src/adapters/http/auth.ts';
import { isLivePath, matchRoute } from '../../src/adapters/http/routes.ts';

const params = (query: string) => new URLSearchParams(query);

describe('the live route', () => {
  it('is GET (and HEAD) /api/live', () => {
    expect(matchRoute('GET', '/api/live')).toEqual({ ok: true, route: { name: 'live' } });
    expect(matchRoute('HEAD', '/api/live/')).toEqual({ ok: true, route: { name: 'live' } });
    expect(matchRoute('POST', '/api/live')).toMatchObject({ ok: false, status: 405, allow: 'GET' });
    expect(isLivePath('/api/live//')).toBe(true);
    expect(isLivePath('/api/lively')).toBe(false);
  });
});

describe('the API key in the query', () => {
  it('is read on the live route only', () => {
    expect(queryKey('/api/live', params('apiKey=k-1'))).toBe('k-1');
    expect(queryKey('/api/live/', params('apiKey=k-1'))).toBe('k-1');
    expect(queryKey('/api/live', params('apiKey='))).toBeUndefined();
    expect(queryKey('/api/instances', params('apiKey=k-1'))).toBeUndefined();
    expect(queryKey('/api/alerts/live', params('apiKey=k-1'))).toBeUndefined();
  });

  it('authorizes like a header, which wins when both are given', () => {
    expect(isAuthorized({}, 'k-1', 'k-1')).toBe(true);
    expect(isAuthorized({}, 'k-1', 'wrong')).toBe(false);
    expect(isAuthorized({}, 'k-1', undefined)).toBe(false);
    expect(isAuthorized({ 'x-api-key': 'k-1' }, 'k-1', 'wrong')).toBe(true);
    expect(isAuthorized({ authorization: 'Bearer wrong' }, 'k-1', 'k-1')).toBe(false);
    expect(isAuthorized({}, undefined, undefined)).toBe(true);
  });
});
