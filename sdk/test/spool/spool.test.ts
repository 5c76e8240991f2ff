/**
 * The spool's storage (spool/spool.ts) on the real file system: order, crash recovery
 * (a crash simulated by cutting the files at a random byte), the bound and its drop
 * policy, restart, the lock, and a failing disk.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRecord } from '../../src/spool/segment-format.ts';
import { nodeSpoolFs, type SpoolFs } from '../../src/spool/spool-fs.ts';
import { SpoolLockedError } from '../../src/spool/spool-lock.ts';
import { Spool, type SpoolConfig } from '../../src/spool/spool.ts';

interface Rec {
  id: string;
  pad: string;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ft-spool-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function spoolAt(directory: string, config: Partial<SpoolConfig> = {}): Spool<Rec> {
  return new Spool<Rec>({ directory, maxBytes: 1 << 30, fsync: false, ...config });
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ftspool'))
    .sort();
}

/** Reads everything from the spool, acknowledging as it goes. */
async function drainAll(spool: Spool<Rec>, batch = 7): Promise<Rec[]> {
  const out: Rec[] = [];
  while (spool.events > 0) {
    const { records } = await spool.readHead(batch);
    out.push(...records);
    await spool.ack(records.length);
  }
  return out;
}

let counter = 0;
const recs = (sizes: number[]): Rec[] =>
  sizes.map((size) => ({ id: `e${(counter += 1)}`, pad: 'x'.repeat(size) }));

describe('Spool', () => {
  it('replays appended records in order across segments and deletes acknowledged segments', async () => {
    const dir = tempDir();
    const spool = spoolAt(dir, { segmentBytes: 300 });
    expect(await spool.open()).toEqual({ recovered: 0, corrupt: 0, tornBytes: 0 });
    const appended: Rec[] = [];
    for (let k = 0; k < 10; k += 1) {
      const batch = recs([20, 40, 60]);
      appended.push(...batch);
      expect(await spool.append(batch)).toEqual({ written: 3, dropped: 0, becameFull: false });
    }
    expect(spool.events).toBe(30);
    expect(segmentFiles(dir).length).toBeGreaterThan(3);
    const onDisk = segmentFiles(dir)
      .map((f) => readFileSync(join(dir, f)))
      .reduce((a, b) => Buffer.concat([a, b]));
    expect(onDisk.equals(Buffer.concat(appended.map((r) => encodeRecord(r))))).toBe(true);
    expect(spool.bytes).toBe(onDisk.length);
    expect(await drainAll(spool)).toEqual(appended);
    expect(segmentFiles(dir)).toEqual([]);
    expect(spool.bytes).toBe(0);
    await spool.close();
  });

  it('any appends and acks, then a crash at any byte: the replay is exactly what was on disk, in order, the torn record ignored, nothing fully written lost', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('append' as const),
        sizes: fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 8 }),
      }),
      fc.record({ kind: fc.constant('replay' as const), n: fc.integer({ min: 1, max: 12 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 25 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (ops, where) => {
          const dir = tempDir();
          const a = spoolAt(dir, { segmentBytes: 256 });
          await a.open();
          const appended: Rec[] = [];
          const before: Rec[] = []; // acknowledged before the crash
          for (const o of ops) {
            if (o.kind === 'append') {
              const batch = recs(o.sizes);
              await a.append(batch);
              appended.push(...batch);
            } else {
              const { records } = await a.readHead(o.n);
              before.push(...records);
              await a.ack(records.length);
            }
          }
          await a.close();

          // The crash: what is on disk is a prefix of the append stream (after the deleted
          // head segments); cut it at a random byte and delete the segments after the cut.
          const files = segmentFiles(dir);
          const sizes = files.map((f) => readFileSync(join(dir, f)).length);
          const total = sizes.reduce((x, y) => x + y, 0);
          const cut = Math.floor(where * total);
          const stream = Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
          const onDiskCount = stream.filter((byte) => byte === 0x0a).length;
          const onDisk = appended.slice(appended.length - onDiskCount);
          expect(stream.equals(Buffer.concat(onDisk.map((r) => encodeRecord(r))))).toBe(true);
          let offset = 0;
          files.forEach((f, k) => {
            const size = sizes[k]!;
            if (offset >= cut) rmSync(join(dir, f));
            else if (offset + size > cut) truncateSync(join(dir, f), cut - offset);
            offset += size;
          });
          let end = 0;
          let survivors = 0;
          while (survivors < onDisk.length && end + encodeRecord(onDisk[survivors]).length <= cut) {
            end += encodeRecord(onDisk[survivors]).length;
            survivors += 1;
          }

          const b = spoolAt(dir, { segmentBytes: 256 });
          const found = await b.open();
          expect(found.recovered).toBe(survivors);
          expect(found.corrupt).toBe(0);
          const after = await drainAll(b);
          await b.close();
          // exactly the records completely on disk at the crash, in append order
          expect(after).toEqual(onDisk.slice(0, survivors));
          // prefix-closed and lossless: every record written before the cut was delivered
          // (before or after the crash); the torn one and later ones are not replayed
          const lastWhole = appended.length - onDiskCount + survivors;
          const delivered = new Set([...before, ...after].map((r) => r.id));
          expect(appended.slice(0, lastWhole).every((r) => delivered.has(r.id))).toBe(true);
          const replayed = new Set(after.map((r) => r.id));
          expect(appended.slice(lastWhole).some((r) => replayed.has(r.id))).toBe(false);
          expect(found.tornBytes).toBe(cut - end);
          // acknowledged before the crash, in order too
          expect(before).toEqual(appended.slice(0, before.length));
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is bounded by maxBytes: drops the newest records, latches full until a segment is deleted', async () => {
    const dir = tempDir();
    const line = encodeRecord({ id: 'e00000', pad: 'x'.repeat(90) }).length; // 112 bytes
    const spool = spoolAt(dir, { maxBytes: line * 10, segmentBytes: line * 4 });
    await spool.open();
    const ids = (rs: Rec[]): string[] => rs.map((r) => r.id);
    const mk = (n: number, from: number): Rec[] =>
      Array.from({ length: n }, (_, k) => ({
        id: `e${String(from + k).padStart(5, '0')}`,
        pad: 'x'.repeat(90),
      }));
    const first = mk(8, 0);
    // two batches: two segments of 4 records (a segment holds whole batches)
    expect(await spool.append(first.slice(0, 4))).toMatchObject({ written: 4, dropped: 0 });
    expect(await spool.append(first.slice(4))).toMatchObject({ written: 4, dropped: 0 });
    const second = mk(4, 8);
    expect(await spool.append(second)).toEqual({ written: 2, dropped: 2, becameFull: true });
    expect(spool.bytes).toBe(line * 10);
    expect(spool.isFull).toBe(true);
    // latched: even a record that would fit is dropped until space is freed
    const { records } = await spool.readHead(2);
    await spool.ack(2); // half a segment: nothing deleted, still full
    expect(await spool.append(mk(1, 12))).toEqual({ written: 0, dropped: 1, becameFull: false });
    await spool.ack(2); // the first segment (4 records) is deleted: room again
    expect(spool.isFull).toBe(false);
    expect(spool.bytes).toBe(line * 6);
    expect(await spool.append(mk(5, 13))).toEqual({ written: 4, dropped: 1, becameFull: true });
    expect(spool.bytes).toBeLessThanOrEqual(line * 10);
    const rest = await drainAll(spool);
    // on disk is always an unbroken run of what was accepted, oldest first
    expect(ids([...records, ...mk(2, 2), ...rest])).toEqual(
      ids([...first, ...second.slice(0, 2), ...mk(4, 13)]),
    );
    await spool.close();
  });

  it('allOrNothing writes nothing unless the whole batch fits', async () => {
    const spool = spoolAt(tempDir(), { maxBytes: 1000 });
    await spool.open();
    expect(await spool.append(recs([400, 400, 400]), { allOrNothing: true })).toEqual({
      written: 0,
      dropped: 0,
      becameFull: false,
    });
    expect(spool.isFull).toBe(false);
    expect(spool.events).toBe(0);
    await spool.close();
  });

  it('a new spool on the same directory replays what the earlier one left, then appends after it', async () => {
    const dir = tempDir();
    const a = spoolAt(dir, { segmentBytes: 200 });
    await a.open();
    const old = recs([10, 50, 100, 10, 10]);
    await a.append(old);
    const { records } = await a.readHead(2);
    await a.ack(records.length); // partly acknowledged: its segment stays, re-sent later
    await a.close();

    const b = spoolAt(dir, { segmentBytes: 200 });
    const found = await b.open();
    const newer = recs([5, 5]);
    await b.append(newer);
    const replayed = await drainAll(b);
    // at least everything not acknowledged, in order, before the newer records
    expect(replayed.slice(-newer.length)).toEqual(newer);
    const oldPart = replayed.slice(0, -newer.length);
    expect(oldPart).toEqual(old.slice(old.length - oldPart.length));
    expect(oldPart.length).toBeGreaterThanOrEqual(old.length - 2);
    expect(found.recovered).toBe(oldPart.length);
    await b.close();
  });

  it('refuses a directory another live spool holds; takes over a dead process’s lock', async () => {
    const dir = tempDir();
    const a = spoolAt(dir);
    await a.open();
    await expect(spoolAt(dir).open()).rejects.toBeInstanceOf(SpoolLockedError);
    await a.close();

    // a process that died holding the lock
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(join(dir, 'LOCK'), `${dead.stdout}\n`);
    const b = spoolAt(dir);
    await b.open();
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
    await b.close();

    // a live process (the parent of this one) holds it
    writeFileSync(join(dir, 'LOCK'), `${process.ppid}\n`);
    await expect(spoolAt(dir).open()).rejects.toThrow(/in use by process/);
  });

  it('a failed write leaves nothing of its batch and never a torn record before later ones', async () => {
    const dir = tempDir();
    let failNextWrite = false;
    const faulty: SpoolFs = {
      ...nodeSpoolFs,
      open: async (path, flags) => {
        const file = await nodeSpoolFs.open(path, flags);
        return {
          write: async (buf, offset, length, position) => {
            if (!failNextWrite) return file.write(buf, offset, length, position);
            failNextWrite = false;
            await file.write(buf, offset, Math.floor(length / 2), position); // half, then ENOSPC
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          },
          datasync: () => file.datasync(),
          sync: () => file.sync(),
          truncate: (n) => file.truncate(n),
          close: () => file.close(),
        };
      },
    };
    const spool = new Spool<Rec>({ directory: dir, maxBytes: 1 << 20, fsync: true }, faulty);
    await spool.open();
    const a = recs([10, 10]);
    await spool.append(a);
    failNextWrite = true;
    await expect(spool.append(recs([30, 30, 30]))).rejects.toThrow(/ENOSPC/);
    expect(spool.events).toBe(2);
    const c = recs([20]);
    await spool.append(c);
    expect(segmentFiles(dir)).toHaveLength(2); // the failed segment was sealed
    await spool.close();
    const again = spoolAt(dir);
    expect(await again.open()).toEqual({ recovered: 3, corrupt: 0, tornBytes: 0 });
    expect(await drainAll(again)).toEqual([...a, ...c]);
    await again.close();
  });

  it('rejects open when the directory cannot be created', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    await expect(spoolAt(join(file, 'spool')).open()).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});
