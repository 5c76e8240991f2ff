/**
 * The dashboard's production build for `flowtrail up`: find the dashboard package, and
 * run `next build` only when `.next` is missing or was built from other sources (the
 * stamp in `.next/flowtrail-build.json`, see build-stamp.ts). A lock directory keeps two
 * `flowtrail up` (or an `up` and a test) from building into the same `.next` at once;
 * a lock whose owner process is gone is taken over.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DashboardError } from '../../shared/errors.ts';
import { isAlive } from '../infra/index.ts';
import { buildStampOf, readSources } from './build-stamp.ts';
import { spawnNext } from './next-child.ts';

const STAMP_FILE = 'flowtrail-build.json';
const LOCK_DIR = '.flowtrail-build.lock';
const LOCK_POLL_MS = 500;
const LOCK_WAIT_MS = 15 * 60_000;

/**
 * The dashboard folder: the `@flowtrail/dashboard` package as Node resolves it from the
 * collector (an npm workspace), else the checkout's `dashboard/`; undefined when neither.
 */
export function locateDashboard(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return dirname(require.resolve('@flowtrail/dashboard/package.json'));
  } catch {
    const checkout = fileURLToPath(new URL('../../../../dashboard/', import.meta.url));
    return existsSync(join(checkout, 'package.json')) ? checkout.replace(/\/$/, '') : undefined;
  }
}

async function nextVersion(dashboardDir: string): Promise<string> {
  try {
    const require = createRequire(join(dashboardDir, 'package.json'));
    const pkg = JSON.parse(await readFile(require.resolve('next/package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The stamp of the dashboard's sources as they are now. */
export async function currentStamp(dashboardDir: string): Promise<string> {
  return buildStampOf(await readSources(dashboardDir), await nextVersion(dashboardDir));
}

async function builtStamp(dashboardDir: string): Promise<string | undefined> {
  const next = join(dashboardDir, '.next');
  if (!existsSync(join(next, 'BUILD_ID'))) return undefined;
  try {
    const stored = JSON.parse(await readFile(join(next, STAMP_FILE), 'utf8')) as {
      stamp?: unknown;
    };
    return typeof stored.stamp === 'string' ? stored.stamp : undefined;
  } catch {
    return undefined;
  }
}

/** True when `.next` holds a build of the current sources. */
export async function isBuildCurrent(dashboardDir: string): Promise<boolean> {
  const built = await builtStamp(dashboardDir);
  return built !== undefined && built === (await currentStamp(dashboardDir));
}

async function acquireLock(
  dashboardDir: string,
  signal?: AbortSignal,
): Promise<() => Promise<void>> {
  const lock = join(dashboardDir, LOCK_DIR);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    signal?.throwIfAborted();
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      return () => rm(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new DashboardError(`another process holds ${lock} (a dashboard build); remove it`);
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

export interface EnsureBuildOptions {
  /** Called before a build starts (not when the build is current). */
  onBuild?: () => void;
  /** Aborting stops a running build (the child is killed) and rejects. */
  signal?: AbortSignal;
}

/**
 * Builds the dashboard unless `.next` is current. Resolves true when it built, false
 * when the existing build was reused; rejects with `DashboardError` carrying the build's
 * output when `next build` fails.
 */
export async function ensureDashboardBuild(
  dashboardDir: string,
  options: EnsureBuildOptions = {},
): Promise<boolean> {
  if (await isBuildCurrent(dashboardDir)) return false;
  const release = await acquireLock(dashboardDir, options.signal);
  try {
    // Another process may have built while this one waited for the lock.
    if (await isBuildCurrent(dashboardDir)) return false;
    options.onBuild?.();
    const build = spawnNext(dashboardDir, ['build'], {});
    const abort = (): void => void build.stop(2_000);
    options.signal?.addEventListener('abort', abort, { once: true });
    const code = await build.exited;
    options.signal?.removeEventListener('abort', abort);
    options.signal?.throwIfAborted();
    if (code !== 0) {
      throw new DashboardError(`next build failed (exit ${code}):\n${build.tail()}`);
    }
    // Stamped after the build: `next build` may rewrite tsconfig.json / next-env.d.ts.
    await writeFile(
      join(dashboardDir, '.next', STAMP_FILE),
      JSON.stringify({ stamp: await currentStamp(dashboardDir), builtAt: new Date() }),
    );
    return true;
  } finally {
    await release();
  }
}
