/**
 * One attempt to send a batch, shared by the delivery queue's direct sends
 * (delivery-queue.ts) and the spool's replayer (spool-replayer.ts): the export timeout,
 * and which failures are worth another attempt.
 */
import { TransportError } from './errors.ts';
import type { FlowtrailEvent } from './protocol/schema.ts';
import type { Transport } from './transport.ts';

export type SendOutcome = { ok: true } | { ok: false; error: unknown };

/**
 * `transport.send(batch)`, failing with a retriable `TransportError` after `timeoutMs`.
 * The timer is unref'd unless `keepAlive` (someone awaits flush()/shutdown()).
 */
export function sendWithTimeout(
  transport: Transport,
  batch: FlowtrailEvent[],
  timeoutMs: number,
  keepAlive: boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new TransportError(`send timed out after ${timeoutMs} ms`, { retriable: true }));
    }, timeoutMs);
    if (!keepAlive) timer.unref?.();
    let sending: Promise<void>;
    try {
      sending = Promise.resolve(transport.send(batch)); // may throw synchronously
    } catch (err) {
      sending = Promise.reject(err);
    }
    sending.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Errors not marked `retriable: false` are worth another attempt. */
export function isRetriable(error: unknown): boolean {
  return !(error instanceof Error && 'retriable' in error) || error.retriable !== false;
}
