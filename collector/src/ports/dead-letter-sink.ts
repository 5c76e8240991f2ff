/**
 * Dead letters: inputs the collector will never store, kept with their ORIGINAL bytes
 * and headers plus `flowtrail-dlq-*` headers that say why and where they came from.
 */
import type { RejectionReason } from '@flowtrail/sdk/protocol';
import type { IncomingMessage } from './incoming-message.ts';

/**
 * Decoder reasons (`RejectionReason`) plus `storage-rejected` (the store refused the event)
 * and `conflicting-duplicate` (its identity, source and id, is already stored or earlier
 * in the batch with different content; the first copy is kept — docs/events.md, "Identity").
 */
export type DeadLetterReason = RejectionReason | 'storage-rejected' | 'conflicting-duplicate';

export interface DeadLetter {
  message: IncomingMessage;
  reason: DeadLetterReason;
  errors: unknown[];
}

/** Port: where dead letters go. Resolves only once they are durably accepted. */
export interface DeadLetterSink {
  send(letters: readonly DeadLetter[]): Promise<void>;
}

export const DLQ_HEADER = {
  reason: 'flowtrail-dlq-reason',
  errors: 'flowtrail-dlq-errors',
  topic: 'flowtrail-dlq-topic',
  partition: 'flowtrail-dlq-partition',
  offset: 'flowtrail-dlq-offset',
} as const;

/** Header values are capped so one huge validation report cannot exceed Kafka's limits. */
export const MAX_ERRORS_HEADER_BYTES = 16_384;

/** JSON of the errors, cut to whole entries that fit `MAX_ERRORS_HEADER_BYTES`. */
export function errorsHeaderValue(errors: readonly unknown[]): string {
  let json = JSON.stringify(errors);
  if (Buffer.byteLength(json) <= MAX_ERRORS_HEADER_BYTES) return json;
  const kept: unknown[] = [];
  for (const error of errors) {
    const next = JSON.stringify([...kept, error, `… ${errors.length - kept.length - 1} more`]);
    if (Buffer.byteLength(next) > MAX_ERRORS_HEADER_BYTES) break;
    kept.push(error);
  }
  json = JSON.stringify([...kept, `… ${errors.length - kept.length} more`]);
  return Buffer.byteLength(json) <= MAX_ERRORS_HEADER_BYTES
    ? json
    : JSON.stringify(['errors too large to report']);
}

/** The dead letter's headers: the original headers plus the `flowtrail-dlq-*` ones. */
export function deadLetterHeaders(
  letter: DeadLetter,
): Record<string, Buffer | string | (Buffer | string)[]> {
  const headers: Record<string, Buffer | string | (Buffer | string)[]> = {};
  for (const [name, value] of Object.entries(letter.message.headers)) {
    if (value !== undefined && !name.startsWith('flowtrail-dlq-')) headers[name] = value;
  }
  headers[DLQ_HEADER.reason] = letter.reason;
  headers[DLQ_HEADER.errors] = errorsHeaderValue(letter.errors);
  headers[DLQ_HEADER.topic] = letter.message.topic;
  headers[DLQ_HEADER.partition] = String(letter.message.partition);
  headers[DLQ_HEADER.offset] = letter.message.offset;
  return headers;
}
