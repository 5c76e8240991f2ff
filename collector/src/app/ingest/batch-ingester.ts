/**
 * One storage round trip for a slice of Kafka records:
 *   decode → invalid to the DLQ, valid (deduplicated by id) to the event store →
 *   items the store rejects for good to the DLQ (`storage-rejected`) →
 *   re-read ALL events of every touched instance → fold → write states.
 * A writer with the `AtomicBatchWriter` capability (SQLite) does the store, re-read and
 * states write in one transaction, the fold running inside it; the outcome is the same.
 * Resolves only when everything is durably stored (events, dead letters, states); the
 * caller commits the offsets after that. Bad input never throws: it becomes a dead letter.
 * Batches are unbounded (an HTTP batch of 130,000 elements is one call), so nothing here
 * spreads an array into arguments (`push(...x)` throws RangeError past ~120k) or scans
 * the batch once per element.
 */
import { decodeKafkaMessage, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Metrics } from '../../shared/metrics.ts';
import type { EventWriter, WriteResult } from '../../ports/event-store.ts';
import { isAtomicBatchWriter } from '../../ports/atomic-batch.ts';
import type { DeadLetter, DeadLetterSink } from '../../ports/dead-letter-sink.ts';
import type { IncomingMessage } from '../../ports/incoming-message.ts';

export interface BatchIngesterDeps {
  /** Should retry retriable failures itself (see `RetryingEventWriter`). */
  writer: EventWriter;
  /** Should retry retriable failures itself (see `RetryingDeadLetterSink`). */
  deadLetters: DeadLetterSink;
  fold: (events: readonly FlowtrailEvent[]) => InstanceState;
  maxEventBytes: number;
  metrics: Metrics;
  logger: Logger;
}

/**
 * Dead letters go to the sink in slices of at most this many: a sink may spread what it
 * gets into arguments (app/ingest/event-ingest.ts does, `letters.push(...batch)`).
 */
/** Larger events are dead-lettered as `oversized` (`FLOWTRAIL_MAX_EVENT_BYTES`). */
export const DEFAULT_MAX_EVENT_BYTES = 1_048_576;

/** Dead letters named in a batch's log line (the sink keeps all of them). */
const LOGGED_LETTERS = 5;

export const DEAD_LETTER_SLICE = 10_000;

export interface BatchOutcome {
  indexed: number;
  deadLettered: number;
  statesWritten: number;
}

interface Decoded {
  message: IncomingMessage;
  event: FlowtrailEvent;
}

export class BatchIngester {
  constructor(private readonly deps: BatchIngesterDeps) {}

  async process(messages: readonly IncomingMessage[]): Promise<BatchOutcome> {
    const { metrics } = this.deps;
    metrics.add('consumed', messages.length);
    const { valid, letters } = this.decode(messages);

    const events = valid.map((d) => d.event);
    const { writer } = this.deps;
    // With an atomic writer (SQLite) the events and their states commit together; the
    // states' outcome is recorded below, in the same place as on the three-step path.
    let atomic: { states: InstanceState[]; result: WriteResult<InstanceState> } | undefined;
    let written: WriteResult<FlowtrailEvent>;
    if (isAtomicBatchWriter(writer)) {
      let states: InstanceState[] = [];
      const result = await writer.writeBatch(events, (keys, eventsByKey) => {
        states = this.foldStates(keys, eventsByKey);
        return states;
      });
      written = result.events;
      atomic = { states, result: result.states };
    } else {
      written = await writer.writeEvents(events);
    }
    const byId = new Map(valid.map((d) => [d.event.id, d]));
    const rejectedIds = new Set<string>();
    for (const failure of written.rejected) {
      rejectedIds.add(failure.item.id);
      const source = byId.get(failure.item.id);
      if (source !== undefined) {
        letters.push({
          message: source.message,
          reason: 'storage-rejected',
          errors: [failure.error],
        });
      }
    }
    if (written.retriable.length > 0) {
      // The retrying writer only returns retriable items when it was told to stop.
      throw new Error(`${written.retriable.length} event(s) not stored before stopping`);
    }
    const stored = valid.filter((d) => !rejectedIds.has(d.event.id)).map((d) => d.event);
    metrics.add('indexed', stored.length);
    metrics.add('storageRejected', written.rejected.length);

    let start = 0;
    do {
      // An empty batch still makes one (empty) send, as it always did.
      await this.deps.deadLetters.send(letters.slice(start, start + DEAD_LETTER_SLICE));
      start += DEAD_LETTER_SLICE;
    } while (start < letters.length);
    metrics.add('dlq', letters.length);
    // One line per batch, not per letter: a hostile batch of 100,000 rejects must not
    // write 100,000 log lines. The first few are shown; every letter is in the sink.
    if (letters.length > 0) {
      const reasons: Record<string, number> = {};
      for (const letter of letters) reasons[letter.reason] = (reasons[letter.reason] ?? 0) + 1;
      this.deps.logger.warn(
        {
          count: letters.length,
          reasons,
          first: letters.slice(0, LOGGED_LETTERS).map((letter) => ({
            reason: letter.reason,
            topic: letter.message.topic,
            partition: letter.message.partition,
            offset: letter.message.offset,
            errors: letter.errors.slice(0, 5),
          })),
        },
        'input sent to the dead-letter sink',
      );
    }

    let statesWritten: number;
    if (atomic === undefined) statesWritten = await this.refold(stored);
    else if (stored.length === 0) statesWritten = 0;
    else statesWritten = this.recordStates(atomic.states, atomic.result);
    return { indexed: stored.length, deadLettered: letters.length, statesWritten };
  }

  private decode(messages: readonly IncomingMessage[]): {
    valid: Decoded[];
    letters: DeadLetter[];
  } {
    const valid: Decoded[] = [];
    const seen = new Set<string>();
    const letters: DeadLetter[] = [];
    for (const message of messages) {
      let result: ReturnType<typeof decodeKafkaMessage>;
      try {
        result = decodeKafkaMessage(message.value, message.headers, {
          maxBytes: this.deps.maxEventBytes,
        });
      } catch (err) {
        result = {
          ok: false,
          reason: 'schema-violation',
          errors: [`decoder failed: ${(err as Error).message}`],
        };
      }
      if (!result.ok) {
        letters.push({ message, reason: result.reason, errors: result.errors });
      } else if (seen.has(result.event.id)) {
        this.deps.metrics.add('duplicatesInBatch');
      } else {
        seen.add(result.event.id);
        valid.push({ message, event: result.event });
      }
    }
    return { valid, letters };
  }

  /** Folds every instance touched by `stored` from ALL its stored events. */
  private async refold(stored: readonly FlowtrailEvent[]): Promise<number> {
    const keys = [...new Set(stored.map((event) => instanceKeyOf(event)))];
    if (keys.length === 0) return 0;
    const eventsByKey = await this.deps.writer.eventsOfInstances(keys);
    const states = this.foldStates(keys, eventsByKey);
    return this.recordStates(states, await this.deps.writer.writeStates(states));
  }

  /** The states of `keys`; a key without events or whose fold throws is logged, skipped. */
  private foldStates(
    keys: readonly string[],
    eventsByKey: ReadonlyMap<string, FlowtrailEvent[]>,
  ): InstanceState[] {
    const states: InstanceState[] = [];
    for (const key of keys) {
      const events = eventsByKey.get(key);
      if (events === undefined || events.length === 0) {
        this.deps.logger.error(
          { key },
          'stored events of an instance are not readable; state not updated',
        );
        continue;
      }
      try {
        states.push(this.deps.fold(events));
      } catch (err) {
        this.deps.metrics.add('foldFailures');
        this.deps.logger.error(
          { err, key, events: events.length },
          'fold failed; state not updated',
        );
      }
    }
    return states;
  }

  /** Logs and counts the outcome of a states write; returns how many were stored. */
  private recordStates(
    states: readonly InstanceState[],
    result: WriteResult<InstanceState>,
  ): number {
    for (const failure of result.rejected) {
      this.deps.logger.error(
        { key: failure.item.key, error: failure.error },
        'instance state rejected by the store',
      );
    }
    if (result.retriable.length > 0) {
      throw new Error(`${result.retriable.length} state(s) not stored before stopping`);
    }
    const written = states.length - result.rejected.length;
    this.deps.metrics.add('statesWritten', written);
    this.deps.metrics.add('statesRejected', result.rejected.length);
    return written;
  }
}
