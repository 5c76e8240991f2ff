/**
 * The Kafka partition key of each event (`instanceKeyOf`), remembered per instance: a
 * service emits many events per instance, and the key (three `encodeURIComponent`s and a
 * join) cost about a tenth of the SDK's own work per event in the Kafka benchmark
 * (issue 11). Bounded: when `maxEntries` instances are remembered it starts over, so a
 * stream of ever-new instances costs one key computation each, as without the cache.
 */
import { instanceKeyOf } from '../protocol/instance-key.ts';
import type { FlowtrailEvent } from '../protocol/schema.ts';

interface Entry {
  source: string;
  process: string;
  key: string;
}

export class InstanceKeyCache {
  /** By `ftinstance`; `source` and `ftprocess` are compared on every hit. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 4096) {}

  /** Instances remembered now (at most `maxEntries`). */
  get size(): number {
    return this.entries.size;
  }

  keyOf(event: FlowtrailEvent): string {
    const { source, ftprocess, ftinstance } = event;
    const hit = this.entries.get(ftinstance);
    if (hit !== undefined && hit.source === source && hit.process === ftprocess) return hit.key;
    const key = instanceKeyOf(event);
    // Only strings are remembered: a key made from other values (an event that skipped
    // validation) is computed each time, as before.
    if (
      typeof source === 'string' &&
      typeof ftprocess === 'string' &&
      typeof ftinstance === 'string'
    ) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(ftinstance, { source, process: ftprocess, key });
    }
    return key;
  }
}
