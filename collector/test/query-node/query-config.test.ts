import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/config/config.ts';
import { ConfigError } from '../../src/shared/errors.ts';
import { describeQueryConfig, parseQueryConfig } from '../../src/main/config/query-config.ts';

function problemsOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseQueryConfig', () => {
  it('gives the collector defaults for an empty environment', () => {
    const config = parseQueryConfig({});
    const collector = parseConfig({});
    expect(config.elasticsearch).toEqual(collector.elasticsearch);
    const { enabled: _enabled, ...http } = collector.http;
    expect(config.http).toEqual(http);
    expect(config.retry).toEqual(collector.retry);
    expect(config.logLevel).toBe('info');
    expect(config.shutdownTimeoutMs).toBe(collector.shutdownTimeoutMs);
    expect(config.definitionsDir).toBeUndefined();
    expect(config).not.toHaveProperty('kafka');
    expect(config).not.toHaveProperty('detection');
  });

  it('reads the same variables as the collector', () => {
    const env = {
      ELASTICSEARCH_URL: 'https://es.example:9243',
      ELASTICSEARCH_USERNAME: 'reader',
      ELASTICSEARCH_PASSWORD: 'pw',
      FLOWTRAIL_INDEX_PREFIX: 'prod',
      FLOWTRAIL_HTTP_HOST: '0.0.0.0',
      FLOWTRAIL_HTTP_PORT: '4200',
      FLOWTRAIL_API_KEY: 'k-1',
      FLOWTRAIL_DEFINITIONS_DIR: '/etc/flowtrail/definitions',
      FLOWTRAIL_RETRY_MIN_MS: '10',
      FLOWTRAIL_RETRY_MAX_MS: '20',
      FLOWTRAIL_SHUTDOWN_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'debug',
    };
    const config = parseQueryConfig(env);
    expect(config.elasticsearch).toEqual(parseConfig(env).elasticsearch);
    expect(config.http).toMatchObject({ host: '0.0.0.0', port: 4200, apiKey: 'k-1' });
    expect(config.definitionsDir).toBe('/etc/flowtrail/definitions');
    expect(config.retry).toEqual({ minMs: 10, maxMs: 20 });
    expect(config.shutdownTimeoutMs).toBe(5000);
    expect(config.logLevel).toBe('debug');
  });

  it('ignores Kafka and detection variables, even invalid ones (one env file for every role)', () => {
    const config = parseQueryConfig({
      KAFKA_BROKERS: 'no-port',
      FLOWTRAIL_TOPICS: 'flowtrail.dlq',
      FLOWTRAIL_GROUP_ID: 'g',
      FLOWTRAIL_BATCH_SIZE: '0',
      FLOWTRAIL_SWEEP_INTERVAL_MS: 'often',
    });
    expect(config.elasticsearch.url).toBe('http://127.0.0.1:9200');
  });

  it('lets --port override FLOWTRAIL_HTTP_PORT', () => {
    expect(parseQueryConfig({ FLOWTRAIL_HTTP_PORT: '4200' }, { port: 0 }).http.port).toBe(0);
  });

  it('lists every problem in one ConfigError naming the query node', () => {
    const error = problemsOf(() =>
      parseQueryConfig({
        ELASTICSEARCH_URL: 'ftp://x',
        ELASTICSEARCH_USERNAME: 'only-user',
        FLOWTRAIL_INDEX_PREFIX: 'Bad Prefix',
        FLOWTRAIL_HTTP_PORT: '70000',
        FLOWTRAIL_API_KEY: 'has space',
        FLOWTRAIL_RETRY_MIN_MS: '500',
        FLOWTRAIL_RETRY_MAX_MS: '100',
        FLOWTRAIL_SHUTDOWN_TIMEOUT_MS: '1',
        LOG_LEVEL: 'loud',
      }),
    );
    const problems = error.problems.join('\n');
    for (const name of [
      'ELASTICSEARCH_URL',
      'ELASTICSEARCH_USERNAME',
      'FLOWTRAIL_INDEX_PREFIX',
      'FLOWTRAIL_HTTP_PORT',
      'FLOWTRAIL_API_KEY',
      'FLOWTRAIL_RETRY_MIN_MS',
      'FLOWTRAIL_SHUTDOWN_TIMEOUT_MS',
      'LOG_LEVEL',
    ]) {
      expect(problems).toContain(name);
    }
    expect(error.problems).toHaveLength(8);
    expect(error.message).toMatch(/^invalid query node configuration:/);
    expect(error.retriable).toBe(false);
  });

  it('refuses FLOWTRAIL_HTTP_ENABLED=false: the HTTP API is all a query node does', () => {
    const error = problemsOf(() => parseQueryConfig({ FLOWTRAIL_HTTP_ENABLED: 'false' }));
    expect(error.problems).toEqual([expect.stringContaining('FLOWTRAIL_HTTP_ENABLED=false')]);
  });

  it('masks secrets in the description it logs', () => {
    const config = parseQueryConfig({
      FLOWTRAIL_API_KEY: 'api-secret',
      ELASTICSEARCH_USERNAME: 'u',
      ELASTICSEARCH_PASSWORD: 'es-secret',
    });
    const text = JSON.stringify(describeQueryConfig(config));
    expect(text).not.toContain('api-secret');
    expect(text).not.toContain('es-secret');
    expect(describeQueryConfig(config)).toMatchObject({
      http: { apiKey: '***' },
      elasticsearch: { username: 'u', password: '***' },
    });
  });
});
