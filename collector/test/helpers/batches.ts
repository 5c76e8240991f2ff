/**
 * What the ingest tests share: events as the Kafka records a `BatchIngester` takes, a
 * list cut into batches at arbitrary points (for "any split" properties), and an
 * ingester on a real store with a silent logger and a dead-letter sink that drops.
 */
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { BatchIngester, type BatchIngesterDeps } from '../../src/app/ingest/batch-ingester.ts';
import type { EventWriter } from '../../src/ports/event-store.ts';
import type { IncomingMessage } from '../../src/ports/incoming-message.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';

/** The events as records of partition 0 of topic `in`, offsets 0, 1, 2, … */
export function asMessages(events: readonly unknown[]): IncomingMessage[] {
  return events.map((event, offset) => ({
    topic: 'in',
    partition: 0,
    offset: String(offset),
    key: null,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
  }));
}

/** A list cut into consecutive non-empty batches at the given cut points (mod length + 1). */
export function splitAt<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((cut) => cut % (items.length + 1)))].sort((a, b) => a - b);
  const batches: T[][] = [];
  let start = 0;
  for (const point of [...points, items.length]) {
    if (point > start) batches.push(items.slice(start, point));
    start = Math.max(start, point);
  }
  return batches;
}

/** An ingester writing to `writer` with the pure fold; `metrics` to read its counters. */
export function testIngester(
  writer: EventWriter,
  options: Partial<BatchIngesterDeps> = {},
): { ingester: BatchIngester; metrics: Metrics } {
  const metrics = options.metrics ?? new Metrics();
  return {
    metrics,
    ingester: new BatchIngester({
      writer,
      deadLetters: { send: async () => {} },
      fold: foldInstance,
      maxEventBytes: 100_000,
      logger: createLogger('silent'),
      ...options,
      metrics,
    }),
  };
}
