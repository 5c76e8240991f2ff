/**
 * Whether the dashboard's production build (`dashboard/.next`) is current: a stamp is a
 * hash over the dashboard's sources and the Next.js version. `flowtrail up` builds when
 * the stamp stored with the build differs from the sources' stamp. Pure apart from
 * `readSources`, which only reads files.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * Folders whose files go into the build, relative to the dashboard folder: its own, and
 * the SDK's protocol, which the dashboard imports (`@flowtrail/sdk/protocol`: durations).
 */
export const SOURCE_DIRS = ['app', 'components', 'lib', 'public', '../sdk/src/protocol'] as const;
/** Top-level files that change the build. */
export const SOURCE_FILES = ['next.config.mjs', 'package.json', 'tsconfig.json'] as const;

export interface SourceFile {
  /** Path relative to the dashboard folder, with `/` separators. */
  path: string;
  content: Buffer;
}

/** The stamp of a set of source files built with `nextVersion`; order does not matter. */
export function buildStampOf(files: readonly SourceFile[], nextVersion: string): string {
  const hash = createHash('sha256').update(`next@${nextVersion}\n`);
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    hash.update(`${file.path}\n${file.content.length}\n`).update(file.content);
  }
  return hash.digest('hex');
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Reads the files that make up the dashboard build (missing folders are skipped). */
export async function readSources(dashboardDir: string): Promise<SourceFile[]> {
  const paths: string[] = [];
  for (const dir of SOURCE_DIRS) paths.push(...(await walk(join(dashboardDir, dir))));
  for (const file of SOURCE_FILES) paths.push(join(dashboardDir, file));
  const files: SourceFile[] = [];
  for (const path of paths) {
    try {
      files.push({
        path: relative(dashboardDir, path).split(sep).join('/'),
        content: await readFile(path),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return files;
}
