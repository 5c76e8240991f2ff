/**
 * HTTP ingest through the collector's `BatchIngester`: the same decoding, validation,
 * de-duplication, dead letters and re-fold as the Kafka path. Each request gets its own
 * processor whose dead-letter sink forwards to the configured sink (the SQLite table in
 * embedded mode, the Kafka DLQ topic in Kafka mode) and remembers the letters, so the
 * answer can name every rejected event. Resolves only once the events, the dead letters
 * and the instance states are stored; a store or sink that is down throws (→ 503).
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Metrics } from '../../shared/metrics.ts';
import { BatchIngester } from './batch-ingester.ts';
import type { DeadLetter, DeadLetterSink } from '../../ports/dead-letter-sink.ts';
import type { EventWriter } from '../../ports/event-store.ts';
import { FailFastEventWriter } from './fail-fast-writer.ts';
import { ingestOutcome, type IngestOutcome, type IngestUnit } from './ingest-outcome.ts';

export interface EventIngestDeps {
  /** The store itself, not a retrying wrapper: HTTP clients retry on 503. */
  writer: EventWriter;
  deadLetters: DeadLetterSink;
  fold: (events: readonly FlowtrailEvent[]) => InstanceState;
  maxEventBytes: number;
  metrics: Metrics;
  logger: Logger;
}

export class EventIngest {
  private readonly writer: EventWriter;

  constructor(private readonly deps: EventIngestDeps) {
    this.writer = new FailFastEventWriter(deps.writer);
  }

  get maxEventBytes(): number {
    return this.deps.maxEventBytes;
  }

  async ingest(units: readonly IngestUnit[]): Promise<IngestOutcome> {
    if (units.length === 0) return { accepted: 0, rejected: [] };
    const letters: DeadLetter[] = [];
    const sink = this.deps.deadLetters;
    const processor = new BatchIngester({
      ...this.deps,
      writer: this.writer,
      deadLetters: {
        send: async (batch) => {
          await sink.send(batch);
          for (const item of batch) letters.push(item);
        },
      },
    });
    this.deps.metrics.add('batches');
    await processor.process(units.map((unit) => unit.message));
    return ingestOutcome(units, letters);
  }
}
