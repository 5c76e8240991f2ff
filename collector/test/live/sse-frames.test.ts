import { describe, expect, it } from 'vitest';
import { SSE_HEADERS, sseComment, sseEvent, sseRetry } from '../../src/adapters/http/sse-frames.ts';

describe('SSE frames', () => {
  it('frames a named event with an id and one JSON data line', () => {
    expect(sseEvent('change', { instances: ['a\nb'], n: 1 }, '3-4')).toBe(
      'event: change\nid: 3-4\ndata: {"instances":["a\\nb"],"n":1}\n\n',
    );
    expect(sseEvent('ready', { events: 0 })).toBe('event: ready\ndata: {"events":0}\n\n');
  });

  it('never lets a line break end a field early', () => {
    expect(sseEvent('a\nb', 1, 'x\r\ny')).toBe('event: a b\nid: x y\ndata: 1\n\n');
    expect(sseComment('one\ntwo')).toBe(': one two\n\n');
  });

  it('advises the reconnection delay in a complete frame', () => {
    expect(sseRetry(2000, 'hello')).toBe('retry: 2000\n: hello\n\n');
    expect(sseRetry(-5, 'x')).toBe('retry: 0\n: x\n\n');
  });

  it('declares an uncached event stream whose connection is not reused', () => {
    expect(SSE_HEADERS).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'close',
    });
  });
});
