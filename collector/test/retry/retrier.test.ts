import { describe, expect, it } from 'vitest';
import { RetryAbortedError, StorageError } from '../../src/shared/errors.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import { Retrier } from '../../src/shared/retry/retrier.ts';
import { runInRetryScope } from '../../src/shared/retry/retry-scope.ts';

function retrier(metrics = new Metrics()): Retrier {
  return new Retrier({
    bounds: { minMs: 1, maxMs: 2 },
    logger: createLogger('silent'),
    metrics,
    heartbeatEveryMs: 1,
  });
}

describe('Retrier', () => {
  it('retries retriable failures, heartbeating and pausing until it recovers', async () => {
    const metrics = new Metrics();
    let calls = 0;
    const seen: string[] = [];
    const result = await runInRetryScope(
      {
        heartbeat: async () => void seen.push('heartbeat'),
        onUnavailable: () => seen.push('paused'),
        onRecovered: () => seen.push('resumed'),
      },
      () =>
        retrier(metrics).run('op', async () => {
          calls += 1;
          if (calls < 3) throw new StorageError('down', true);
          return 'ok';
        }),
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(metrics.snapshot().retries).toBe(2);
    expect(seen).toContain('heartbeat');
    expect(seen[0]).toBe('paused');
    expect(seen.at(-1)).toBe('resumed');
  });

  it('does not retry non-retriable or unknown errors', async () => {
    let calls = 0;
    await expect(
      retrier().run('op', async () => {
        calls += 1;
        throw new StorageError('mapping', false, 400);
      }),
    ).rejects.toThrow('mapping');
    await expect(retrier().run('op', () => Promise.reject(new Error('bug')))).rejects.toThrow(
      'bug',
    );
    expect(calls).toBe(1);
  });

  it('gives up with RetryAbortedError once the scope is aborted', async () => {
    const controller = new AbortController();
    const run = runInRetryScope({ signal: controller.signal }, () =>
      retrier().run('op', async () => {
        controller.abort();
        throw new StorageError('down', true);
      }),
    );
    await expect(run).rejects.toBeInstanceOf(RetryAbortedError);
  });

  it('retries only the pending part of partial results', async () => {
    const inputs: number[][] = [];
    const result = await retrier().runUntil<number[]>(
      'partial',
      async (previous) => {
        const batch = previous ?? [1, 2, 3];
        inputs.push(batch);
        return batch.filter((n) => n > inputs.length);
      },
      (left) => (left.length > 0 ? `${left.length} left` : undefined),
    );
    expect(result).toEqual([]);
    expect(inputs).toEqual([[1, 2, 3], [2, 3], [3]]);
  });
});
