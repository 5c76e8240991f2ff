import { describe, expect, it } from 'vitest';
import {
  deadLetterHeaders,
  errorsHeaderValue,
  MAX_ERRORS_HEADER_BYTES,
  type DeadLetter,
} from '../../src/ports/dead-letter-sink.ts';

const letter: DeadLetter = {
  message: {
    topic: 'flowtrail.events',
    partition: 3,
    offset: '42',
    key: Buffer.from('k'),
    value: Buffer.from('not json'),
    headers: {
      'content-type': 'text/plain',
      'flowtrail-dlq-reason': 'stale',
      trace: Buffer.from('x'),
    },
  },
  reason: 'not-json',
  errors: ['not valid JSON: Unexpected token'],
};

describe('deadLetterHeaders', () => {
  it('keeps the original headers and adds where from and why', () => {
    const headers = deadLetterHeaders(letter);
    expect(headers['content-type']).toBe('text/plain');
    expect(headers.trace).toEqual(Buffer.from('x'));
    expect(headers['flowtrail-dlq-reason']).toBe('not-json');
    expect(JSON.parse(String(headers['flowtrail-dlq-errors']))).toEqual(letter.errors);
    expect(headers['flowtrail-dlq-topic']).toBe('flowtrail.events');
    expect(headers['flowtrail-dlq-partition']).toBe('3');
    expect(headers['flowtrail-dlq-offset']).toBe('42');
  });
});

describe('errorsHeaderValue', () => {
  it('is the JSON of small error lists', () => {
    expect(errorsHeaderValue(['a', { b: 1 }])).toBe('["a",{"b":1}]');
  });

  it('cuts long lists to whole entries that fit, saying how many were left out', () => {
    const errors = Array.from(
      { length: 2000 },
      (_, i) => `problem number ${i} with a fairly long text`,
    );
    const value = errorsHeaderValue(errors);
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(MAX_ERRORS_HEADER_BYTES);
    const parsed = JSON.parse(value) as string[];
    expect(parsed[0]).toBe(errors[0]);
    expect(parsed.at(-1)).toMatch(/^… \d+ more$/);
  });
});
