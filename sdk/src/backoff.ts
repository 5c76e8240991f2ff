/**
 * Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
 * [0, min(max, initial·2ⁿ)), so clients failing together do not retry together.
 *
 * The SDK's one backoff formula: the delivery queue's export retries (delivery-queue.ts)
 * and the command handling's handler retries and failed polls
 * (commands/kafka-command-consumer.ts, commands/http-command-poller.ts) all wait
 * `fullJitterDelay`. The only other retry timing is kafkajs' own inside one `send`,
 * bounded in transports/kafka-transport.ts.
 */
export interface BackoffOptions {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Uniform random number in [0, 1); injectable for tests. */
  random?: () => number;
}

/** Delay before retry number `retry` (0 = the first retry). */
export function fullJitterDelay(retry: number, options: BackoffOptions): number {
  const cap = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** retry);
  const r = (options.random ?? Math.random)();
  return Math.floor(Math.max(0, Math.min(r, 1)) * cap);
}

/**
 * Resolves after `ms`. The timer is unref'd (it does not keep the process alive) unless
 * `keepAlive`: someone awaits `flush()`/`shutdown()`, and the process must not exit in
 * the middle of that await (Node would end it with exit code 13).
 */
export function sleep(ms: number, keepAlive = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!keepAlive) timer.unref?.();
  });
}
