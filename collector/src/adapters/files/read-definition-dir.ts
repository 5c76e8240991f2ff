/**
 * IO adapter: reads every `*.yaml` / `*.yml` file of a directory (not recursive, in
 * name order) and loads them with `loadDefinitions`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DefinitionError } from '../../domain/definitions/definition-error.ts';
import { loadDefinitions, type DefinitionFile } from '../../domain/definitions/load-definitions.ts';
import { emptyRegistry, type DefinitionRegistry } from '../../domain/definitions/registry.ts';

const DEFINITION_FILE = /\.ya?ml$/i;

/**
 * The definitions in `dir`. Throws `DefinitionError` (not retriable) when the directory
 * does not exist or a file is invalid; other file-system errors are rethrown as they are.
 */
export async function readDefinitionDir(dir: string): Promise<DefinitionRegistry> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DefinitionError([
        { origin: dir, path: '/', message: 'definition directory does not exist' },
      ]);
    }
    throw err;
  }
  const files: DefinitionFile[] = [];
  for (const name of names.filter((n) => DEFINITION_FILE.test(n)).sort()) {
    files.push({ name, text: await readFile(join(dir, name), 'utf8') });
  }
  return loadDefinitions(files);
}

/** The definitions of `dir` when one is configured, else none. */
export async function readDefinitionFiles(dir: string | undefined): Promise<DefinitionRegistry> {
  return dir === undefined ? emptyRegistry : readDefinitionDir(dir);
}
