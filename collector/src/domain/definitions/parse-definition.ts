/**
 * Parses and validates one process definition (YAML text, or an already decoded value
 * from the HTTP API). Pure: returns the typed definition, or EVERY problem found —
 * schema violations (`definition-schema.ts`) and the cross-references a schema cannot
 * check — each with its origin, JSON pointer and, for YAML, line and column.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { DefinitionProblem } from './definition-error.ts';
import {
  DefinitionSchema,
  DURATION_FORMAT,
  type DefinitionDocument,
  type ProcessDefinition,
} from './definition-schema.ts';
import { parseDuration } from '@flowtrail/sdk/protocol';

export type DefinitionResult =
  { ok: true; definition: ProcessDefinition } | { ok: false; problems: DefinitionProblem[] };

type Issue = Omit<DefinitionProblem, 'origin'>;

const check = TypeCompiler.Compile(DefinitionSchema);

function messageOf(error: ValueError): string {
  const schema = error.schema as TSchema & { anyOf?: { const?: unknown }[] };
  if (schema.format === DURATION_FORMAT && typeof error.value === 'string') {
    const parsed = parseDuration(error.value);
    if (!parsed.ok) return parsed.message;
  }
  const options = schema.anyOf?.map((member) => member.const);
  if (options !== undefined && options.every((option) => typeof option === 'string')) {
    return `${JSON.stringify(error.value)} is not one of ${options.join(', ')}`;
  }
  return error.message;
}

/** Schema violations, the first one per path (TypeBox may report several). */
function schemaIssues(value: unknown): Issue[] {
  const byPath = new Map<string, Issue>();
  for (const error of check.Errors(value)) {
    const path = error.path || '/';
    if (!byPath.has(path)) byPath.set(path, { path, message: messageOf(error) });
  }
  return [...byPath.values()];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const recordsOf = (value: unknown): [number, Record<string, unknown>][] =>
  Array.isArray(value)
    ? value.flatMap((item, index) => (isRecord(item) ? [[index, item] as const] : []))
    : [];

const stringsOf = (value: unknown): [number, string][] =>
  Array.isArray(value)
    ? value.flatMap((item, index) => (typeof item === 'string' ? [[index, item] as const] : []))
    : [];

/** A duration that must be longer than zero (deadlines); the schema checked the syntax. */
function zeroDeadline(value: unknown, path: string): Issue[] {
  if (typeof value !== 'string') return [];
  const parsed = parseDuration(value);
  return parsed.ok && parsed.ms <= 0
    ? [{ path, message: 'a deadline must be longer than zero' }]
    : [];
}

/** What the schema cannot say: unique names, known step references, ordered ladder. */
function referenceIssues(value: unknown): Issue[] {
  if (!isRecord(value)) return [];
  const issues: Issue[] = [...zeroDeadline(value.deadline, '/deadline')];
  const steps = recordsOf(value.steps);
  const names = new Set<string>();
  for (const [index, step] of steps) {
    if (typeof step.name !== 'string') continue;
    if (names.has(step.name)) {
      issues.push({ path: `/steps/${index}/name`, message: `duplicate step ${step.name}` });
    }
    names.add(step.name);
  }
  const unknownStep = (name: string, path: string): Issue[] =>
    names.has(name) ? [] : [{ path, message: `unknown step ${JSON.stringify(name)}` }];
  for (const [index, step] of steps) {
    issues.push(...zeroDeadline(step.deadline, `/steps/${index}/deadline`));
    issues.push(...zeroDeadline(step.waitDeadline, `/steps/${index}/waitDeadline`));
    for (const [j, next] of stringsOf(step.next)) {
      issues.push(...unknownStep(next, `/steps/${index}/next/${j}`));
    }
  }
  for (const [j, first] of stringsOf(value.start))
    issues.push(...unknownStep(first, `/start/${j}`));
  const targets = new Set<string>();
  for (const [index, expectation] of recordsOf(value.expectations)) {
    issues.push(...zeroDeadline(expectation.deadline, `/expectations/${index}/deadline`));
    const target = `${String(expectation.system)}/${String(expectation.process)}`;
    if (targets.has(target)) {
      issues.push({ path: `/expectations/${index}`, message: `duplicate expectation ${target}` });
    }
    targets.add(target);
  }
  let previous = -1;
  for (const [index, rung] of recordsOf(value.escalation)) {
    const after = typeof rung.after === 'string' ? parseDuration(rung.after) : undefined;
    if (after?.ok !== true) continue;
    if (after.ms < previous) {
      issues.push({
        path: `/escalation/${index}/after`,
        message: 'escalation rungs must be listed in order of their delay (after)',
      });
    }
    previous = Math.max(previous, after.ms);
  }
  return issues;
}

function ms(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(`unreachable: validated duration ${text}`);
  return parsed.ms;
}

function resolve(doc: DefinitionDocument, origin: string): ProcessDefinition {
  const { steps, expectations, escalation, ...rest } = doc;
  const definition: ProcessDefinition = {
    ...rest,
    steps: steps.map((step) => ({
      ...step,
      ...(step.deadline !== undefined ? { deadlineMs: ms(step.deadline) } : {}),
      ...(step.waitDeadline !== undefined ? { waitDeadlineMs: ms(step.waitDeadline) } : {}),
    })),
    expectations: (expectations ?? []).map((e) => ({ ...e, deadlineMs: ms(e.deadline) })),
    escalation: (escalation ?? []).map((rung) => ({ ...rung, afterMs: ms(rung.after) })),
    origin,
  };
  if (doc.deadline !== undefined) definition.deadlineMs = ms(doc.deadline);
  return definition;
}

function validate(
  value: unknown,
): { ok: true; doc: DefinitionDocument } | { ok: false; issues: Issue[] } {
  const issues = [...schemaIssues(value), ...referenceIssues(value)];
  return issues.length === 0
    ? { ok: true, doc: value as DefinitionDocument }
    : { ok: false, issues };
}

/** Validates a decoded definition (e.g. JSON from the HTTP API). Never throws. */
export function parseDefinition(value: unknown, origin: string): DefinitionResult {
  const result = validate(value);
  if (result.ok) return { ok: true, definition: resolve(result.doc, origin) };
  return { ok: false, problems: result.issues.map((issue) => ({ origin, ...issue })) };
}

/** Where a JSON pointer points in the YAML text: the deepest existing node on it. */
function locate(
  doc: Document,
  lines: LineCounter,
  path: string,
): { line?: number; column?: number } {
  const segments = path
    .split('/')
    .slice(1)
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  for (let depth = segments.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(segments.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range !== undefined) {
      const { line, col } = lines.linePos(range[0]);
      return { line, column: col };
    }
  }
  return {};
}

/** Parses one YAML definition file. Never throws: YAML errors are problems too. */
export function parseDefinitionYaml(text: string, origin: string): DefinitionResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { origin, path: '/', message: error.message, line, column: col };
      }),
    };
  }
  const result = validate(doc.toJS());
  if (result.ok) return { ok: true, definition: resolve(result.doc, origin) };
  return {
    ok: false,
    problems: result.issues.map((issue) => ({
      origin,
      ...issue,
      ...locate(doc, lines, issue.path),
    })),
  };
}
