import { describe, expect, it } from 'vitest';
import { describeConfig, parseConfig } from '../../src/main/config/config.ts';
import { ConfigError } from '../../src/shared/errors.ts';

describe('HTTP settings', () => {
  it('defaults to 127.0.0.1:4100 without an API key', () => {
    expect(parseConfig({}).http).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 4100,
      maxBodyBytes: 16 * 1024 * 1024,
      livePollMs: 1000,
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
});
