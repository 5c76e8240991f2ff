/**
 * A real event log through the CLI, end to end: `flowtrail up` and `flowtrail import`
 * as child processes import pm4js' receipt.xes with the case, event and activity counts
 * PM4Py gives; the API then answers the instance count and heat maps equal to PM4Py's
 * (collector/test/instance/fixtures); a second import changes nothing (idempotent); and
 * `flowtrail export` writes XES and OCEL 2.0 logs with every case and event.
 */
import { expectWithinSketch } from '../analytics/sketch-close.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Heatmap } from '../../src/domain/views/heatmap.ts';
import type { OcelLog } from '../../src/tools/eventlog/index.ts';
import { readEventLog } from '../../src/tools/eventlog/index.ts';
import type { InstancePage } from '../../src/ports/event-store.ts';
import { waitFor } from '../helpers/wait-for.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const RECEIPT = 'node_modules/pm4js/examples/input_data/receipt.xes';
const PM4PY = JSON.parse(
  readFileSync(new URL('../eventlog/fixtures/pm4py-receipt.json', import.meta.url), 'utf8'),
) as {
  cases: number;
  events: number;
  activities: number;
  eventsPerActivity: Record<string, number>;
};
/** The first activity of every case: PM4Py has no flow time into it; we count it anyway. */
const FIRST = 'Confirmation of receipt';
const EXPORT_CLI = ['collector/bin/flowtrail.js', 'export'];

type Expected = Record<string, Record<string, { count: number; median_s: number; p95_s: number }>>;

interface Child {
  process: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Child {
  // No key and no URL from the environment (an empty FLOWTRAIL_API_KEY is an error for import).
  const { FLOWTRAIL_API_KEY: _key, FLOWTRAIL_URL: _url, ...env } = process.env;
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output, exited };
}

/** Runs a CLI child to its end (timeout: kill); its exit code and output. */
async function runToEnd(args: string[], timeoutMs = 120_000) {
  const child = run(args);
  children.push(child);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  const { code } = await child.exited;
  clearTimeout(timer);
  return { code, output: child.output.join('') };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function summaryOf(output: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of output.matchAll(/^(log|cases|events|activities):\s+(.*)$/gm)) {
    fields[match[1] as string] = (match[2] as string).trim();
  }
  return fields;
}

const children: Child[] = [];
let dir: string;
let api: string;
let up: Child;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-import-export-'));
  const apiPort = await freePort();
  api = `http://127.0.0.1:${apiPort}`;
  up = run([
    'collector/bin/flowtrail.js',
    'up',
    ...['--data-dir', join(dir, 'data'), '--port', String(apiPort), '--no-dashboard'],
  ]);
  children.push(up);
  await waitFor(
    async () => {
      if (up.process.exitCode !== null) throw new Error(`up exited:\n${up.output.join('')}`);
      return getJson<{ status: string }>(`${api}/api/health`);
    },
    { timeoutMs: 30_000, description: 'flowtrail up' },
  );
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function instanceTotals(process: string): Promise<{ total: number; events: number }> {
  const query = `process=${encodeURIComponent(process)}&size=100`;
  let events = 0;
  let total = 0;
  for (let from = 0; from === 0 || from < total; from += 100) {
    const page = await getJson<InstancePage>(`${api}/api/instances?${query}&from=${from}`);
    total = page.total;
    for (const instance of page.instances) events += instance.eventCount;
  }
  return { total, events };
}

function heatmapAsPm4py(map: Heatmap): Expected {
  const actual: Expected = {};
  for (const cell of map.cells) {
    actual[cell.step] ??= {};
    (actual[cell.step] as Expected[string])[String(cell.bucket)] = {
      count: cell.count,
      median_s: (cell.medianMs ?? NaN) / 1000,
      p95_s: (cell.p95Ms ?? NaN) / 1000,
    };
  }
  return actual;
}

describe('flowtrail import + export of receipt.xes through a running collector', () => {
  it('imports, answers PM4Py-equal counts and heat maps, re-imports idempotently and exports', async () => {
    const first = await runToEnd(['collector/bin/flowtrail.js', 'import', RECEIPT, '--url', api]);
    expect(first.code, first.output).toBe(0);
    const summary = summaryOf(first.output);
    expect(summary).toMatchObject({
      cases: String(PM4PY.cases),
      events: String(PM4PY.events),
      activities: String(PM4PY.activities),
    });
    const logName = summary.log as string;
    expect(logName).toBeTruthy();

    const afterFirst = await instanceTotals(logName);
    expect(afterFirst.total).toBe(PM4PY.cases);

    for (const dimension of ['hour', 'weekday']) {
      const expected = JSON.parse(
        await readFile(
          new URL(`../instance/fixtures/pm4py-receipt-heatmap-${dimension}.json`, import.meta.url),
          'utf8',
        ),
      ) as Expected;
      const map = await getJson<Heatmap>(
        `${api}/api/processes/${encodeURIComponent(logName)}/heatmap?dimension=${dimension}`,
      );
      expect(map.dimension).toBe(dimension);
      const actual = heatmapAsPm4py(map);
      // Every activity of the log, the first one counted without a duration.
      expect(map.steps).toHaveLength(PM4PY.activities);
      expect(Object.keys(actual).sort()).toEqual([...Object.keys(expected), FIRST].sort());
      const firstCells = Object.values(actual[FIRST] ?? {});
      expect(firstCells.reduce((sum, c) => sum + c.count, 0)).toBe(PM4PY.eventsPerActivity[FIRST]);
      expect(firstCells.every((c) => Number.isNaN(c.median_s) && Number.isNaN(c.p95_s))).toBe(true);
      for (const [step, buckets] of Object.entries(expected)) {
        expect(Object.keys(actual[step] ?? {}).sort(), step).toEqual(Object.keys(buckets).sort());
        for (const [bucket, want] of Object.entries(buckets)) {
          const got = actual[step]?.[bucket];
          expect(got?.count, `${step} @${bucket}`).toBe(want.count);
          // Within the sketches' 1 % (domain/analytics/sketch.ts).
          expectWithinSketch(got?.median_s, want.median_s, `${step} @${bucket}`);
          expectWithinSketch(got?.p95_s, want.p95_s, `${step} @${bucket}`);
        }
      }
    }

    const second = await runToEnd(['collector/bin/flowtrail.js', 'import', RECEIPT, '--url', api]);
    expect(second.code, second.output).toBe(0);
    expect(summaryOf(second.output)).toEqual(summary);
    expect(await instanceTotals(logName)).toEqual(afterFirst);

    const xesFile = join(dir, 'out.xes');
    const xes = await runToEnd([
      ...EXPORT_CLI,
      ...['--format', 'xes', '--process', logName, '--out', xesFile, '--url', api],
    ]);
    expect(xes.code, xes.output).toBe(0);
    expect(xes.output).toContain(`to ${xesFile}`);
    let cases = 0;
    let events = 0;
    for await (const item of readEventLog(xesFile)) {
      if (item.kind === 'rejection') throw new Error(JSON.stringify(item.rejection));
      if (item.kind === 'log') expect(item.log.name).toBe(logName);
      if (item.kind !== 'case') continue;
      cases += 1;
      events += item.case.events.length;
    }
    expect({ cases, events }).toEqual({ cases: PM4PY.cases, events: PM4PY.events });

    const ocelFile = join(dir, 'out.ocel.json');
    const ocel = await runToEnd([
      ...EXPORT_CLI,
      ...['--format', 'ocel', '--process', logName, '--out', ocelFile, '--url', api],
    ]);
    expect(ocel.code, ocel.output).toBe(0);
    const log = JSON.parse(await readFile(ocelFile, 'utf8')) as OcelLog;
    expect(log.events).toHaveLength(PM4PY.events);
    expect(log.objects.filter((o) => o.type === logName)).toHaveLength(PM4PY.cases);

    up.process.kill('SIGTERM');
    expect(await up.exited).toEqual({ code: 0, signal: null });
  }, 240_000);
});
