import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/config/config.ts';
import { resolveInputTopics, topicsToEnsure } from '../../src/adapters/kafka/topics.ts';
import { nextOffset, sliceOf } from '../../src/adapters/kafka/kafka-source.ts';

describe('topics', () => {
  it('ensures the explicit input topics and the DLQ', () => {
    expect(topicsToEnsure(parseConfig({ FLOWTRAIL_TOPICS: 'a,b' }).kafka)).toEqual([
      'a',
      'b',
      'flowtrail.dlq',
    ]);
    expect(topicsToEnsure(parseConfig({ FLOWTRAIL_TOPIC_PATTERN: '^o' }).kafka)).toEqual([
      'flowtrail.dlq',
    ]);
  });

  it('resolves a pattern against existing topics, never the DLQ or internal topics', () => {
    const config = parseConfig({
      FLOWTRAIL_TOPIC_PATTERN: '^(flowtrail|orders)\\.',
      FLOWTRAIL_DLQ_TOPIC: 'flowtrail.dlq',
    });
    const existing = [
      'orders.placed',
      'flowtrail.events',
      'flowtrail.dlq',
      '__consumer_offsets',
      'other',
    ];
    expect(resolveInputTopics(config.kafka, existing)).toEqual([
      'flowtrail.events',
      'orders.placed',
    ]);
  });
});

describe('offsets and slices', () => {
  it('commits the offset after the last processed one, beyond 2^53', () => {
    expect(nextOffset('41')).toBe('42');
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
  });

  it('slices a batch into chunks of at most the batch size', () => {
    expect(sliceOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(sliceOf([], 2)).toEqual([]);
  });
});
