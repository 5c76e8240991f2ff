/**
 * The pure checks before routing (request-guard.ts) and the JSON-route content-type rule
 * (content-type.ts): which Host, Origin, Sec-Fetch-Site and body types pass.
 */
import { describe, expect, it } from 'vitest';
import { jsonBodyRefusal } from '../../src/adapters/http/content-type.ts';
import {
  guardRequest,
  hostAllowlist,
  isLoopback,
  normalizeOrigin,
  type GuardRules,
} from '../../src/adapters/http/request-guard.ts';

const rules = (hosts: ReadonlySet<string> | undefined): GuardRules => ({
  hosts,
  origins: new Set(['http://127.0.0.1:3000', 'http://localhost:3000']),
  maxBodyBytes: 1000,
});
const loopback = rules(hostAllowlist('127.0.0.1', 4100, []));

describe('hostAllowlist', () => {
  it('lists the loopback names with the port on a loopback binding', () => {
    expect([...(hostAllowlist('127.0.0.1', 4100, []) ?? [])].sort()).toEqual([
      '127.0.0.1:4100',
      '[::1]:4100',
      'localhost:4100',
    ]);
    expect(hostAllowlist('::1', 9, ['Box'])).toEqual(
      new Set(['127.0.0.1:9', 'localhost:9', '[::1]:9', 'box', 'box:9']),
    );
  });

  it('checks nothing on another binding unless names are configured', () => {
    expect(hostAllowlist('0.0.0.0', 4100, [])).toBeUndefined();
    expect(hostAllowlist('0.0.0.0', 4100, ['api.example:443'])).toEqual(
      new Set(['api.example:443']),
    );
  });

  it('knows the loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) {
      expect(isLoopback(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '10.0.0.1', '::', 'example.com']) {
      expect(isLoopback(host), host).toBe(false);
    }
  });
});

describe('guardRequest', () => {
  it('refuses a Host not on the list, and a missing one, with 403', () => {
    expect(guardRequest('GET', { host: 'evil.example:4100' }, loopback)?.status).toBe(403);
    expect(guardRequest('GET', {}, loopback)?.status).toBe(403);
    expect(guardRequest('GET', { host: 'LOCALHOST:4100' }, loopback)).toBeUndefined();
    expect(guardRequest('GET', {}, rules(undefined))).toBeUndefined();
  });

  it('refuses cross-site writes, lets reads and server-to-server writes through', () => {
    const host = '127.0.0.1:4100';
    const refused = (method: string, headers: Record<string, string>) =>
      guardRequest(method, { host, ...headers }, loopback)?.status;
    expect(refused('POST', { origin: 'https://evil.example' })).toBe(403);
    expect(refused('DELETE', { origin: 'null' })).toBe(403);
    expect(refused('PUT', { 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(
      refused('PATCH', { origin: 'http://127.0.0.1:4100', 'sec-fetch-site': 'cross-site' }),
    ).toBe(403);
    expect(refused('POST', {})).toBeUndefined();
    expect(refused('POST', { origin: 'http://127.0.0.1:4100' })).toBeUndefined();
    expect(
      refused('POST', { origin: 'http://localhost:3000', 'sec-fetch-site': 'cross-site' }),
    ).toBeUndefined();
    expect(
      refused('GET', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
    ).toBeUndefined();
  });

  it('refuses a declared body over the limit with 413', () => {
    const host = '127.0.0.1:4100';
    expect(guardRequest('POST', { host, 'content-length': '1001' }, loopback)?.status).toBe(413);
    expect(guardRequest('POST', { host, 'content-length': '1000' }, loopback)).toBeUndefined();
  });
});

describe('normalizeOrigin', () => {
  it('accepts http(s) origins only', () => {
    expect(normalizeOrigin('http://LOCALHOST:3000/')).toBe('http://localhost:3000');
    expect(normalizeOrigin('https://dash.example:443')).toBe('https://dash.example');
    for (const bad of ['ftp://x', 'http://a.example/path', 'localhost:3000', 'http://a?x=1']) {
      expect(normalizeOrigin(bad), bad).toBeUndefined();
    }
  });
});

describe('jsonBodyRefusal', () => {
  it('accepts JSON types and an untyped empty body', () => {
    expect(jsonBodyRefusal({ 'content-type': 'application/json; charset=utf-8' })).toBeUndefined();
    expect(jsonBodyRefusal({ 'content-type': 'application/merge-patch+json' })).toBeUndefined();
    expect(jsonBodyRefusal({})).toBeUndefined();
    expect(jsonBodyRefusal({ 'content-length': '0' })).toBeUndefined();
  });

  it('refuses what a browser sends cross-site without a preflight', () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      expect(jsonBodyRefusal({ 'content-type': type, 'content-length': '2' }), type).toMatch(
        /unsupported content-type/,
      );
    }
    expect(jsonBodyRefusal({ 'content-length': '2' })).toMatch(/none/);
    expect(jsonBodyRefusal({ 'transfer-encoding': 'chunked' })).toMatch(/none/);
  });

  it('accepts any type with a credential header (those always need a preflight)', () => {
    expect(
      jsonBodyRefusal({ 'content-type': 'text/plain', 'content-length': '2', authorization: 'x' }),
    ).toBeUndefined();
    expect(jsonBodyRefusal({ 'content-type': 'text/plain', 'x-api-key': 'k' })).toBeUndefined();
  });
});
