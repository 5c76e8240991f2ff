/**
 * `flowtrail up`'s dashboard build: built once, reused while the sources are unchanged,
 * rebuilt when they change, one build for two concurrent callers, a failed build is a
 * DashboardError carrying its output. The dashboard here is a folder with a stand-in
 * `next` CLI (node_modules/next/dist/bin/next) that records each build it runs; the real
 * `next build` runs in the browser test (dashboard/e2e).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildStampOf } from '../../src/tools/dashboard/build-stamp.ts';
import {
  ensureDashboardBuild,
  isBuildCurrent,
  locateDashboard,
} from '../../src/tools/dashboard/dashboard-build.ts';
import { DashboardError } from '../../src/shared/errors.ts';

// Appends a line to builds.log per run; fails when app/fail exists.
const FAKE_NEXT = `
const fs = require('node:fs');
if (process.argv[2] !== 'build') process.exit(3);
if (fs.existsSync('app/fail')) { console.error('Type error: app/page.tsx'); process.exit(1); }
fs.appendFileSync('builds.log', 'build\\n');
fs.mkdirSync('.next', { recursive: true });
fs.writeFileSync('.next/BUILD_ID', String(Date.now()));
`;

let dir: string;

async function builds(): Promise<number> {
  const log = await readFile(join(dir, 'builds.log'), 'utf8').catch(() => '');
  return log.split('\n').filter(Boolean).length;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-dashboard-build-'));
  await mkdir(join(dir, 'node_modules/next/dist/bin'), { recursive: true });
  await writeFile(join(dir, 'node_modules/next/dist/bin/next'), FAKE_NEXT);
  await writeFile(
    join(dir, 'node_modules/next/package.json'),
    JSON.stringify({ name: 'next', version: '16.0.0-test', type: 'commonjs' }),
  );
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'fake-dashboard' }));
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app/page.tsx'), 'export default function Page() {}\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildStampOf', () => {
  const a = { path: 'app/a.tsx', content: Buffer.from('a') };
  const b = { path: 'lib/b.ts', content: Buffer.from('b') };
  it('ignores order and changes with any content, path or Next.js version', () => {
    expect(buildStampOf([a, b], '16')).toBe(buildStampOf([b, a], '16'));
    expect(buildStampOf([a, b], '16')).not.toBe(buildStampOf([a, b], '17'));
    expect(buildStampOf([a, b], '16')).not.toBe(
      buildStampOf([a, { ...b, content: Buffer.from('c') }], '16'),
    );
    expect(buildStampOf([a], '16')).not.toBe(buildStampOf([{ ...a, path: 'app/x.tsx' }], '16'));
    // path and content boundaries cannot be shifted into each other
    expect(buildStampOf([{ path: 'ab', content: Buffer.from('c') }], '16')).not.toBe(
      buildStampOf([{ path: 'a', content: Buffer.from('bc') }], '16'),
    );
  });
});

describe('ensureDashboardBuild', () => {
  it('builds once, reuses the build, rebuilds when a source changes', async () => {
    expect(await isBuildCurrent(dir)).toBe(false);
    let announced = 0;
    expect(await ensureDashboardBuild(dir, { onBuild: () => announced++ })).toBe(true);
    expect(await isBuildCurrent(dir)).toBe(true);
    expect(await ensureDashboardBuild(dir, { onBuild: () => announced++ })).toBe(false);
    expect([await builds(), announced]).toEqual([1, 1]);

    await writeFile(join(dir, 'app/page.tsx'), 'export default function Page() { return 1; }\n');
    expect(await isBuildCurrent(dir)).toBe(false);
    expect(await ensureDashboardBuild(dir)).toBe(true);
    expect(await builds()).toBe(2);
    // a new file counts too
    await mkdir(join(dir, 'lib'));
    await writeFile(join(dir, 'lib/x.ts'), 'export const x = 1;\n');
    expect(await isBuildCurrent(dir)).toBe(false);
  });

  it('runs one build for two concurrent callers', async () => {
    const results = await Promise.all([ensureDashboardBuild(dir), ensureDashboardBuild(dir)]);
    expect(results.sort()).toEqual([false, true]);
    expect(await builds()).toBe(1);
  });

  it('takes over a lock left by a process that is gone', async () => {
    await mkdir(join(dir, '.flowtrail-build.lock'));
    // pid 2^22 + 1 is above Linux's default pid_max: no such process
    await writeFile(join(dir, '.flowtrail-build.lock/pid'), String(4_194_305));
    expect(await ensureDashboardBuild(dir)).toBe(true);
  });

  it('rejects a failed build with its output, and does not stamp it', async () => {
    await writeFile(join(dir, 'app/fail'), '');
    const failure = await ensureDashboardBuild(dir).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DashboardError);
    expect((failure as DashboardError).message).toContain('Type error: app/page.tsx');
    expect((failure as DashboardError).retriable).toBe(false);
    expect(await isBuildCurrent(dir)).toBe(false);
  });
});

describe('locateDashboard', () => {
  it("finds this checkout's dashboard package", async () => {
    const found = locateDashboard();
    expect(found).toBeDefined();
    const pkg = JSON.parse(await readFile(join(found!, 'package.json'), 'utf8')) as {
      name: string;
    };
    expect(pkg.name).toBe('@flowtrail/dashboard');
  });
});
