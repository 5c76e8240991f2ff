/**
 * A bounded, append-only on-disk buffer of events ("spool"): the delivery queue writes
 * batches here while its transport is unreachable and replays them, oldest first, when it
 * answers again (spool-handoff.ts, spool-replayer.ts). This module is the storage only —
 * no transport, no counters, no clock.
 *
 * Layout of `directory`:
 * - `segment-<12-digit sequence>.ftspool` (segment.ts; records: segment-format.ts).
 *   Appends go to the newest segment (segment-writer.ts); a segment is sealed (closed for
 *   appends) when it reaches `segmentBytes`, after a write error, or when the replayer
 *   reaches it (segment-reader.ts).
 * - `LOCK` (spool-lock.ts): the pid of the process using the directory; a second live
 *   user is refused.
 *
 * Guarantees: records are read back in append order; a segment is deleted only after
 * every record in it was acknowledged (`ack`), so a crash re-sends at most the
 * acknowledged part of the oldest segment, never loses an appended one. With `fsync`,
 * `append` resolves only after the data reached the disk; a failed write leaves nothing
 * of its batch, and later records never follow a torn one (segment-writer.ts).
 *
 * Bound: segment files never exceed `maxBytes` in total. When a batch does not fit, the
 * part that does not fit is dropped (drop newest) and the spool *latches full*: every
 * later append is dropped until the replayer deleted a segment. So what is on disk is
 * always an unbroken run of the spooled stream.
 *
 * All operations are serialized; none runs concurrently with another.
 */
import { resolve } from 'node:path';
import { encodeRecord } from './segment-format.ts';
import { listSegments, loadSegment, recoverSegment } from './segment-reader.ts';
import { SegmentWriter } from './segment-writer.ts';
import { defaultSegmentBytes, type Segment } from './segment.ts';
import { nodeSpoolFs, type SpoolFs } from './spool-fs.ts';
import { lockDirectory, unlockDirectory } from './spool-lock.ts';

export interface SpoolConfig {
  directory: string;
  /** Upper bound of all segment files together, in bytes. */
  maxBytes: number;
  /** fdatasync every append (and sync the directory on segment creation). */
  fsync: boolean;
  /** A segment is sealed once it holds this many bytes. Default: maxBytes/8, 4 KiB–4 MiB. */
  segmentBytes?: number;
}

export interface OpenResult {
  /** Intact records found in the directory (left by an earlier process). */
  recovered: number;
  /** Complete records skipped because their checksum or JSON did not match. */
  corrupt: number;
  /** Bytes of torn last records ignored (a crash in the middle of a write). */
  tornBytes: number;
}

export interface AppendResult {
  /** Records now on disk. */
  written: number;
  /** Records dropped because the spool is full (the newest ones of the batch). */
  dropped: number;
  /** This append latched the spool full (the first drop of an overflow episode). */
  becameFull: boolean;
}

export interface HeadRecords<T> {
  /** The oldest unacknowledged records, in order (empty when the spool is empty). */
  records: T[];
  /** Records counted as spooled that could not be read back intact (corrupted on disk). */
  lost: number;
}

export class Spool<T = unknown> {
  readonly directory: string;
  private readonly writer: SegmentWriter<T>;
  private segments: Segment<T>[] = [];
  private totalBytes = 0;
  private unacked = 0;
  private full = false;
  private state: 'new' | 'open' | 'closed' = 'new';
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: SpoolConfig,
    private readonly fs: SpoolFs = nodeSpoolFs,
  ) {
    this.directory = resolve(config.directory);
    this.writer = new SegmentWriter<T>(fs, this.directory, {
      fsync: config.fsync,
      segmentBytes: config.segmentBytes ?? defaultSegmentBytes(config.maxBytes),
    });
  }

  /** Records on disk not yet acknowledged. */
  get events(): number {
    return this.unacked;
  }

  get maxBytes(): number {
    return this.config.maxBytes;
  }

  /** Bytes of the segment files. */
  get bytes(): number {
    return this.totalBytes;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Whether the spool is latched full (appends are dropped until a segment is deleted). */
  get isFull(): boolean {
    return this.full;
  }

  /**
   * Creates the directory, takes the lock and reads what an earlier process left there.
   * May be called again after it failed. Rejects on disk errors and `SpoolLockedError`.
   */
  open(): Promise<OpenResult> {
    return this.exclusive(async () => {
      if (this.state === 'open') throw new Error('spool already open');
      this.segments = [];
      this.totalBytes = 0;
      this.unacked = 0;
      this.full = false;
      await this.fs.mkdir(this.directory, { recursive: true });
      await lockDirectory(this.fs, this.directory);
      try {
        const result = await this.scan();
        this.state = 'open';
        return result;
      } catch (err) {
        await unlockDirectory(this.fs, this.directory);
        throw err;
      }
    });
  }

  /**
   * Appends records in order. What does not fit under `maxBytes` is dropped (newest
   * first) and latches the spool full. `allOrNothing`: write nothing unless all fit.
   * Rejects on a disk error; then nothing of this batch is on disk.
   */
  append(records: readonly T[], options: { allOrNothing?: boolean } = {}): Promise<AppendResult> {
    return this.exclusive(async () => {
      this.requireOpen();
      const n = records.length;
      if (this.full) {
        return { written: 0, dropped: options.allOrNothing === true ? 0 : n, becameFull: false };
      }
      const lines = records.map((r) => encodeRecord(r));
      let fit = 0;
      let size = 0;
      while (fit < n && this.totalBytes + size + lines[fit]!.length <= this.config.maxBytes) {
        size += lines[fit]!.length;
        fit += 1;
      }
      if (options.allOrNothing === true && fit < n) {
        return { written: 0, dropped: 0, becameFull: false };
      }
      const becameFull = fit < n;
      if (becameFull) this.full = true;
      if (fit === 0) return { written: 0, dropped: n, becameFull };
      await this.write(Buffer.concat(lines.slice(0, fit), size), fit);
      return { written: fit, dropped: n - fit, becameFull };
    });
  }

  /**
   * Up to `max` of the oldest unacknowledged records, all from one segment. Seals the
   * segment being appended to when the replayer reaches it. Rejects on a read error.
   */
  readHead(max: number): Promise<HeadRecords<T>> {
    return this.exclusive(async () => {
      this.requireOpen();
      let lost = 0;
      for (;;) {
        const segment = this.segments[0];
        if (segment === undefined) return { records: [], lost };
        if (this.writer.segment === segment) await this.writer.seal();
        let records = segment.cached;
        if (records === undefined) {
          const loaded = await loadSegment(this.fs, segment);
          lost += loaded.missing;
          this.unacked -= loaded.missing;
          records = loaded.records;
        }
        if (segment.acked < segment.count) {
          return { records: records.slice(segment.acked, segment.acked + max), lost };
        }
        await this.dropHead(); // nothing readable left in it
      }
    });
  }

  /**
   * Marks the `n` oldest records acknowledged and deletes every segment that is then
   * fully acknowledged. If a delete fails, the segment is forgotten anyway (an earlier
   * process's segment would be re-sent after a restart: duplicates, no loss) and the
   * error is thrown after the bookkeeping.
   */
  ack(n: number): Promise<void> {
    return this.exclusive(async () => {
      this.requireOpen();
      let remaining = n;
      let failure: unknown;
      for (;;) {
        const segment = this.segments[0];
        if (segment === undefined) break;
        const take = Math.min(remaining, segment.count - segment.acked);
        segment.acked += take;
        this.unacked -= take;
        remaining -= take;
        if (segment.acked < segment.count) break;
        try {
          await this.dropHead();
        } catch (err) {
          failure ??= err;
        }
      }
      if (failure !== undefined) throw failure;
    });
  }

  /** Closes the segment being written and releases the lock. What is on disk stays. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      if (this.state !== 'open') return;
      this.state = 'closed';
      try {
        await this.writer.seal();
      } finally {
        await unlockDirectory(this.fs, this.directory);
      }
    });
  }

  private requireOpen(): void {
    if (this.state !== 'open') throw new Error(`spool ${this.directory} is not open`);
  }

  private exclusive<R>(work: () => Promise<R>): Promise<R> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Takes stock of what an earlier process left; the books are updated file by file. */
  private async scan(): Promise<OpenResult> {
    let corrupt = 0;
    let tornBytes = 0;
    for (const { seq, path } of await listSegments(this.fs, this.directory)) {
      this.writer.numberAfter(seq);
      const found = await recoverSegment<T>(this.fs, seq, path);
      corrupt += found.corrupt;
      tornBytes += found.tornBytes;
      if (found.segment === undefined) continue; // nothing to replay in it (deleted)
      this.segments.push(found.segment);
      this.totalBytes += found.segment.bytes;
      this.unacked += found.segment.count;
    }
    return { recovered: this.unacked, corrupt, tornBytes };
  }

  private async write(buf: Buffer, count: number): Promise<void> {
    await this.writer.sealIfFull(buf.length);
    let segment = this.writer.segment;
    if (segment === undefined) {
      segment = await this.writer.create();
      this.segments.push(segment);
    }
    try {
      await this.writer.write(buf);
    } catch (err) {
      if (segment.count === 0) await this.dropHeadIfEmpty(segment);
      throw err;
    }
    segment.bytes += buf.length;
    segment.count += count;
    this.totalBytes += buf.length;
    this.unacked += count;
  }

  /** Removes the oldest segment (fully acknowledged or unreadable) and frees its bytes. */
  private async dropHead(): Promise<void> {
    const segment = this.segments.shift();
    if (segment === undefined) return;
    if (this.writer.segment === segment) await this.writer.seal().catch(() => undefined);
    this.totalBytes -= segment.bytes;
    this.unacked -= segment.count - segment.acked;
    this.full = false; // space was freed: the overflow episode is over
    await this.fs.unlink(segment.path);
  }

  private async dropHeadIfEmpty(segment: Segment<T>): Promise<void> {
    const at = this.segments.indexOf(segment);
    if (at < 0) return;
    this.segments.splice(at, 1);
    this.totalBytes -= segment.bytes;
    await this.fs.unlink(segment.path).catch(() => undefined);
  }
}
