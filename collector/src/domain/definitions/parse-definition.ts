/**
 * Parses and validates one process definition (YAML text, or an already decoded value
 * from the HTTP API). Pure: returns the typed definition, or EVERY problem found —
 * schema violations (`definition-schema.ts`) and the cross-references a schema cannot
 * check — each with its origin, JSON pointer and, for YAML, line and column.
 *
 * YAML is parsed with limits, as a put body comes from the network: at most
 * `MAX_DEFINITION_TEXT_BYTES` of text and `MAX_YAML_ALIASES` alias expansions, so an
 * alias bomb ("billion laughs") is a problem found in milliseconds, not a stuck or
 * crashed collector.
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

/** The largest definition text (UTF-8 bytes) parsed; real definitions are a few KiB. */
export const MAX_DEFINITION_TEXT_BYTES = 256 * 1024;
/** The `yaml` package's `maxAliasCount`: how many alias expansions a document may make. */
export const MAX_YAML_ALIASES = 100;

const check = TypeCompiler.Compile(DefinitionSchema);

function messageOf(error: ValueError): string {
  // 1e308 is an integer to JSON Schema, and would shadow every later version forever.
  if (
    error.path === '/version' &&
    Number.isInteger(error.value) &&
    (error.value as number) > Number.MAX_SAFE_INTEGER
  ) {
    return `version must be a positive safe integer (1 … ${Number.MAX_SAFE_INTEGER}), got ${JSON.stringify(error.value)}`;
  }
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

/** A problem when the text is over `MAX_DEFINITION_TEXT_BYTES` (JSON bodies are checked too). */
export function sizeProblem(text: string, origin: string): DefinitionProblem | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: count exactly only when it may matter.
  if (text.length * 3 <= MAX_DEFINITION_TEXT_BYTES) return undefined;
  const bytes = new TextEncoder().encode(text).length;
  if (bytes <= MAX_DEFINITION_TEXT_BYTES) return undefined;
  return {
    origin,
    path: '/',
    message: `definition is ${bytes} bytes, more than the limit of ${MAX_DEFINITION_TEXT_BYTES}`,
  };
}

/** The parser's message, or a clear one where the parser only reports its own failure. */
function yamlMessage(message: string): string {
  if (/excessive alias count/i.test(message)) {
    return `too many YAML aliases (more than ${MAX_YAML_ALIASES} expansions): refused as a possible alias bomb`;
  }
  // The parser recurses per nesting level; about 10^4 levels exhaust the stack.
  if (/maximum call stack/i.test(message)) return 'YAML nested too deeply';
  return message;
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
  const tooLarge = sizeProblem(text, origin);
  if (tooLarge !== undefined) return { ok: false, problems: [tooLarge] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { origin, path: '/', message: yamlMessage(error.message), line, column: col };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    // yaml throws a ReferenceError when the aliases expand beyond maxAliasCount.
    return {
      ok: false,
      problems: [
        {
          origin,
          path: '/',
          message: yamlMessage(err instanceof Error ? err.message : String(err)),
        },
      ],
    };
  }
  const result = validate(value);
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
