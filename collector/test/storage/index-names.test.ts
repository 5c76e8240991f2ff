import { describe, expect, it } from 'vitest';
import {
  eventsIndexFor,
  eventsIndexPattern,
  instancesIndex,
} from '../../src/adapters/elasticsearch/index-names.ts';
import { eventsTemplate, instancesTemplate } from '../../src/adapters/elasticsearch/templates.ts';
import { isRetriableStatus } from '../../src/adapters/elasticsearch/es-errors.ts';

describe('index names', () => {
  it('puts an event in the daily index of its UTC time', () => {
    expect(eventsIndexFor('flowtrail', '2024-03-05T10:00:00Z')).toBe('flowtrail-events-2024.03.05');
    // 23:30 at -02:00 is the next day in UTC
    expect(eventsIndexFor('ft', '2024-12-31T23:30:00-02:00')).toBe('ft-events-2025.01.01');
    expect(eventsIndexFor('ft', '2024-01-01T00:30:00+01:00')).toBe('ft-events-2023.12.31');
  });

  it('rejects an unparseable time', () => {
    expect(() => eventsIndexFor('ft', 'yesterday')).toThrow(/invalid event time/);
  });

  it('derives the pattern and the instances index from the prefix', () => {
    expect(eventsIndexPattern('ft-it-1')).toBe('ft-it-1-events-*');
    expect(instancesIndex('ft-it-1')).toBe('ft-it-1-instances');
  });

  it('templates target exactly the prefix indices', () => {
    expect(eventsTemplate('p', 0).index_patterns).toEqual(['p-events-*']);
    expect(instancesTemplate('p', 0).index_patterns).toEqual(['p-instances']);
    expect(JSON.stringify(eventsTemplate('p', 0))).not.toMatch(
      /"(script|default_pipeline|final_pipeline|data_stream|lifecycle)"/,
    );
  });

  it('classifies retriable statuses', () => {
    expect([429, 500, 502, 503].every(isRetriableStatus)).toBe(true);
    expect([400, 404, 409].some(isRetriableStatus)).toBe(false);
  });
});
