/**
 * `flowtrail dlq` end to end against embedded mode: letters are dead-lettered by the real
 * HTTP ingest of a running `startEmbedded` (temp data dir, port 0), which keeps running
 * while the command lists, replays and deletes them on the same database file.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { runDlq } from '../../src/tools/cli/dlq-command.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { makeEvent } from '../helpers/events.ts';
import { postBinary, postStructured } from '../http/http-client.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SMALL_MAX = 1024;
const T0 = '2026-11-22T09:00:00.000Z';
const run = promisify(execFile);

let dir: string;
let dataDir: string;
let app: RunningEmbedded;

/** Runs the command in-process with the env of a `flowtrail up` that has a small max. */
async function dlq(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDlq(args, {
    env: { FLOWTRAIL_DATA_DIR: dataDir, FLOWTRAIL_MAX_EVENT_BYTES: String(SMALL_MAX) },
    cwd: dir,
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function listJson(): Promise<{ total: number; letters: Record<string, unknown>[] }> {
  const { code, out } = await dlq('list', '--json', '--size', '1000');
  expect(code).toBe(0);
  return JSON.parse(out) as { total: number; letters: Record<string, unknown>[] };
}

const bigEvent = (instance: string): FlowtrailEvent =>
  makeEvent({
    id: `${instance}-started`,
    type: 'flowtrail.process.started',
    instance,
    time: T0,
    data: { businessKeys: { orderId: instance }, note: 'x'.repeat(2 * SMALL_MAX) },
  });
const structuredBig = bigEvent('o-big-structured');
const binaryBig = bigEvent('o-big-binary');
const NOT_JSON = '{"specversion": "1.0", oops';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-dlq-cmd-'));
  dataDir = join(dir, 'data');
  app = await startEmbedded({
    dataDir,
    http: { host: '127.0.0.1', port: 0 },
    logger: createLogger('silent'),
    maxEventBytes: SMALL_MAX,
  });
  const base = app.api.url;
  // one request each, in this order: ids 1, 2, 3
  expect((await postStructured(base, JSON.stringify(structuredBig))).body).toMatchObject({
    rejected: [{ reason: 'oversized' }],
  });
  expect((await postBinary(base, binaryBig)).body).toMatchObject({
    rejected: [{ reason: 'oversized' }],
  });
  expect((await postStructured(base, NOT_JSON)).body).toMatchObject({
    rejected: [{ reason: 'not-json' }],
  });
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('flowtrail dlq (embedded mode, next to a running flowtrail up)', () => {
  it('list prints a table of the letters with a printable preview and the total', async () => {
    const { code, out } = await dlq('list');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+RECEIVED AT\s+REASON\s+FIRST ERROR\s+ORIGIN\s+SIZE\s+PREVIEW$/);
    expect(lines[1]).toMatch(/^1\s+\d{4}-\d\d-\d\dT\S+Z\s+oversized\s+.*http\[0\]@0/);
    expect(lines[2]).toMatch(/^2\s+.*oversized\s+.*http\[0\]@0/);
    expect(lines[3]).toMatch(
      /^3\s+.*not-json\s+.*http\[0\]@0\s+27 B\s+\{"specversion": "1\.0", oops$/,
    );
    // 40 printable characters: 39 of the original bytes and the cut mark
    expect(lines[1]).toMatch(/ {2}\{"specversion":"1\.0","id":"o-big-struct…$/);
    expect(out).toContain(`1–3 of 3 dead letter(s) in ${dataDir}`);
  });

  it('list pages with --from/--size and names the next page', async () => {
    const { out } = await dlq('list', '--from', '1', '--size', '1');
    expect(out.split('\n').filter((l) => /^\d+\s/.test(l))).toHaveLength(1);
    expect(out).toContain('2–2 of 3');
    expect(out).toContain('next page: --from 2');
  });

  it('list --json prints the page with the original bytes and headers', async () => {
    const page = await listJson();
    expect(page).toMatchObject({ total: 3, from: 0, size: 1000 });
    const [structured, binary, notJson] = page.letters;
    expect(structured).toMatchObject({
      id: 1,
      reason: 'oversized',
      message: { topic: 'http', partition: 0, offset: '0', key: null },
    });
    const value = (structured?.message as { value: { base64: string; utf8: string } }).value;
    expect(value.utf8).toBe(JSON.stringify(structuredBig));
    expect(Buffer.from(value.base64, 'base64').toString()).toBe(value.utf8);
    expect(binary).toMatchObject({
      id: 2,
      message: {
        headers: { ce_id: binaryBig.id, ce_ftinstance: 'o-big-binary', ce_specversion: '1.0' },
        value: { utf8: JSON.stringify(binaryBig.data) },
      },
    });
    expect(notJson).toMatchObject({
      id: 3,
      reason: 'not-json',
      message: { value: { utf8: NOT_JSON } },
    });
  });

  it('replay under the same limits keeps every letter unchanged, without duplicates', async () => {
    const before = await listJson();
    const { code, out } = await dlq('replay', '--all');
    expect(code).toBe(1);
    expect(out).toContain('replayed 3: 0 accepted (deleted from the table), 3 still rejected');
    expect(out).toMatch(/^3\s+not-json\s+/m);
    expect(await listJson()).toEqual(before);
  });

  it('replay --max-event-bytes accepts the oversized letters, stores and folds them, deletes them', async () => {
    const { code, out } = await dlq('replay', '1', '2', '--max-event-bytes', '100000');
    expect(code).toBe(0);
    expect(out).toContain('replayed 2: 2 accepted (deleted from the table), 0 still rejected');
    expect(out).toContain('instance states re-folded: 2');
    for (const event of [structuredBig, binaryBig]) {
      const state = await app.store.getInstance(instanceKeyOf(event));
      expect(state).toMatchObject({ status: 'running', eventCount: 1 });
      expect((await app.store.getEvents(instanceKeyOf(event))).map((e) => e.id)).toEqual([
        event.id,
      ]);
    }
    const page = await listJson();
    expect(page.letters.map((l) => l.id)).toEqual([3]);
  });

  it('a not-JSON letter replayed stays, still not-json, exactly one row', async () => {
    const before = await listJson();
    const { code, out } = await dlq('replay', '3', '--max-event-bytes', '100000');
    expect(code).toBe(1);
    expect(out).toContain('replayed 1: 0 accepted (deleted from the table), 1 still rejected');
    expect(out).toMatch(/^3\s+not-json\s+\S/m);
    expect(await listJson()).toEqual(before);
    expect(before.total).toBe(1);
  });

  it('replay and delete name ids that are not there', async () => {
    const replay = await dlq('replay', '1', '99');
    expect(replay.code).toBe(1);
    expect(replay.out).toContain('replayed 0');
    expect(replay.out).toContain('not found: 1, 99');
    const del = await dlq('delete', '99');
    expect(del).toMatchObject({ code: 1, out: 'deleted 0 dead letter(s)', err: 'not found: 99' });
  });

  it('runs as a child process (the CLI wiring)', async () => {
    const argv = ['collector/bin/flowtrail.js', 'dlq'];
    const { stdout } = await run(process.execPath, [...argv, 'list', '--data-dir', dataDir], {
      cwd: ROOT,
      env: { ...process.env, FLOWTRAIL_DATA_DIR: '' },
    });
    expect(stdout).toMatch(/^3\s+.*not-json/m);
    expect(stdout).toContain('1–1 of 1 dead letter(s)');
  });

  it('delete removes letters by id and --all', async () => {
    expect(await dlq('delete', '3')).toMatchObject({ code: 0, out: 'deleted 1 dead letter(s)' });
    expect((await dlq('list')).out).toBe(`no dead letters in ${dataDir}`);
    for (let i = 0; i < 3; i++) await postStructured(app.api.url, NOT_JSON);
    expect((await listJson()).total).toBe(3);
    expect(await dlq('delete', '--all')).toMatchObject({
      code: 0,
      out: 'deleted 3 dead letter(s)',
    });
    expect((await listJson()).total).toBe(0);
  });

  it('says where to look for the database, and what to do in Kafka mode', async () => {
    const missing = await dlq('list', '--data-dir', 'nowhere');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`no embedded Flowtrail database at ${join(dir, 'nowhere')}`);
    const kafka = await dlq('list', '--kafka');
    expect(kafka.code).toBe(2);
    expect(kafka.err).toContain('flowtrail.dlq');
    expect(kafka.err).toContain('docs/operations.md');
  });
});
