/**
 * Reading the spool's segment files back (spool.ts): finding those an earlier process
 * left in the directory, in append order, when the spool is opened, and loading one for
 * the replayer, reconciling the spool's bookkeeping with what can still be read intact.
 */
import { join } from 'node:path';
import { decodeSegment } from './segment-format.ts';
import type { SpoolFs } from './spool-fs.ts';
import { segmentSeq, type Segment } from './segment.ts';

/** The segment files in `directory`, oldest first (other files are ignored). */
export async function listSegments(
  fs: SpoolFs,
  directory: string,
): Promise<{ seq: number; path: string }[]> {
  return (await fs.readdir(directory))
    .map((name) => ({ name, seq: segmentSeq(name) }))
    .filter((x): x is { name: string; seq: number } => x.seq !== undefined)
    .map((x) => ({ seq: x.seq, path: join(directory, x.name) }))
    .sort((a, b) => a.seq - b.seq);
}

/**
 * Reads a segment file found at open (left by an earlier process): its bookkeeping, or
 * undefined when nothing in it is intact — then the file is deleted. Rejects on a read
 * error.
 */
export async function recoverSegment<T>(
  fs: SpoolFs,
  seq: number,
  path: string,
): Promise<{ segment: Segment<T> | undefined; corrupt: number; tornBytes: number }> {
  const buf = await fs.readFile(path);
  const { records, corrupt, tornBytes } = decodeSegment<T>(buf);
  if (records.length === 0) {
    await fs.unlink(path).catch(() => undefined);
    return { segment: undefined, corrupt, tornBytes };
  }
  return {
    segment: { seq, path, bytes: buf.length, count: records.length, acked: 0 },
    corrupt,
    tornBytes,
  };
}

/**
 * Reads `segment` back and caches its records (`cached`) for the replayer. Records it was
 * counted with but that are no longer intact (corrupted on disk since) are taken off its
 * count; `missing` is how many of those were not acknowledged yet. Rejects on a read error.
 */
export async function loadSegment<T>(
  fs: SpoolFs,
  segment: Segment<T>,
): Promise<{ records: T[]; missing: number }> {
  const decoded = decodeSegment<T>(await fs.readFile(segment.path));
  const count = Math.min(segment.count, decoded.records.length);
  const acked = Math.min(segment.acked, count);
  const missing = segment.count - segment.acked - (count - acked);
  segment.count = count;
  segment.acked = acked;
  segment.cached = decoded.records.slice(0, count);
  return { records: segment.cached, missing };
}
