/** A bounded set of ids, evicting the least recently used: the SDK's duplicate filter. */
export class SeenIds {
  private readonly ids = new Map<string, true>();

  constructor(readonly capacity: number) {}

  has(id: string): boolean {
    if (!this.ids.has(id)) return false;
    this.ids.delete(id); // refresh: most recently used last
    this.ids.set(id, true);
    return true;
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.set(id, true);
    while (this.ids.size > this.capacity) {
      this.ids.delete(this.ids.keys().next().value as string);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
