/**
 * HTTP ingest through the collector's `BatchIngester`: the same decoding, validation,
 * de-duplication, dead letters and re-fold as the Kafka path. Each request gets its own
 * processor whose dead-letter sink forwards to the configured sink (the SQLite table in
 * embedded mode, the Kafka DLQ topic in Kafka mode) and remembers the letters, so the
 * answer can name every rejected event. Resolves only once the events, the dead letters
 * and the instance states are stored; a store or sink that is down throws (→ 503).
 *
 * Large requests never stall the server. With an atomic writer (the embedded SQLite
 * store) a batch is one synchronous transaction — store, re-read, fold, states — during
 * which the event loop answers nothing (10,000 events ≈ 0.5 s, a health check waited for
 * all of it). So a request is processed in sub-batches (`planChunks`), each one
 * `BatchIngester.process` and so atomic on its own (crash safety holds per sub-batch: its
 * events and states commit together), and the event loop gets a turn (`LoopTurns`)
 * before each one, so other requests run in between. The answer still comes only after
 * the last sub-batch is stored, and it is the answer one batch would have given:
 * rejections are by the request index (the message offset), and every copy of an event
 * id goes into the sub-batch of its first copy, where `BatchIngester` de-duplicates them
 * as it does within any batch. A request that fails midway (503) has stored its earlier
 * sub-batches; the client's retry stores them again as no-ops (same identity, same
 * content) — their dead letters, though, are stored again.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Metrics } from '../../shared/metrics.ts';
import { BatchIngester } from './batch-ingester.ts';
import { isAtomicBatchWriter } from '../../ports/atomic-batch.ts';
import type { DeadLetter, DeadLetterSink } from '../../ports/dead-letter-sink.ts';
import type { EventWriter } from '../../ports/event-store.ts';
import { FailFastEventWriter } from './fail-fast-writer.ts';
import { ingestOutcome, type IngestOutcome, type IngestUnit } from './ingest-outcome.ts';

/** The most events and event bytes (the units' values) of one sub-batch. */
export interface ChunkLimits {
  events: number;
  bytes: number;
}

/**
 * The sub-batches with an atomic (synchronous) writer, chosen by measurement
 * (bench/ingest-isolation.bench.ts, docs/benchmarks.md "Ingest isolation", and a probe of
 * the loop's longest turns in process; 2 cores shared with other work, 100,000 events
 * and more stored). A sub-batch holds the loop ≈ 40 µs per event of ≈ 400 bytes on an idle
 * machine and about twice that while other work keeps the cores busy (decode ≈ 25 %, the
 * transaction the rest): there 256 events took 21 ms (median), at most 80 ms, and 512
 * events 44 ms, up to 150 ms — too long for health's 100 ms p99 once a turn of body
 * parsing or another request comes between. Smaller costs throughput, per commit (WAL
 * pages and the FTS index: a third of a 10,000-event transaction, more than half of a
 * 500-event one): 10,000 events in sub-batches of 250 took ≈ 1.6× as long as in one
 * transaction, of 500 ≈ 1.5×; three clients posting 90,000 events took 15 % longer with
 * 256 than with 512. The byte cap bounds sub-batches of large events (decode, JSON and
 * rows grow with the bytes): 128 KiB is 256 events of 512 bytes, ≈ 85 of 1.5 KB.
 */
export const ATOMIC_WRITER_CHUNK: ChunkLimits = { events: 256, bytes: 128 * 1024 };

/** No split: the whole request is one batch. */
const ONE_BATCH: ChunkLimits = {
  events: Number.POSITIVE_INFINITY,
  bytes: Number.POSITIVE_INFINITY,
};

export interface EventIngestDeps {
  /** The store itself, not a retrying wrapper: HTTP clients retry on 503. */
  writer: EventWriter;
  deadLetters: DeadLetterSink;
  fold: (events: readonly FlowtrailEvent[]) => InstanceState;
  maxEventBytes: number;
  metrics: Metrics;
  logger: Logger;
  /**
   * The sub-batches' limits. Default: `ATOMIC_WRITER_CHUNK` for an atomic writer, whose
   * transaction runs on the event loop; otherwise the whole request is one batch
   * (Elasticsearch awaits the network between its steps, and each batch costs it a
   * refresh and a re-read).
   */
  chunk?: ChunkLimits;
}

/**
 * The sub-batches of a request: lists of unit indexes in request order, a new one begun
 * when the current one holds `limits.events` units or `limits.bytes` bytes of values (at
 * least one unit each) — except that every later unit with the `id` of an earlier one
 * joins that one's sub-batch, past the limits if need be. An event's identity includes
 * its id, so the copies of one event are always de-duplicated within one `BatchIngester`
 * batch, the first copy first, exactly as in the unsplit request. Units without a
 * readable id cannot decode (an event needs one) and go anywhere.
 */
export function planChunks(units: readonly IngestUnit[], limits: ChunkLimits): number[][] {
  const chunks: number[][] = [];
  const chunkOfId = new Map<string, number[]>();
  let current: number[] = [];
  let bytes = 0;
  for (const [index, unit] of units.entries()) {
    const home = unit.id === undefined ? undefined : chunkOfId.get(unit.id);
    if (home !== undefined) {
      home.push(index);
      continue;
    }
    const size = unit.message.value?.length ?? 0;
    if (current.length === 0 || current.length >= limits.events || bytes + size > limits.bytes) {
      current = [];
      bytes = 0;
      chunks.push(current);
    }
    current.push(index);
    bytes += size;
    if (unit.id !== undefined) chunkOfId.set(unit.id, current);
  }
  return chunks;
}

/**
 * Turns of the event loop, handed out one per `setImmediate`, first come first served:
 * `await turns.next()` resolves in the check phase of a loop iteration, and the next
 * waiter — of the same request or of a concurrent one — not before the following
 * iteration. Between two sub-batches the loop therefore always polls for I/O (new
 * connections, request bodies, answers to write), however many requests are ingesting.
 * It orders only the starts: a sub-batch that awaits real I/O (not SQLite) does not hold
 * the next one back.
 */
class LoopTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()?.();
      // Queued from within the check phase: runs in the next loop iteration.
      this.schedule();
    });
  }
}

export class EventIngest {
  private readonly writer: EventWriter;
  private readonly chunk: ChunkLimits;
  private readonly turns = new LoopTurns();

  constructor(private readonly deps: EventIngestDeps) {
    this.writer = new FailFastEventWriter(deps.writer);
    this.chunk = deps.chunk ?? (isAtomicBatchWriter(deps.writer) ? ATOMIC_WRITER_CHUNK : ONE_BATCH);
  }

  get maxEventBytes(): number {
    return this.deps.maxEventBytes;
  }

  /**
   * A turn of the event loop in the same queue as the sub-batches (`LoopTurns`), for the
   * other long work of an ingest request: the HTTP adapter parses a large body in pieces
   * between turns (adapters/http/batch-pieces.ts).
   */
  nextTurn(): Promise<void> {
    return this.turns.next();
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
    const chunks = planChunks(units, this.chunk);
    for (const chunk of chunks) {
      // One sub-batch (a small request) runs at once, as a single batch always did.
      if (chunks.length > 1) await this.turns.next();
      await processor.process(chunk.map((index) => (units[index] as IngestUnit).message));
    }
    return ingestOutcome(units, letters);
  }
}
