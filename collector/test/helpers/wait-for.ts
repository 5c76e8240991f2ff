/**
 * Polls `fn` until it returns something other than undefined/false, or times out: the
 * tests' spelling of the one polling loop (`src/infra/wait.ts`), with a default timeout
 * and `false` meaning "not yet" too.
 */
import { waitFor as poll } from '../../src/tools/infra/wait.ts';

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  description?: string;
}

export function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 60_000, intervalMs = 250, description = 'condition' }: WaitOptions = {},
): Promise<T> {
  return poll(
    async () => {
      const value = await fn();
      return value === false ? undefined : value;
    },
    { timeoutMs, intervalMs, what: description },
  );
}
