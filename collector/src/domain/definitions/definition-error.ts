/**
 * Problems found in process definitions, and the error that lists all of them at once.
 * A definition problem is a configuration error: retrying never fixes it.
 */
import { CollectorError } from '../../shared/errors.ts';

export interface DefinitionProblem {
  /** File name (or API origin) of the definition. */
  origin: string;
  /** JSON pointer into the definition, e.g. `/steps/2/deadline`; `/` for the whole. */
  path: string;
  message: string;
  /** 1-based position in the YAML text, when known. */
  line?: number;
  column?: number;
}

/** `orders.yaml:12:5 /steps/2/deadline: "5 minutes" is not a duration …` */
export function formatProblem(problem: DefinitionProblem): string {
  const position =
    problem.line === undefined
      ? ''
      : `:${problem.line}${problem.column ? `:${problem.column}` : ''}`;
  return `${problem.origin}${position} ${problem.path}: ${problem.message}`;
}

export class DefinitionError extends CollectorError {
  readonly source = 'config';
  readonly retriable = false;

  constructor(readonly problems: readonly DefinitionProblem[]) {
    super(`invalid process definitions:\n  - ${problems.map(formatProblem).join('\n  - ')}`);
  }
}
