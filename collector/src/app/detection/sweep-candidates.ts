/**
 * The instances one sweep looks at, read through indexed queries only (never a scan of
 * every open instance): the overdue ones (`nextDeadline` ≤ now), a page of the recently
 * changed ones (a consistency condition becomes a finding `grace` after a change; the
 * pages and their cursor: changed-walk.ts), the instances of open alerts (so they can
 * resolve), and the families of all of them (parent, siblings, children) — the consistency
 * rules compare parent and subprocesses.
 *
 * A catch-up: a condition becomes a finding `grace` after its instance's last change, so
 * the "changed since" window only has to reach back a little behind the previous sweep —
 * but a collector that starts (or restarts) cannot know what changed while none ran, so it
 * also walks every stored instance once, `limit` per sweep, with a key cursor kept by the
 * sweeper (`catchUp`), until the walk is done. Without it, an instance whose last event is
 * older than the window — an old order still waiting for a subprocess that never started,
 * a completed order whose payment failed — would never be checked after a restart.
 */
import { instanceKey, parseInstanceKey, type InstanceRef } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { ChangeCursor, ChangedWindowQuery } from '../../ports/changed-window.ts';
import type { DetectionReader } from '../../ports/event-store.ts';

export interface CandidateOptions {
  now: string;
  /** The page of recently changed instances to re-check (`limit` is this query's). */
  changed: ChangedWindowQuery;
  /** Keys that must be looked at (instances and related instances of open alerts). */
  alertKeys: readonly string[];
  /** Bounds per query, so one sweep stays small; the next sweep continues. */
  limit: number;
  /** The catch-up walk: instances changed at or after `since`, after the key `after`. */
  catchUp?: { since: string; after?: string };
}

export interface Candidates {
  states: InstanceState[];
  /** Where the catch-up walk goes on next sweep; undefined when it is done (or none ran). */
  catchUpAfter?: string;
  /** How many instances the page of recently changed ones held. */
  changedCount: number;
  /** The cursor of the changed page when it was full; undefined at the end of the window. */
  changedNext?: ChangeCursor;
}

export async function sweepCandidates(
  reader: DetectionReader,
  options: CandidateOptions,
): Promise<Candidates> {
  const byKey = new Map<string, InstanceState>();
  const add = (states: readonly InstanceState[]) => {
    for (const state of states) byKey.set(state.key, state);
  };
  add(await reader.overdueInstances(options.now, options.limit));
  const changed = await reader.instancesChangedBetween(options.changed);
  add(changed.instances);
  let catchUpAfter: string | undefined;
  if (options.catchUp !== undefined) {
    const page = await reader.instancesChangedSince(
      options.catchUp.since,
      options.limit,
      options.catchUp.after,
    );
    add(page.instances);
    catchUpAfter = page.next;
  }
  add(await reader.instancesByKeys(options.alertKeys.filter((key) => !byKey.has(key))));

  // Families: the parent (and so the siblings) of every subprocess candidate, and the
  // children of every candidate that expects subprocesses — only those can have any.
  const parents = new Map<string, InstanceRef>();
  for (const state of [...byKey.values()]) {
    if (state.parent !== undefined) {
      const { source, process, instance } = state.parent;
      parents.set(instanceKey({ source, process, instance }), { source, process, instance });
    }
    if (state.expectations.length > 0) {
      const ref = { source: state.source, process: state.process, instance: state.instance };
      parents.set(state.key, ref);
    }
  }
  for (const ref of parents.values()) add(await reader.childrenOf(ref));
  add(await reader.instancesByKeys([...parents.keys()].filter((key) => !byKey.has(key))));
  const states = [...byKey.values()].filter((state) => parseInstanceKey(state.key) !== undefined);
  return {
    states,
    changedCount: changed.instances.length,
    ...(catchUpAfter !== undefined ? { catchUpAfter } : {}),
    ...(changed.next !== undefined ? { changedNext: changed.next } : {}),
  };
}
