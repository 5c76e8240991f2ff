/**
 * `RecentIds`: a bounded set of ids that forgets the oldest first. The SDK remembers the
 * command ids it handled with it (commands/command-runner.ts, the duplicate filter); the
 * collector remembers the command ids acknowledged on the acks topic
 * (collector/src/app/commands/command-feed.ts). Both ask the same two questions — "seen
 * this id lately?" and "remember it" — and both only grow to `capacity`.
 *
 * "Oldest" is by the last `add`; `has` does not change it. `touch` is `has` that also
 * counts as a use, so a set read with `touch` forgets the least recently used id first
 * (an id that keeps coming back, like a redelivered command, stays remembered).
 */
export class RecentIds {
  /** In insertion order = oldest first (a `Set` iterates in insertion order). */
  private readonly ids = new Set<string>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RecentIds: capacity must be a positive integer, got ${capacity}`);
    }
  }

  /** Whether `id` is remembered; does not make it newer. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Whether `id` is remembered; if so it becomes the newest (least-recently-used order). */
  touch(id: string): boolean {
    if (!this.ids.has(id)) return false;
    this.add(id);
    return true;
  }

  /** Remembers `id` as the newest, forgetting the oldest beyond `capacity`. */
  add(id: string): void {
    this.ids.delete(id); // re-adding makes it the newest
    this.ids.add(id);
    while (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }

  get size(): number {
    return this.ids.size;
  }
}
