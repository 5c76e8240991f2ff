/**
 * One segment file of the spool (spool.ts): the spool's bookkeeping of it, its name,
 * `segment-<12-digit sequence>.ftspool`, and its default size (the records in it:
 * segment-format.ts).
 */
import { join } from 'node:path';

export interface Segment<T> {
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

/** Bytes at which a segment is sealed, unless configured: maxBytes/8, 4 KiB–4 MiB. */
export function defaultSegmentBytes(maxBytes: number): number {
  return Math.min(4 * MiB, Math.max(4096, Math.floor(maxBytes / 8)));
}

/** The path of segment `seq` in `directory`. */
export function segmentPath(directory: string, seq: number): string {
  return join(directory, `segment-${String(seq).padStart(12, '0')}.ftspool`);
}

/** The sequence number of a segment file's name; undefined for any other file. */
export function segmentSeq(name: string): number | undefined {
  const match = SEGMENT.exec(name);
  return match === null ? undefined : Number(match[1]);
}
