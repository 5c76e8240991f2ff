/**
 * Keeps the stored `nextDeadline` of open instances in step with the definitions. The
 * fold computes an instance's effective next deadline when one of its events arrives;
 * when the effective definition of a process changes afterwards (a put through this
 * collector, a definition another collector or a query node stored, noticed by the
 * detection model's reload), the stored value is stale until the instance's next event —
 * and the overdue query, which finds stuck instances by that field, would miss an
 * instance whose new deadline already passed. So every change starts a WALK over the
 * open instances of the changed process, and a start walks every open instance once
 * (what the stored values were derived under — files changed across the restart,
 * definitions deleted, an older collector — is unknown).
 *
 * A walk reads a page of open keys (`openInstanceKeys`, indexed), reads their states
 * fresh by key (`instancesByKeys`: read-your-writes, never a stale search copy),
 * re-derives each with the model's `rederive` (the ingest fold's own last step, under
 * the current definitions and learned deadlines) and writes only the states whose
 * `nextDeadline` changed, through `writeStates`: versioned by `eventCount` like every
 * state write, so a state folded meanwhile from a new event is never replaced by the
 * older one re-derived here (the store keeps the fuller state; its fold used the current
 * definition on this collector, and another collector re-derives it after its own
 * reload). Writing the same state again is harmless, so walks are idempotent and several
 * collectors may walk at once.
 *
 * Bounded: `step(budget)` (one per sweep) reads at most `budget` open instances, walks of
 * changed processes before the start walk; a walk keeps its key cursor between sweeps, so
 * a process with a million open instances takes many sweeps and blocks none. A process
 * that changes again mid-walk restarts its walk from the first key. A failed step leaves
 * the cursor where it was (the next sweep retries the page).
 */
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import { StorageError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import {
  MAX_DETECTION_PAGE,
  type DetectionReader,
  type EventWriter,
} from '../../ports/event-store.ts';

export type RederivationStore = Pick<DetectionReader, 'openInstanceKeys' | 'instancesByKeys'> &
  Pick<EventWriter, 'writeStates'>;

export interface RederivationDeps {
  store: RederivationStore;
  /** The state with `nextDeadline` re-derived under the current definitions. */
  rederive: (state: InstanceState) => InstanceState;
  /** False while re-deriving would use incomplete inputs (learned deadlines not loaded). */
  ready?: () => boolean;
  logger: Logger;
}

export interface RederivationStep {
  /** Open instances read. */
  visited: number;
  /** States written with a re-derived `nextDeadline` (a write superseded by a state folded
   * from more events counts too: the store kept the fuller one). */
  rewritten: number;
  /** Walks not finished after this step. */
  pending: number;
}

interface Walk {
  /** Absent: every open instance (the start walk). */
  process?: string;
  after?: string;
  /** Bumped by a restart: a page read before it does not move the cursor. */
  generation: number;
  visited: number;
  rewritten: number;
}

const ALL = Symbol('every open instance');

export class DeadlineRederiver {
  private readonly walks = new Map<string | typeof ALL, Walk>();
  private busy = false;

  constructor(private readonly deps: RederivationDeps) {}

  /** (Re)starts a walk over the open instances of each process, from the first key. */
  enqueue(processes: readonly string[]): void {
    for (const process of processes) this.restart(process, { process });
  }

  /** (Re)starts the walk over every open instance. */
  enqueueAll(): void {
    this.restart(ALL, {});
  }

  /** Unfinished walks in the order they go: process names, then `undefined` (every instance). */
  pending(): (string | undefined)[] {
    return this.order().map((id) => this.walks.get(id)?.process);
  }

  /** Advances the walks by at most `budget` open instances (changed processes first). */
  async step(budget: number): Promise<RederivationStep> {
    const done = { visited: 0, rewritten: 0 };
    if (this.busy || this.deps.ready?.() === false || this.walks.size === 0) {
      return { ...done, pending: this.walks.size };
    }
    this.busy = true;
    try {
      let remaining = budget;
      for (const id of this.order()) {
        const walk = this.walks.get(id);
        while (walk !== undefined && remaining > 0 && this.walks.get(id) === walk) {
          const page = await this.advance(walk, Math.min(remaining, MAX_DETECTION_PAGE));
          remaining -= Math.max(page.visited, 1);
          done.visited += page.visited;
          done.rewritten += page.rewritten;
          if (page.finished) this.finish(id, walk);
        }
      }
    } finally {
      this.busy = false;
    }
    return { ...done, pending: this.walks.size };
  }

  /** Walks of changed processes (in the order first queued), then the one over every instance. */
  private order(): (string | typeof ALL)[] {
    const ids = [...this.walks.keys()];
    return [...ids.filter((id) => id !== ALL), ...ids.filter((id) => id === ALL)];
  }

  private restart(id: string | typeof ALL, init: { process?: string }): void {
    const walk = this.walks.get(id);
    if (walk === undefined) {
      this.walks.set(id, { ...init, generation: 0, visited: 0, rewritten: 0 });
    } else {
      delete walk.after;
      walk.generation++;
      walk.visited = 0;
      walk.rewritten = 0;
    }
  }

  /** One page of a walk; moves its cursor unless the walk restarted meanwhile. */
  private async advance(
    walk: Walk,
    limit: number,
  ): Promise<{ visited: number; rewritten: number; finished: boolean }> {
    const generation = walk.generation;
    const page = await this.deps.store.openInstanceKeys({
      ...(walk.process !== undefined ? { process: walk.process } : {}),
      limit,
      ...(walk.after !== undefined ? { after: walk.after } : {}),
    });
    const rewritten = await this.rewrite(page.keys);
    const visited = page.keys.length;
    if (walk.generation !== generation) return { visited, rewritten, finished: false };
    walk.visited += visited;
    walk.rewritten += rewritten;
    if (page.next === undefined) return { visited, rewritten, finished: true };
    walk.after = page.next;
    return { visited, rewritten, finished: false };
  }

  /** Re-derives the states of `keys`, writes those whose `nextDeadline` changed. */
  private async rewrite(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const states = await this.deps.store.instancesByKeys(keys);
    const changed = states
      .map((state) => ({ state, next: this.deps.rederive(state) }))
      .filter(({ state, next }) => next.nextDeadline !== state.nextDeadline)
      .map(({ next }) => next);
    if (changed.length === 0) return 0;
    const result = await this.deps.store.writeStates(changed);
    const [failed] = result.retriable;
    if (failed !== undefined) {
      throw new StorageError(
        `re-deriving deadlines: ${result.retriable.length} state write(s) failed with retriable status ${failed.status}`,
        true,
        failed.status,
      );
    }
    for (const { item, status, error } of result.rejected) {
      this.deps.logger.warn(
        { instance: item.key, status, error },
        'state with a re-derived deadline rejected by the store',
      );
    }
    return changed.length - result.rejected.length;
  }

  private finish(id: string | typeof ALL, walk: Walk): void {
    this.walks.delete(id);
    this.deps.logger.info(
      {
        ...(walk.process !== undefined ? { process: walk.process } : { all: true }),
        visited: walk.visited,
        rewritten: walk.rewritten,
      },
      'deadlines of open instances re-derived',
    );
  }
}
