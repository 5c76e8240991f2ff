/**
 * Appending to the spool's newest segment file (spool.ts): creating it (numbered after
 * every segment seen), writing whole batches to it, and sealing it (closing it for
 * appends) once it holds `segmentBytes`. With `fsync`, a write resolves only after the
 * data reached the disk (fdatasync), and creating a segment also syncs the directory. A
 * failed write is cut back and its segment sealed, so later records never follow a torn
 * one. The spool keeps the books (which segments exist, what is acknowledged); this holds
 * the one open file.
 */
import type { SpoolFile, SpoolFs } from './spool-fs.ts';
import { segmentPath, type Segment } from './segment.ts';

export class SegmentWriter<T> {
  private active: { segment: Segment<T>; file: SpoolFile } | undefined;
  private nextSeq = 1;

  constructor(
    private readonly fs: SpoolFs,
    private readonly directory: string,
    private readonly config: { fsync: boolean; segmentBytes: number },
  ) {}

  /** The segment being appended to; undefined when none is open (the next write creates one). */
  get segment(): Segment<T> | undefined {
    return this.active?.segment;
  }

  /** New segments are numbered after `seq` (a segment found on disk). */
  numberAfter(seq: number): void {
    this.nextSeq = Math.max(this.nextSeq, seq + 1);
  }

  /** Seals the open segment if `length` more bytes would take it past `segmentBytes`. */
  async sealIfFull(length: number): Promise<void> {
    const segment = this.active?.segment;
    if (segment !== undefined && segment.bytes + length > this.config.segmentBytes) {
      await this.seal();
    }
  }

  /** Creates the (empty, new) file of the next segment and makes it the one appended to. */
  async create(): Promise<Segment<T>> {
    const seq = this.nextSeq;
    this.nextSeq += 1;
    const path = segmentPath(this.directory, seq);
    const file = await this.fs.open(path, 'ax');
    const segment: Segment<T> = { seq, path, bytes: 0, count: 0, acked: 0 };
    this.active = { segment, file };
    if (this.config.fsync) await this.syncDirectory();
    return segment;
  }

  /**
   * Appends all of `buf` to the open segment. Rejects on a disk error, after cutting the
   * partial write off and sealing the segment; the segment's bookkeeping is the caller's.
   */
  async write(buf: Buffer): Promise<void> {
    const active = this.active;
    if (active === undefined) throw new Error(`no spool segment open in ${this.directory}`);
    const { segment, file } = active;
    let written = 0;
    try {
      while (written < buf.length) {
        const { bytesWritten } = await file.write(buf, written, buf.length - written, null);
        if (!(bytesWritten > 0)) throw new Error(`writing ${segment.path} made no progress`);
        written += bytesWritten;
      }
      if (this.config.fsync) await file.datasync();
    } catch (err) {
      // Cut the partial write off and seal the segment: later records never follow a torn one.
      await file.truncate(segment.bytes).catch(() => undefined);
      await this.seal().catch(() => undefined);
      throw err;
    }
  }

  /** Closes the open segment for appends (if any); the next write starts a new one. */
  async seal(): Promise<void> {
    const active = this.active;
    if (active === undefined) return;
    this.active = undefined;
    await active.file.close();
  }

  private async syncDirectory(): Promise<void> {
    try {
      const dir = await this.fs.open(this.directory, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // not every platform can sync a directory; the data itself was synced
    }
  }
}
