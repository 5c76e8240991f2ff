/**
 * What the retrier needs from whoever drives the current unit of work (the Kafka
 * consumer's batch): a stop signal, a heartbeat to keep the group membership while it
 * waits, and hooks to pause and resume fetching while storage is unavailable. Carried
 * through AsyncLocalStorage, so storage ports stay free of Kafka concerns.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RetryScope {
  signal?: AbortSignal;
  heartbeat?: () => Promise<void>;
  onUnavailable?: () => void;
  onRecovered?: () => void;
}

const storage = new AsyncLocalStorage<RetryScope>();

export function runInRetryScope<T>(scope: RetryScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

export function currentRetryScope(): RetryScope {
  return storage.getStore() ?? {};
}
