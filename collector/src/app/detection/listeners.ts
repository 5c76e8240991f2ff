/**
 * A set of listeners told synchronously; one that throws is logged and the others are
 * still told (a failing subscriber must not stop a definition put or a refresh).
 */
import type { Logger } from '../../shared/logger.ts';

export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(
    private readonly logger: Logger | undefined,
    private readonly failure: string,
  ) {}

  /** Adds `listener`; returns the unsubscribe. */
  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener; `context` goes into the log line of one that throws. */
  tell(value: T, context: Record<string, unknown> = {}): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (err) {
        this.logger?.warn({ err, ...context }, this.failure);
      }
    }
  }
}
