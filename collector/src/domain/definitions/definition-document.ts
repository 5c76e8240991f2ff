/**
 * A definition as it is stored and listed: the document as written (durations as
 * text), without what parsing added (`deadlineMs`, `waitDeadlineMs`, `afterMs`, the
 * origin) and without empty `expectations` / `escalation` lists (absent and empty mean
 * the same). Parsing the document again gives the same definition, so two documents
 * with equal `definitionContent` are one definition — the rule the registry and the
 * definition stores share.
 */
import { canonicalJson } from '../instance/canonical-json.ts';
import { CollectorError } from '../../shared/errors.ts';
import type { DefinitionDocument, ProcessDefinition } from './definition-schema.ts';

export function definitionDocument(definition: ProcessDefinition): DefinitionDocument {
  const {
    origin: _origin,
    deadlineMs: _deadlineMs,
    steps,
    expectations,
    escalation,
    ...rest
  } = definition;
  return {
    ...rest,
    steps: steps.map(({ deadlineMs: _d, waitDeadlineMs: _w, ...step }) => step),
    ...(expectations.length > 0
      ? { expectations: expectations.map(({ deadlineMs: _d, ...e }) => e) }
      : {}),
    ...(escalation.length > 0
      ? { escalation: escalation.map(({ afterMs: _a, ...rung }) => rung) }
      : {}),
  };
}

/** Canonical JSON of a document: equal strings = the same definition. */
export function documentContent(document: DefinitionDocument): string {
  return canonicalJson(document);
}

export function definitionContent(definition: ProcessDefinition): string {
  return documentContent(definitionDocument(definition));
}

/**
 * A (process, version) already defined with other content: versions are immutable,
 * publish a new version instead. Not retriable; the HTTP API answers 409.
 */
export class DefinitionConflictError extends CollectorError {
  readonly source = 'config';
  readonly retriable = false;

  constructor(
    readonly process: string,
    readonly version: number,
    where: string,
  ) {
    super(
      `version ${version} of process ${process} is already defined differently (${where}); publish a new version instead`,
    );
  }
}

/**
 * A put or delete refused because of the versions already defined: a version lower than
 * the process's highest (it would never apply, as detection uses the latest), or a
 * version that a file defines (the API cannot remove a file). Not retriable; HTTP 409.
 */
export class DefinitionVersionError extends CollectorError {
  readonly source = 'config';
  readonly retriable = false;

  constructor(
    readonly process: string,
    message: string,
  ) {
    super(message);
  }
}
