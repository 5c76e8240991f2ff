/**
 * Loads a set of definition files into a registry. Pure (the files are given as text);
 * `read-definition-dir.ts` is the IO adapter. Every problem of every file is reported
 * at once, in one `DefinitionError`, so a broken deployment is fixed in one round.
 */
import { DefinitionError, type DefinitionProblem } from './definition-error.ts';
import type { ProcessDefinition } from './definition-schema.ts';
import { parseDefinitionYaml } from './parse-definition.ts';
import { createRegistry, type DefinitionRegistry } from './registry.ts';

export interface DefinitionFile {
  /** File name, used as the origin in problems. */
  name: string;
  text: string;
}

/** A registry of all definitions; throws `DefinitionError` listing every problem. */
export function loadDefinitions(files: readonly DefinitionFile[]): DefinitionRegistry {
  const definitions: ProcessDefinition[] = [];
  const problems: DefinitionProblem[] = [];
  for (const file of files) {
    const result = parseDefinitionYaml(file.text, file.name);
    if (result.ok) definitions.push(result.definition);
    else problems.push(...result.problems);
  }
  try {
    const registry = createRegistry(definitions);
    if (problems.length > 0) throw new DefinitionError(problems);
    return registry;
  } catch (err) {
    if (err instanceof DefinitionError && err.problems !== problems) {
      throw new DefinitionError([...problems, ...err.problems]);
    }
    throw err;
  }
}
