import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/shared/errors.ts';
import {
  isRetriableHttpStatus,
  isRetriableNotifyFailure,
  isRetriableSmtpError,
  parseRetryAfter,
} from '../../src/adapters/notify/classify.ts';
import { isRetriableKafkaError } from '../../src/adapters/kafka/kafka-errors.ts';
import { NotifyCounters } from '../../src/adapters/notify/notify-counters.ts';
import { NotifyError, type Notifier } from '../../src/ports/notifier.ts';
import { RetryingNotifier } from '../../src/adapters/notify/retrying-notifier.ts';
import { sampleNotification } from './sample-notification.ts';

describe('retry classification', () => {
  it('retries HTTP 408, 425, 429 and 5xx, never other 4xx', () => {
    const retriable = [408, 425, 429, 500, 502, 503, 504, 599];
    const permanent = [400, 401, 403, 404, 405, 410, 413, 422];
    expect(retriable.map(isRetriableHttpStatus)).toEqual(retriable.map(() => true));
    expect(permanent.map(isRetriableHttpStatus)).toEqual(permanent.map(() => false));
  });

  it('reads Retry-After in seconds or as a date', () => {
    const now = Date.parse('2024-07-01T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Mon, 01 Jul 2024 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('retries SMTP 4xx replies and connection failures, never 5xx or bad configuration', () => {
    expect(isRetriableSmtpError({ responseCode: 451, code: 'EMESSAGE' })).toBe(true);
    expect(isRetriableSmtpError({ responseCode: 421, code: 'EENVELOPE' })).toBe(true);
    expect(isRetriableSmtpError({ code: 'ECONNECTION' })).toBe(true);
    expect(isRetriableSmtpError({ code: 'ETIMEDOUT' })).toBe(true);
    expect(isRetriableSmtpError({ responseCode: 550, code: 'EENVELOPE' })).toBe(false);
    expect(isRetriableSmtpError({ responseCode: 535, code: 'EAUTH' })).toBe(false);
    expect(isRetriableSmtpError({ code: 'ECONFIG' })).toBe(false);
    expect(isRetriableSmtpError(new Error('boom'))).toBe(false);
  });

  it('follows kafkajs retriable flags, unwrapping "number of retries exceeded"', () => {
    expect(isRetriableKafkaError({ name: 'KafkaJSConnectionError' })).toBe(true);
    expect(isRetriableKafkaError({ name: 'KafkaJSProtocolError', retriable: false })).toBe(false);
    expect(
      isRetriableKafkaError({
        name: 'KafkaJSNumberOfRetriesExceeded',
        retriable: false,
        cause: { name: 'KafkaJSProtocolError', retriable: true },
      }),
    ).toBe(true);
  });

  it('lets the wrapper retry only errors that say they are retriable', () => {
    expect(isRetriableNotifyFailure(new NotifyError('x', 'down', true))).toBe(true);
    expect(isRetriableNotifyFailure(new NotifyError('x', 'refused', false))).toBe(false);
    expect(isRetriableNotifyFailure(new StorageError('slow', true))).toBe(true);
    expect(isRetriableNotifyFailure(new Error('unknown'))).toBe(false);
  });
});

/** A channel that fails with the given errors, in order, then succeeds. */
function flaky(errors: Error[]): Notifier & { calls: number } {
  return {
    name: 'flaky',
    calls: 0,
    async send() {
      const err = errors[this.calls++];
      if (err !== undefined) throw err;
    },
  };
}

function retrying(inner: Notifier, counters = new NotifyCounters(), maxAttempts = 4) {
  const delays: number[] = [];
  const notifier = new RetryingNotifier(inner, {
    policy: { maxAttempts, minMs: 100, maxMs: 1000 },
    counters,
    random: () => 1,
    sleep: async (ms) => void delays.push(ms),
  });
  return { notifier, delays, counters };
}

describe('RetryingNotifier', () => {
  it('retries retriable failures with exponential backoff until the channel accepts', async () => {
    const inner = flaky([
      new NotifyError('flaky', '503', true),
      new NotifyError('flaky', '503', true),
    ]);
    const { notifier, delays, counters } = retrying(inner);
    await notifier.send(sampleNotification());
    expect(inner.calls).toBe(3);
    expect(delays).toEqual([100, 200]);
    expect(counters.snapshot().flaky).toEqual({ sent: 0, failed: 0, retries: 2 });
    expect(notifier.name).toBe('flaky');
  });

  it('does not retry a permanent failure', async () => {
    const refused = new NotifyError('flaky', '400', false);
    const inner = flaky([refused]);
    const { notifier, delays } = retrying(inner);
    await expect(notifier.send(sampleNotification())).rejects.toBe(refused);
    expect(inner.calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it('gives up after maxAttempts with a retriable error naming the attempts', async () => {
    const down = new NotifyError('flaky', 'connection refused', true);
    const inner = flaky([down, down, down, down, down]);
    const { notifier, delays } = retrying(inner, new NotifyCounters(), 3);
    const err = await notifier.send(sampleNotification()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).message).toMatch(
      /gave up after 3 attempt\(s\).*connection refused/,
    );
    expect((err as NotifyError).retriable).toBe(true);
    expect((err as NotifyError).cause).toBe(down);
    expect(inner.calls).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('waits at least as long as Retry-After asks, capped at maxMs', async () => {
    const inner = flaky([
      new NotifyError('flaky', '429', true, { statusCode: 429, retryAfterMs: 700 }),
      new NotifyError('flaky', '429', true, { statusCode: 429, retryAfterMs: 60_000 }),
    ]);
    const { notifier, delays } = retrying(inner);
    await notifier.send(sampleNotification());
    expect(delays).toEqual([700, 1000]);
  });

  it('stops retrying once its signal is aborted', async () => {
    const controller = new AbortController();
    const inner: Notifier = {
      name: 'down',
      async send() {
        controller.abort();
        throw new NotifyError('down', 'timeout', true);
      },
    };
    const notifier = new RetryingNotifier(inner, { signal: controller.signal });
    await expect(notifier.send(sampleNotification())).rejects.toThrow(/gave up after 1 attempt/);
  });
});
