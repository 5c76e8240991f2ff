/** Retry wrapper around a `DeadLetterSink`: retriable send failures back off and retry. */
import type { Retrier } from '../../shared/retry/retrier.ts';
import type { DeadLetter, DeadLetterSink } from '../../ports/dead-letter-sink.ts';

export class RetryingDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly inner: DeadLetterSink,
    private readonly retrier: Retrier,
  ) {}

  send(letters: readonly DeadLetter[]): Promise<void> {
    return this.retrier.run('send dead letters', () => this.inner.send(letters));
  }
}
