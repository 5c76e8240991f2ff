/**
 * The answers of the definition routes (docs/http-api.md, docs/definitions.md):
 * - `GET /api/definitions` → `{definitions}`: the latest version of every process
 *   (`?all=true`: every version), from the files and the definition store;
 * - `GET /api/definitions/:process` → the latest version (`?version=n`: that one);
 * - `PUT /api/definitions/:process` with a YAML (`application/yaml`, `text/yaml`) or
 *   JSON body → validated (400 listing every problem), stored and applied at once:
 *   201 when new, 200 when the same version with the same content was there already,
 *   409 when that version is defined differently (versions are immutable) or is lower
 *   than the process's highest version;
 * - `DELETE /api/definitions/:process[/:version]` → removes stored definitions (one
 *   version, or all of the process) and applies that at once: 204, 404 when none is
 *   stored, 409 for a version defined in a file.
 * Without a definition catalog the routes answer 503; without a definition store a put
 * answers 503 (the files are still listed).
 */
import type { IncomingMessage } from 'node:http';
import { formatProblem } from '../../domain/definitions/definition-error.ts';
import {
  DefinitionConflictError,
  DefinitionVersionError,
  definitionDocument,
} from '../../domain/definitions/definition-document.ts';
import type {
  DefinitionDocument,
  ProcessDefinition,
} from '../../domain/definitions/definition-schema.ts';
import {
  parseDefinition,
  parseDefinitionYaml,
  sizeProblem,
} from '../../domain/definitions/parse-definition.ts';
import type { DefinitionCatalog } from '../../app/detection/definition-catalog.ts';
import { knownParams, type ParamsResult } from './analysis-params.ts';
import { readBody } from './body-reader.ts';
import { parseMediaType } from './content-type.ts';
import { HttpError } from './http-error.ts';
import type { Route } from './routes.ts';

export type DefinitionRoute = Extract<
  Route,
  { name: 'definitions' | 'definition' | 'definition-version' }
>;

/** A definition as the API gives it: the document as written, and where it came from. */
export type DefinitionView = DefinitionDocument & { origin: string };

/**
 * Definitions are small; a larger body is refused (413). The text itself is limited to
 * `MAX_DEFINITION_TEXT_BYTES` (256 KiB, parse-definition.ts), a 400 listing the problem.
 */
export const MAX_DEFINITION_BYTES = 1024 * 1024;

/** The name the problems of a put body carry as their origin. */
const BODY_ORIGIN = 'body';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

export function definitionView(definition: ProcessDefinition): DefinitionView {
  return { ...definitionDocument(definition), origin: definition.origin };
}

/** `all` (`true`/`false`) on the list. */
export function parseDefinitionListQuery(params: URLSearchParams): ParamsResult<{ all: boolean }> {
  const problems: string[] = [];
  const values = knownParams(params, ['all'], problems);
  const all = values.get('all');
  if (all !== undefined && all !== 'true' && all !== 'false') {
    problems.push(`all: expected true or false, got ${JSON.stringify(all)}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, query: { all: all === 'true' } };
}

const isVersion = (raw: string): boolean =>
  /^\d{1,16}$/.test(raw) && Number(raw) >= 1 && Number.isSafeInteger(Number(raw));

/** The `:version` of `DELETE /api/definitions/:process/:version` (a positive safe integer). */
export function parseVersionSegment(raw: string): ParamsResult<{ version: number }> {
  if (!isVersion(raw)) {
    return {
      ok: false,
      problems: [`version: expected a positive integer, got ${JSON.stringify(raw)}`],
    };
  }
  return { ok: true, query: { version: Number(raw) } };
}

/** `version` (an integer ≥ 1) on one definition. */
export function parseDefinitionQuery(params: URLSearchParams): ParamsResult<{ version?: number }> {
  const problems: string[] = [];
  const values = knownParams(params, ['version'], problems);
  const raw = values.get('version');
  if (raw !== undefined && (!/^\d{1,15}$/.test(raw) || Number(raw) < 1)) {
    problems.push(`version: expected an integer ≥ 1, got ${JSON.stringify(raw)}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, query: raw === undefined ? {} : { version: Number(raw) } };
}

export type DefinitionBodyResult =
  | { ok: true; definition: ProcessDefinition }
  | { ok: false; status: 400 | 415; error: string; problems?: string[] };

/** Parses and validates a put body; `process` is the one in the path. Pure. */
export function parseDefinitionBody(
  body: Buffer,
  contentType: string | undefined,
  process: string,
): DefinitionBodyResult {
  const media = parseMediaType(contentType);
  const text = body.toString('utf8');
  const invalid = (problems: string[]): DefinitionBodyResult => ({
    ok: false,
    status: 400,
    error: 'invalid process definition',
    problems,
  });
  let result;
  if (media !== undefined && YAML_TYPES.includes(media.type)) {
    result = parseDefinitionYaml(text, BODY_ORIGIN);
  } else if (
    media === undefined ||
    media.type === 'application/json' ||
    media.type === 'text/json' ||
    media.type.endsWith('+json')
  ) {
    let value: unknown;
    const tooLarge = sizeProblem(text, BODY_ORIGIN);
    if (tooLarge !== undefined) return invalid([formatProblem(tooLarge)]);
    try {
      value = JSON.parse(text);
    } catch (err) {
      return invalid([`${BODY_ORIGIN} /: not JSON (${(err as Error).message})`]);
    }
    result = parseDefinition(value, BODY_ORIGIN);
  } else {
    return {
      ok: false,
      status: 415,
      error: `unsupported content-type "${media.type}": send application/yaml, text/yaml or application/json`,
    };
  }
  if (!result.ok) return invalid(result.problems.map(formatProblem));
  if (result.definition.process !== process) {
    return invalid([
      `${BODY_ORIGIN} /process: ${JSON.stringify(result.definition.process)} does not match the process in the path (${JSON.stringify(process)})`,
    ]);
  }
  return { ok: true, definition: result.definition };
}

function invalidParams(problems: readonly string[]): HttpError {
  return new HttpError(400, 'invalid query parameters', false, problems);
}

async function put(
  catalog: DefinitionCatalog,
  process: string,
  request: IncomingMessage,
  maxBodyBytes: number,
): Promise<{ status: number; body: unknown }> {
  if (!catalog.acceptsDefinitions()) {
    request.resume();
    throw new HttpError(503, 'storing process definitions is not enabled on this collector');
  }
  const body = await readBody(request, Math.min(maxBodyBytes, MAX_DEFINITION_BYTES));
  const parsed = parseDefinitionBody(body, request.headers['content-type'], process);
  if (!parsed.ok) throw new HttpError(parsed.status, parsed.error, false, parsed.problems);
  try {
    const { created } = await catalog.putDefinition(parsed.definition);
    const applied = catalog.registry().get(process, parsed.definition.version);
    return {
      status: created ? 201 : 200,
      body: definitionView(applied ?? parsed.definition),
    };
  } catch (err) {
    throw conflictOf(err);
  }
}

/** 409 for the refusals a put or delete can meet; anything else as it is. */
function conflictOf(err: unknown): unknown {
  return err instanceof DefinitionConflictError || err instanceof DefinitionVersionError
    ? new HttpError(409, err.message, false, undefined, { cause: err })
    : err;
}

async function remove(
  catalog: DefinitionCatalog,
  process: string,
  versionSegment: string | undefined,
  request: IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  request.resume();
  if (!catalog.acceptsDefinitions()) {
    throw new HttpError(503, 'storing process definitions is not enabled on this collector');
  }
  let version: number | undefined;
  if (versionSegment !== undefined) {
    const parsed = parseVersionSegment(versionSegment);
    if (!parsed.ok) throw new HttpError(400, 'invalid definition version', false, parsed.problems);
    version = parsed.query.version;
  }
  let removed: number;
  try {
    removed = await catalog.deleteDefinitions(process, version);
  } catch (err) {
    throw conflictOf(err);
  }
  if (removed === 0) {
    const which = version === undefined ? '' : ` version ${version}`;
    throw new HttpError(404, `no stored definition of process "${process}"${which}`);
  }
  return { status: 204, body: undefined };
}

/** Status and JSON body of a definition route, or an `HttpError`. */
export async function answerDefinitionRoute(
  catalog: DefinitionCatalog | undefined,
  route: DefinitionRoute,
  request: IncomingMessage,
  url: URL,
  maxBodyBytes: number,
): Promise<{ status: number; body: unknown }> {
  if (catalog === undefined) {
    request.resume();
    throw new HttpError(503, 'process definitions not enabled on this collector');
  }
  if (route.name === 'definition' && request.method === 'PUT') {
    return put(catalog, route.process, request, maxBodyBytes);
  }
  if (route.name === 'definition-version') {
    return remove(catalog, route.process, route.version, request);
  }
  if (route.name === 'definition' && request.method === 'DELETE') {
    return remove(catalog, route.process, undefined, request);
  }
  // Reads see what any collector stored, not only what the last reload saw.
  const registry = catalog.acceptsDefinitions()
    ? await catalog.reloadFromStore()
    : catalog.registry();
  if (route.name === 'definitions') {
    const parsed = parseDefinitionListQuery(url.searchParams);
    if (!parsed.ok) throw invalidParams(parsed.problems);
    const definitions = parsed.query.all
      ? registry.processes().flatMap((name) => registry.versions(name))
      : registry.latest();
    return { status: 200, body: { definitions: definitions.map(definitionView) } };
  }
  const parsed = parseDefinitionQuery(url.searchParams);
  if (!parsed.ok) throw invalidParams(parsed.problems);
  const definition = registry.get(route.process, parsed.query.version);
  if (definition === undefined) {
    const which = parsed.query.version === undefined ? '' : ` version ${parsed.query.version}`;
    throw new HttpError(404, `no definition of process "${route.process}"${which}`);
  }
  return { status: 200, body: definitionView(definition) };
}
