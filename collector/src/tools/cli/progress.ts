/**
 * A one-line progress display on stderr: redrawn in place on a terminal, a plain line
 * every `everyMs` otherwise (CI logs). `render` is pure, for tests.
 */
export interface ProgressCounts {
  cases: number;
  events: number;
  sent: number;
  rejected: number;
  /** 0..1 when the total is known (bytes read / file size), else undefined. */
  fraction?: number;
}

const WIDTH = 24;

export function renderProgress(counts: ProgressCounts, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((counts.events / elapsedMs) * 1000) : 0;
  const bar =
    counts.fraction === undefined
      ? ''
      : `[${'#'.repeat(Math.round(Math.min(1, counts.fraction) * WIDTH)).padEnd(WIDTH, '.')}] ${Math.floor(
          Math.min(1, counts.fraction) * 100,
        )
          .toString()
          .padStart(3)}% `;
  return `${bar}${counts.cases} cases, ${counts.events} events read, ${counts.sent} sent, ${counts.rejected} rejected (${rate} events/s)`;
}

export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = stream.isTTY ? 100 : 2000,
  ) {}

  update(counts: ProgressCounts, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < this.everyMs) return;
    this.lastDraw = now;
    const line = renderProgress(counts, now - this.started);
    if (this.stream.isTTY) this.stream.write(`\r${line}\x1b[K`);
    else this.stream.write(`${line}\n`);
  }

  done(counts: ProgressCounts): void {
    this.update(counts, true);
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
