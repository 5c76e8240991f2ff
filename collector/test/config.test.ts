import { describe, expect, it } from 'vitest';
import { describeConfig, parseConfig } from '../src/main/config/config.ts';
import { ConfigError } from '../src/shared/errors.ts';

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.topics).toEqual(['flowtrail.events']);
    expect(config.kafka.topicPattern).toBeUndefined();
    expect(config.kafka.groupId).toBe('flowtrail-collector');
    expect(config.kafka.dlqTopic).toBe('flowtrail.dlq');
    expect(config.kafka.commandsTopic).toBe('flowtrail.commands');
    expect(config.kafka.commandAcksTopic).toBe('flowtrail.command-acks');
    expect(config.elasticsearch.url).toBe('http://127.0.0.1:9200');
    expect(config.elasticsearch.indexPrefix).toBe('flowtrail');
    expect(config.maxEventBytes).toBe(1_048_576);
    expect(config.batchSize).toBe(10_000);
    expect(config.kafka.partitionsConcurrently).toBe(3);
    expect(config.kafka.maxBytesPerPartition).toBe(8_388_608);
    expect(config.logLevel).toBe('info');
    expect(config.retry).toEqual({ minMs: 200, maxMs: 30_000 });
  });

  it('reads lists, a topic pattern and numbers', () => {
    const config = parseConfig({
      KAFKA_BROKERS: 'a:9092, b:9093',
      FLOWTRAIL_TOPIC_PATTERN: '^orders\\..*',
      FLOWTRAIL_MAX_EVENT_BYTES: '2048',
      FLOWTRAIL_BATCH_SIZE: '50',
      LOG_LEVEL: 'debug',
      FLOWTRAIL_RETRY_MIN_MS: '10',
      FLOWTRAIL_RETRY_MAX_MS: '20',
    });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
    expect(config.kafka.topics).toBeUndefined();
    expect(config.kafka.topicPattern?.test('orders.placed')).toBe(true);
    expect(config.maxEventBytes).toBe(2048);
    expect(config.batchSize).toBe(50);
    expect(config.logLevel).toBe('debug');
    expect(config.retry).toEqual({ minMs: 10, maxMs: 20 });
  });

  it('reports every bad value in one ConfigError', () => {
    let error: unknown;
    try {
      parseConfig({
        KAFKA_BROKERS: 'no-port',
        ELASTICSEARCH_URL: 'ftp://x',
        FLOWTRAIL_INDEX_PREFIX: 'Bad Prefix',
        FLOWTRAIL_MAX_EVENT_BYTES: 'lots',
        FLOWTRAIL_BATCH_SIZE: '0',
        LOG_LEVEL: 'loud',
        FLOWTRAIL_RETRY_MIN_MS: '500',
        FLOWTRAIL_RETRY_MAX_MS: '100',
        FLOWTRAIL_TOPICS: 'flowtrail.dlq',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'KAFKA_BROKERS',
      'ELASTICSEARCH_URL',
      'FLOWTRAIL_INDEX_PREFIX',
      'FLOWTRAIL_MAX_EVENT_BYTES',
      'FLOWTRAIL_BATCH_SIZE',
      'LOG_LEVEL',
      'FLOWTRAIL_RETRY_MIN_MS',
      'FLOWTRAIL_TOPICS',
    ]) {
      expect(problems).toContain(name);
    }
    expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(8);
    expect((error as ConfigError).retriable).toBe(false);
  });

  it('refuses an acks topic that is the commands topic or not a topic name', () => {
    expect(() =>
      parseConfig({ FLOWTRAIL_COMMANDS_TOPIC: 'c', FLOWTRAIL_COMMAND_ACKS_TOPIC: 'c' }),
    ).toThrowError(/FLOWTRAIL_COMMAND_ACKS_TOPIC: must differ/);
    expect(() => parseConfig({ FLOWTRAIL_COMMAND_ACKS_TOPIC: 'a b' })).toThrowError(
      /FLOWTRAIL_COMMAND_ACKS_TOPIC/,
    );
  });

  it('rejects both topics and a pattern, and an invalid pattern', () => {
    expect(() => parseConfig({ FLOWTRAIL_TOPICS: 'a', FLOWTRAIL_TOPIC_PATTERN: '(' })).toThrowError(
      /both set[\s\S]*FLOWTRAIL_TOPIC_PATTERN/,
    );
  });

  it('requires username and password together and masks secrets in the description', () => {
    expect(() => parseConfig({ ELASTICSEARCH_USERNAME: 'elastic' })).toThrowError(ConfigError);
    const config = parseConfig({
      ELASTICSEARCH_USERNAME: 'elastic',
      ELASTICSEARCH_PASSWORD: 'secret',
    });
    expect(JSON.stringify(describeConfig(config))).not.toContain('secret');
  });
});
