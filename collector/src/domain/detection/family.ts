/**
 * A family: the unit the consistency rules (consistency.ts) look at — one parent
 * instance and the child instances whose `parent` link points at it (system B expects
 * system C to run a subprocess for it; docs/detection.md). Pure: no IO, no clock.
 *
 * `familiesOf` gives every instance exactly one family in which it is the parent (with
 * its children, possibly none), plus one family per parent that has no state — the
 * children of an unknown parent (orphan candidates). So every instance is the `parent`
 * of exactly one family and every child link belongs to exactly one family; rules about
 * a single instance (duplicate business actions, nonconformance) look at the parent.
 */
import { instanceKey, type InstanceRef } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../instance/instance-state.ts';

export interface Family {
  /** Key of the parent instance (`instanceKey` of its source/process/instance). */
  key: string;
  /** Source, process and instance of the parent, also when it has no state. */
  ref: InstanceRef;
  /** The parent's state; absent when no event of the parent was seen (unknown parent). */
  parent?: InstanceState;
  /** Instances whose `state.parent` points at the parent, sorted by key. */
  children: InstanceState[];
}

function compareKeys(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Key of the parent an instance names in its `parent` link; undefined for a root. */
export function parentKeyOf(state: InstanceState): string | undefined {
  return state.parent === undefined ? undefined : instanceKey(state.parent);
}

/**
 * Groups states into families, sorted by key (the result depends only on the set of
 * states). States with the same key are taken once (the first).
 */
export function familiesOf(states: readonly InstanceState[]): Family[] {
  const byKey = new Map<string, Family>();
  const unique = new Map<string, InstanceState>();
  for (const state of states) if (!unique.has(state.key)) unique.set(state.key, state);
  for (const state of unique.values()) {
    const { source, process, instance } = state;
    byKey.set(state.key, {
      key: state.key,
      ref: { source, process, instance },
      parent: state,
      children: [],
    });
  }
  for (const child of unique.values()) {
    if (child.parent === undefined) continue;
    const key = instanceKey(child.parent);
    if (key === child.key) continue; // a link to itself is no family relation
    let family = byKey.get(key);
    if (family === undefined) {
      const { source, process, instance } = child.parent;
      family = { key, ref: { source, process, instance }, children: [] };
      byKey.set(key, family);
    }
    family.children.push(child);
  }
  const families = [...byKey.values()].sort(compareKeys);
  for (const family of families) family.children.sort(compareKeys);
  return families;
}
