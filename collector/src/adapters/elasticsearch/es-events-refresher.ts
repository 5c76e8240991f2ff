/**
 * Refreshes of the events indices, shared by everything one store does at once (the
 * partitions a collector folds concurrently, HTTP ingest beside them). A refresh is the
 * dearest request of a batch: it writes a segment, and many small segments are merged
 * later, so callers that would refresh at the same moment share one.
 *
 * - `forRead()` — before a search that must see every event stored so far, by anyone
 *   (`eventsOfInstances`, `scanInstanceEvents`): waits for a refresh that STARTS after
 *   the call; callers arriving while one runs share the next one.
 * - `ownWrites()` — before states are written, so no state is visible before its events
 *   (es-summaries.ts): only THIS store's event writes must be searchable; when a refresh
 *   that started after the last of them already finished, nothing is sent, and one
 *   already running that started after them is joined.
 * `noteWritten()` is called after every events bulk that created documents.
 */
import type { Client } from '@elastic/elasticsearch';
import { refreshEvents } from './es-event-scan.ts';

interface Run {
  /** `written` when the run started: the writes it makes searchable. */
  covers: number;
  done: Promise<void>;
}

export class EventsRefresher {
  /** Event bulks that created documents, counted as they were acknowledged. */
  private written = 0;
  /** Writes made searchable by the refreshes that finished. */
  private covered = 0;
  private running: Run | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly refresh: () => Promise<void>) {}

  static of(client: Client, prefix: string): EventsRefresher {
    return new EventsRefresher(() => refreshEvents(client, prefix));
  }

  noteWritten(): void {
    this.written += 1;
  }

  forRead(): Promise<void> {
    return this.next();
  }

  ownWrites(): Promise<void> {
    const need = this.written;
    if (need <= this.covered) return Promise.resolve();
    if (this.running !== undefined && this.running.covers >= need) return this.running.done;
    return this.next();
  }

  /** A refresh that starts after now (the one queued behind a running one is shared). */
  private next(): Promise<void> {
    if (this.running === undefined) return this.start();
    this.queued ??= this.running.done.then(
      () => this.afterQueue(),
      () => this.afterQueue(),
    );
    return this.queued;
  }

  private afterQueue(): Promise<void> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<void> {
    const covers = this.written;
    const done = this.refresh().then(() => {
      this.covered = Math.max(this.covered, covers);
    });
    const run: Run = { covers, done };
    this.running = run;
    const clear = (): void => {
      if (this.running === run) this.running = undefined;
    };
    done.then(clear, clear);
    return done;
  }
}
