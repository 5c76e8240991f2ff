/**
 * Wraps a transport and keeps a copy of the events it was asked to watch, once they were
 * sent — so the demo can deliver the very same event (same id) a second time, as an
 * at-least-once transport would after a lost acknowledgement.
 */
import type { FlowtrailEvent, Transport } from '@flowtrail/sdk';

export class RecordingTransport implements Transport {
  private readonly watched = new Set<string>();
  private readonly kept = new Map<string, FlowtrailEvent>();

  constructor(private readonly inner: Transport) {}

  /** Keep the event with this id when it is sent. */
  watch(id: string): void {
    this.watched.add(id);
  }

  /** The watched event, once sent (removed from the store); `undefined` otherwise. */
  take(id: string): FlowtrailEvent | undefined {
    const event = this.kept.get(id);
    this.kept.delete(id);
    this.watched.delete(id);
    return event;
  }

  async send(events: FlowtrailEvent[]): Promise<void> {
    await this.inner.send(events);
    for (const event of events) {
      if (this.watched.has(event.id)) this.kept.set(event.id, structuredClone(event));
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
