/**
 * A bounded, append-only on-disk buffer of events ("spool"): the delivery queue writes
 * batches here while its transport is unreachable and replays them, oldest first, when it
 * answers again (delivery-queue.ts). This file is the storage only — no transport, no
 * counters, no clock.
 *
 * Layout of `directory`:
 * - `segment-<12-digit sequence>.ftspool`: records in the format of segment-format.ts.
 *   Appends go to the newest segment; a segment is sealed (closed for appends) when it
 *   reaches `segmentBytes`, after a write error, or when the replayer reaches it.
 * - `LOCK`: the pid of the process using the directory; a second live user is refused.
 *
 * Guarantees: records are read back in append order; a segment is deleted only after
 * every record in it was acknowledged (`ack`), so a crash re-sends at most the
 * acknowledged part of the oldest segment, never loses an appended one. With `fsync`,
 * `append` resolves only after the data reached the disk (fdatasync), and creating a
 * segment also syncs the directory. A failed write is truncated back and its segment
 * sealed, so later records never follow a torn one.
 *
 * Bound: segment files never exceed `maxBytes` in total. When a batch does not fit, the
 * part that does not fit is dropped (drop newest) and the spool *latches full*: every
 * later append is dropped until the replayer deleted a segment. So what is on disk is
 * always an unbroken run of the spooled stream.
 *
 * All operations are serialized; none runs concurrently with another.
 */
import * as nodeFs from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeSegment, encodeRecord } from './segment-format.ts';

/** The part of a `node:fs/promises` FileHandle the spool uses. */
export interface SpoolFile {
  write(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** The file system operations of the spool; tests replace them to inject disk errors. */
export interface SpoolFs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  open(path: string, flags: string): Promise<SpoolFile>;
  unlink(path: string): Promise<void>;
}

export const nodeSpoolFs: SpoolFs = {
  mkdir: (path, options) => nodeFs.mkdir(path, options),
  readdir: (path) => nodeFs.readdir(path),
  readFile: (path) => nodeFs.readFile(path),
  open: (path, flags) => nodeFs.open(path, flags),
  unlink: (path) => nodeFs.unlink(path),
};

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

/** Thrown when another live process (or another spool in this one) uses the directory. */
export class SpoolLockedError extends Error {
  readonly code = 'ELOCKED';
}

interface Segment<T> {
  seq: number;
  path: string;
  bytes: number;
  /** Intact records in the file. */
  count: number;
  /** Records of it acknowledged so far (a prefix). */
  acked: number;
  /** Decoded records while it is the replayer's current segment. */
  cached?: T[];
}

const SEGMENT = /^segment-(\d{12})\.ftspool$/;
const MiB = 1024 * 1024;
/** Directories locked by a spool of this process (a second spool on one is refused). */
const lockedHere = new Set<string>();

export function defaultSegmentBytes(maxBytes: number): number {
  return Math.min(4 * MiB, Math.max(4096, Math.floor(maxBytes / 8)));
}

export class Spool<T = unknown> {
  readonly directory: string;
  private readonly segmentBytes: number;
  private readonly lockPath: string;
  private segments: Segment<T>[] = [];
  private active: { segment: Segment<T>; file: SpoolFile } | undefined;
  private nextSeq = 1;
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
    this.segmentBytes = config.segmentBytes ?? defaultSegmentBytes(config.maxBytes);
    this.lockPath = join(this.directory, 'LOCK');
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
      await this.lock();
      try {
        const result = await this.scan();
        this.state = 'open';
        return result;
      } catch (err) {
        await this.unlock();
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
        if (this.active?.segment === segment) await this.seal();
        if (segment.cached === undefined) {
          const decoded = decodeSegment<T>(await this.fs.readFile(segment.path));
          const count = Math.min(segment.count, decoded.records.length);
          const acked = Math.min(segment.acked, count);
          const missing = segment.count - segment.acked - (count - acked);
          lost += missing;
          this.unacked -= missing;
          segment.count = count;
          segment.acked = acked;
          segment.cached = decoded.records.slice(0, count);
        }
        if (segment.acked < segment.count) {
          return { records: segment.cached.slice(segment.acked, segment.acked + max), lost };
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
        await this.seal();
      } finally {
        await this.unlock();
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

  private async scan(): Promise<OpenResult> {
    const names = (await this.fs.readdir(this.directory))
      .map((name) => ({ name, match: SEGMENT.exec(name) }))
      .filter((x) => x.match !== null)
      .map((x) => ({ name: x.name, seq: Number(x.match![1]) }))
      .sort((a, b) => a.seq - b.seq);
    let corrupt = 0;
    let tornBytes = 0;
    for (const { name, seq } of names) {
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      const path = join(this.directory, name);
      const buf = await this.fs.readFile(path);
      const decoded = decodeSegment<T>(buf);
      corrupt += decoded.corrupt;
      tornBytes += decoded.tornBytes;
      if (decoded.records.length === 0) {
        await this.fs.unlink(path).catch(() => undefined); // nothing to replay in it
        continue;
      }
      this.segments.push({ seq, path, bytes: buf.length, count: decoded.records.length, acked: 0 });
      this.totalBytes += buf.length;
      this.unacked += decoded.records.length;
    }
    return { recovered: this.unacked, corrupt, tornBytes };
  }

  private async write(buf: Buffer, count: number): Promise<void> {
    if (this.active !== undefined && this.active.segment.bytes + buf.length > this.segmentBytes) {
      await this.seal();
    }
    const { segment, file } = this.active ?? (await this.createSegment());
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
      if (segment.count === 0) await this.dropHeadIfEmpty(segment);
      throw err;
    }
    segment.bytes += buf.length;
    segment.count += count;
    this.totalBytes += buf.length;
    this.unacked += count;
  }

  private async createSegment(): Promise<{ segment: Segment<T>; file: SpoolFile }> {
    const seq = this.nextSeq;
    this.nextSeq += 1;
    const path = join(this.directory, `segment-${String(seq).padStart(12, '0')}.ftspool`);
    const file = await this.fs.open(path, 'ax');
    const segment: Segment<T> = { seq, path, bytes: 0, count: 0, acked: 0 };
    this.segments.push(segment);
    this.active = { segment, file };
    if (this.config.fsync) await this.syncDirectory();
    return this.active;
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

  private async seal(): Promise<void> {
    const active = this.active;
    if (active === undefined) return;
    this.active = undefined;
    await active.file.close();
  }

  /** Removes the oldest segment (fully acknowledged or unreadable) and frees its bytes. */
  private async dropHead(): Promise<void> {
    const segment = this.segments.shift();
    if (segment === undefined) return;
    if (this.active?.segment === segment) await this.seal().catch(() => undefined);
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

  private async lock(): Promise<void> {
    if (lockedHere.has(this.directory)) {
      throw new SpoolLockedError(`spool directory ${this.directory} is in use by this process`);
    }
    for (let attempt = 0; ; attempt += 1) {
      try {
        const file = await this.fs.open(this.lockPath, 'wx');
        try {
          const pid = Buffer.from(`${process.pid}\n`);
          await file.write(pid, 0, pid.length, null);
        } finally {
          await file.close();
        }
        lockedHere.add(this.directory);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      }
      const owner = Number.parseInt(
        (await this.fs.readFile(this.lockPath).catch(() => Buffer.from(''))).toString(),
        10,
      );
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new SpoolLockedError(
          `spool directory ${this.directory} is in use by process ${owner} (${this.lockPath})`,
        );
      }
      await this.fs.unlink(this.lockPath).catch(() => undefined); // stale: its process is gone
    }
  }

  private async unlock(): Promise<void> {
    if (!lockedHere.delete(this.directory)) return;
    await this.fs.unlink(this.lockPath).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
