/**
 * One storage round trip for a slice of Kafka records:
 *   decode → invalid to the DLQ, valid (deduplicated by identity) to the event store →
 *   items the store rejects for good to the DLQ (`storage-rejected`, or
 *   `conflicting-duplicate` when the identity is stored with different content) →
 *   re-read ALL events of every touched instance → fold → write states.
 * Identity is (source, id) (`eventIdentity`; docs/events.md, "Identity"): a second copy
 * of an identity in one batch with the same content is a counted duplicate
 * (`duplicatesInBatch`), with different content a `conflicting-duplicate` dead letter —
 * the first copy stays, as the stores keep the first stored one.
 * A writer with the `AtomicBatchWriter` capability (SQLite) does the store, re-read and
 * states write in one transaction, the fold running inside it; the outcome is the same.
 * There the fold is incremental when the ingest fold says how it is made from the pure
 * fold (`deriveOf`: `foldInstance`, or a `derivedFold`): each touched instance's stored
 * summary is continued with only its newly inserted events (`continueFold`), and only
 * where that is impossible (no summary yet, or an event older than the summary's last)
 * is it re-folded from all stored events; `continuedFolds` and `refolds` count the two
 * (every fold of the other paths is a re-fold). `incremental: false` forces re-folds.
 * Resolves only when everything is durably stored (events, dead letters, states); the
 * caller commits the offsets after that. Bad input never throws: it becomes a dead letter.
 * Batches are unbounded (an HTTP batch of 130,000 elements is one call), so nothing here
 * spreads an array into arguments (`push(...x)` throws RangeError past ~120k) or scans
 * the batch once per element.
 */
import {
  decodeKafkaMessage,
  eventIdentity,
  instanceKeyOf,
  type FlowtrailEvent,
} from '@flowtrail/sdk/protocol';
import { deriveOf, type IngestFold } from '../../domain/instance/continued-fold.ts';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import { sameEventContent } from '../../domain/instance/same-event-content.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Metrics } from '../../shared/metrics.ts';
import {
  CONFLICTING_DUPLICATE,
  isConflictingDuplicate,
  type EventWriter,
  type WriteResult,
} from '../../ports/event-store.ts';
import { isAtomicBatchWriter, type BatchFold } from '../../ports/atomic-batch.ts';
import type { DeadLetter, DeadLetterSink } from '../../ports/dead-letter-sink.ts';
import type { IncomingMessage } from '../../ports/incoming-message.ts';
import { dispatchDeadLetters } from './dead-letter-dispatch.ts';
import { isSummaryStore } from '../../ports/summary-store.ts';
import { atomicBatchFolds, foldWithSummaries } from './summary-folds.ts';

export interface BatchIngesterDeps {
  /** Should retry retriable failures itself (see `RetryingEventWriter`). */
  writer: EventWriter;
  /** Should retry retriable failures itself (see `RetryingDeadLetterSink`). */
  deadLetters: DeadLetterSink;
  /** The ingest fold; a `derivedFold` (or `foldInstance`) can be continued incrementally. */
  fold: IngestFold;
  maxEventBytes: number;
  metrics: Metrics;
  logger: Logger;
  /**
   * Continue folds from the stored summaries where the writer can (default true);
   * false re-folds every touched instance from all its stored events (the baseline of
   * bench/incremental-ingest.bench.ts).
   */
  incremental?: boolean;
}

/** Larger events are dead-lettered as `oversized` (`FLOWTRAIL_MAX_EVENT_BYTES`). */
export const DEFAULT_MAX_EVENT_BYTES = 1_048_576;

export { DEAD_LETTER_SLICE } from './dead-letter-dispatch.ts';

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
    const { valid, byIdentity, letters } = this.decode(messages);

    const events = valid.map((d) => d.event);
    const { writer } = this.deps;
    // With an atomic writer (SQLite) the events and their states commit together; the
    // states' outcome is recorded below, in the same place as on the three-step path.
    let atomic: { states: InstanceState[]; result: WriteResult<InstanceState> } | undefined;
    let written: WriteResult<FlowtrailEvent>;
    if (isAtomicBatchWriter(writer)) {
      const derive = this.deps.incremental === false ? undefined : deriveOf(this.deps.fold);
      // By key: a retried transaction folds the same keys again and replaces them.
      const folded = new Map<string, InstanceState>();
      let refolded = 0;
      let continued = 0;
      // Called as a function (any atomic writer): every touched instance re-folded.
      const refoldAll: BatchFold = (keys, eventsByKey) => {
        const states = this.foldStates(keys, eventsByKey);
        folded.clear();
        for (const state of states) folded.set(state.key, state);
        refolded = keys.length;
        return states;
      };
      const result = await writer.writeBatch(
        events,
        derive === undefined
          ? refoldAll
          : Object.assign(
              refoldAll,
              atomicBatchFolds(
                derive,
                (key, events, fold) => this.foldOne(key, events, fold),
                folded,
                {
                  continued: () => void continued++,
                  refolded: () => void refolded++,
                },
              ),
            ),
      );
      written = result.events;
      const states = [...folded.values()];
      // Counted from the committed attempt when the store reports it.
      this.deps.metrics.add('refolds', result.folds?.refolded ?? refolded);
      this.deps.metrics.add('continuedFolds', result.folds?.continued ?? continued);
      atomic = { states, result: result.states };
    } else {
      written = await writer.writeEvents(events);
    }
    const rejected = new Set<string>();
    let storageRejected = 0;
    for (const failure of written.rejected) {
      const identity = eventIdentity(failure.item);
      rejected.add(identity);
      // A stored identity with different content: the stored event is kept, this copy
      // is dead-lettered as what it is, not as a storage failure.
      const conflict = isConflictingDuplicate(failure);
      if (!conflict) storageRejected++;
      const source = byIdentity.get(identity);
      if (source !== undefined) {
        letters.push({
          message: source.message,
          reason: conflict ? 'conflicting-duplicate' : 'storage-rejected',
          errors: [failure.error],
        });
      }
    }
    if (written.retriable.length > 0) {
      // The retrying writer only returns retriable items when it was told to stop.
      throw new Error(`${written.retriable.length} event(s) not stored before stopping`);
    }
    const stored = valid.filter((d) => !rejected.has(eventIdentity(d.event))).map((d) => d.event);
    metrics.add('indexed', stored.length);
    metrics.add('storageRejected', storageRejected);

    await dispatchDeadLetters(this.deps.deadLetters, letters, this.deps.logger);
    metrics.add('dlq', letters.length);

    let statesWritten: number;
    if (atomic === undefined) statesWritten = await this.refold(stored, written.unchanged);
    else if (stored.length === 0) statesWritten = 0;
    else statesWritten = this.recordStates(atomic.states, atomic.result);
    return { indexed: stored.length, deadLettered: letters.length, statesWritten };
  }

  private decode(messages: readonly IncomingMessage[]): {
    valid: Decoded[];
    /** The first copy of each identity (`eventIdentity`), the one in `valid`. */
    byIdentity: Map<string, Decoded>;
    letters: DeadLetter[];
  } {
    const valid: Decoded[] = [];
    const byIdentity = new Map<string, Decoded>();
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
        continue;
      }
      const identity = eventIdentity(result.event);
      const first = byIdentity.get(identity);
      if (first === undefined) {
        const decoded = { message, event: result.event };
        byIdentity.set(identity, decoded);
        valid.push(decoded);
      } else if (sameEventContent(first.event, result.event)) {
        this.deps.metrics.add('duplicatesInBatch');
      } else {
        letters.push({
          message,
          reason: 'conflicting-duplicate',
          errors: [
            {
              type: CONFLICTING_DUPLICATE,
              reason:
                `event ${JSON.stringify(result.event.id)} of source ` +
                `${JSON.stringify(result.event.source)} came earlier in the batch ` +
                `(offset ${first.message.offset}) with different content; that copy is kept`,
            },
          ],
        });
      }
    }
    return { valid, byIdentity, letters };
  }

  /**
   * Folds every instance touched by `stored`: continued from the stored summaries where
   * the writer keeps them (summary-folds.ts), else from ALL its stored events.
   */
  private async refold(
    stored: readonly FlowtrailEvent[],
    unchanged: readonly FlowtrailEvent[] | undefined,
  ): Promise<number> {
    const { writer, metrics } = this.deps;
    const derive = this.deps.incremental === false ? undefined : deriveOf(this.deps.fold);
    if (derive !== undefined && isSummaryStore(writer)) {
      if (stored.length === 0) return 0;
      // A summary store lists every replayed event (ports/summary-store.ts).
      const replayed = new Set((unchanged ?? []).map((e) => eventIdentity(e)));
      const result = await foldWithSummaries(
        writer,
        stored,
        replayed,
        derive,
        (key, events, fold) => this.foldOne(key, events, fold),
      );
      metrics.add('continuedFolds', result.continued);
      metrics.add('refolds', result.refolded);
      metrics.add('newInstanceFolds', result.fresh);
      const states = result.folded.map((item) => item.state);
      return this.recordStates(states, await writer.writeFoldedStates(result.folded));
    }
    const keys = [...new Set(stored.map((event) => instanceKeyOf(event)))];
    if (keys.length === 0) return 0;
    const eventsByKey = await this.deps.writer.eventsOfInstances(keys);
    const states = this.foldStates(keys, eventsByKey);
    this.deps.metrics.add('refolds', keys.length);
    return this.recordStates(states, await this.deps.writer.writeStates(states));
  }

  /** `fold(events)`; logged and skipped (undefined) without events or when it throws. */
  private foldOne<R>(
    key: string,
    events: readonly FlowtrailEvent[] | undefined,
    fold: (events: readonly FlowtrailEvent[]) => R,
  ): R | undefined {
    if (events === undefined || events.length === 0) {
      this.deps.logger.error(
        { key },
        'stored events of an instance are not readable; state not updated',
      );
      return undefined;
    }
    try {
      return fold(events);
    } catch (err) {
      this.deps.metrics.add('foldFailures');
      this.deps.logger.error({ err, key, events: events.length }, 'fold failed; state not updated');
      return undefined;
    }
  }

  /** The states of `keys`; a key without events or whose fold throws is logged, skipped. */
  private foldStates(
    keys: readonly string[],
    eventsByKey: ReadonlyMap<string, FlowtrailEvent[]>,
  ): InstanceState[] {
    const states: InstanceState[] = [];
    for (const key of keys) {
      const state = this.foldOne(key, eventsByKey.get(key), this.deps.fold);
      if (state !== undefined) states.push(state);
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
