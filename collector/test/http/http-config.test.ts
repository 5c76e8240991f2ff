import { describe, expect, it } from 'vitest';
import { describeConfig, parseConfig } from '../../src/main/config/config.ts';
import { parseEmbeddedConfig } from '../../src/main/config/embedded-config.ts';
import { parseQueryConfig } from '../../src/main/config/query-config.ts';
import { ConfigError } from '../../src/shared/errors.ts';
import { DEFAULT_HTTP_GUARD } from '../../src/adapters/http/http-config.ts';

describe('HTTP settings', () => {
  it('defaults to 127.0.0.1:4100 without an API key', () => {
    expect(parseConfig({}).http).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 4100,
      maxBodyBytes: 16 * 1024 * 1024,
      livePollMs: 1000,
      guard: DEFAULT_HTTP_GUARD,
    });
  });

  it('reads every variable and masks the key in the start-up log', () => {
    const config = parseConfig({
      FLOWTRAIL_HTTP_HOST: '0.0.0.0',
      FLOWTRAIL_HTTP_PORT: '0',
      FLOWTRAIL_HTTP_ENABLED: 'false',
      FLOWTRAIL_API_KEY: 'k-123',
      FLOWTRAIL_MAX_BODY_BYTES: '65536',
      FLOWTRAIL_LIVE_POLL_MS: '250',
    });
    expect(config.http).toEqual({
      enabled: false,
      host: '0.0.0.0',
      port: 0,
      apiKey: 'k-123',
      maxBodyBytes: 65536,
      livePollMs: 250,
      guard: DEFAULT_HTTP_GUARD,
    });
    expect(describeConfig(config).http).toMatchObject({ apiKey: '***' });
    expect(JSON.stringify(describeConfig(config))).not.toContain('k-123');
  });

  it('lists every bad HTTP value', () => {
    let error: unknown;
    try {
      parseConfig({
        FLOWTRAIL_HTTP_PORT: '70000',
        FLOWTRAIL_HTTP_HOST: 'a b',
        FLOWTRAIL_API_KEY: 'has space',
        FLOWTRAIL_MAX_BODY_BYTES: '10',
        FLOWTRAIL_HTTP_ENABLED: 'maybe',
        FLOWTRAIL_LIVE_POLL_MS: '10',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(6);
  });

  it('reads the limits and browser-safety settings', () => {
    const config = parseConfig({
      FLOWTRAIL_HTTP_MAX_EVENTS_PER_REQUEST: '500',
      FLOWTRAIL_HTTP_HEADERS_TIMEOUT_MS: '5000',
      FLOWTRAIL_HTTP_BODY_TIMEOUT_MS: '20000',
      FLOWTRAIL_HTTP_MAX_CONNECTIONS: '64',
      FLOWTRAIL_HTTP_ALLOWED_ORIGINS: 'https://dash.example/, http://localhost:3001',
      FLOWTRAIL_HTTP_ALLOWED_HOSTS: 'flowtrail.internal, Box:4100',
    });
    expect(config.http.guard).toEqual({
      maxEventsPerRequest: 500,
      headersTimeoutMs: 5000,
      bodyTimeoutMs: 20000,
      maxConnections: 64,
      allowedOrigins: ['https://dash.example', 'http://localhost:3001'],
      allowedHosts: ['flowtrail.internal', 'box:4100'],
    });
  });

  it('lists every bad limit and browser-safety value at once', () => {
    let error: unknown;
    try {
      parseConfig({
        FLOWTRAIL_HTTP_MAX_EVENTS_PER_REQUEST: '0',
        FLOWTRAIL_HTTP_HEADERS_TIMEOUT_MS: 'soon',
        FLOWTRAIL_HTTP_BODY_TIMEOUT_MS: '10',
        FLOWTRAIL_HTTP_MAX_CONNECTIONS: '-1',
        FLOWTRAIL_HTTP_ALLOWED_ORIGINS: 'http://ok.example,ftp://x,http://a.example/path',
        FLOWTRAIL_HTTP_ALLOWED_HOSTS: 'ok.example,bad host',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(7);
  });

  it('gives the query node and `flowtrail up` the same limits; up adds its dashboard origin', () => {
    const env = { FLOWTRAIL_HTTP_MAX_CONNECTIONS: '10', FLOWTRAIL_DASHBOARD_PORT: '3100' };
    expect(parseQueryConfig(env).http.guard.maxConnections).toBe(10);
    const up = parseEmbeddedConfig(env, '/tmp');
    expect(up.http.guard.maxConnections).toBe(10);
    expect(up.http.guard.allowedOrigins).toEqual([
      'http://127.0.0.1:3000',
      'http://localhost:3000',
      'http://127.0.0.1:3100',
      'http://localhost:3100',
    ]);
    expect(parseEmbeddedConfig({}, '/tmp', { dashboardPort: 0 }).http.guard.allowedOrigins).toEqual(
      DEFAULT_HTTP_GUARD.allowedOrigins,
    );
  });
});
