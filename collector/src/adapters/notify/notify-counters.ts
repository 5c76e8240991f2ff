/**
 * Per-channel counters of the notifiers: notifications sent, notifications given up on
 * (failed), and retries. Plain numbers, like `../metrics.ts`; logged or exported by the owner.
 */

export interface ChannelCounts {
  sent: number;
  failed: number;
  retries: number;
}

export class NotifyCounters {
  private readonly channels = new Map<string, ChannelCounts>();

  add(channel: string, counter: keyof ChannelCounts, n = 1): void {
    let counts = this.channels.get(channel);
    if (counts === undefined) {
      counts = { sent: 0, failed: 0, retries: 0 };
      this.channels.set(channel, counts);
    }
    counts[counter] += n;
  }

  /** Counts per channel name, and `total` over all channels. */
  snapshot(): Record<string, ChannelCounts> {
    const total: ChannelCounts = { sent: 0, failed: 0, retries: 0 };
    const result: Record<string, ChannelCounts> = {};
    for (const [channel, counts] of this.channels) {
      result[channel] = { ...counts };
      total.sent += counts.sent;
      total.failed += counts.failed;
      total.retries += counts.retries;
    }
    return { ...result, total };
  }
}
