/**
 * The HTTP delivery of commands (docs/commands.md):
 * - `GET /api/commands?system=<name>&wait=<seconds ≤ 30>&max=<1..1000>` → `{commands:[…]}`,
 *   a long-poll: answers at once when commands of `system` are visible, else when one
 *   arrives, else after `wait` seconds with `{commands:[]}`;
 * - `POST /api/commands/ack` `{ids:[…]}` → `{acked:n}`; unacknowledged commands are
 *   delivered again after their lease.
 * Parsing is pure; `pollCommands` ends the wait when the client goes away;
 * `answerCommandsRoute` is what the API handler calls.
 */
import type { IncomingMessage } from 'node:http';
import type { FlowtrailCommand } from '@flowtrail/sdk/protocol';
import type { CommandInbox } from '../../ports/command-inbox.ts';
import { readBody } from './body-reader.ts';
import { jsonBodyRefusal } from './content-type.ts';
import { HttpError } from './http-error.ts';

/** What the command routes need of the API's dependencies (api-handler.ts `ApiDeps`). */
export interface CommandsRouteDeps {
  commands?: CommandInbox;
  maxBodyBytes: number;
  absent?: { commands?: string };
}

export const MAX_WAIT_SECONDS = 30;
export const MAX_TAKE = 1000;
export const MAX_ACK_IDS = 1000;

export interface CommandsPoll {
  system: string;
  waitMs: number;
  max?: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const KNOWN = new Set(['system', 'wait', 'max']);

export function parseCommandsQuery(params: URLSearchParams): Parsed<CommandsPoll> {
  const problems: string[] = [];
  for (const name of new Set(params.keys())) {
    if (!KNOWN.has(name)) problems.push(`${name}: unknown parameter (known: system, wait, max)`);
    else if (params.getAll(name).length > 1) problems.push(`${name}: given more than once`);
  }
  const system = params.get('system')?.trim() ?? '';
  if (system === '') problems.push('system: required, the name of the system asking');
  let waitMs = 0;
  const wait = params.get('wait');
  if (wait !== null && wait !== '') {
    const seconds = Number(wait);
    if (!/^\d+(\.\d+)?$/.test(wait) || seconds > MAX_WAIT_SECONDS) {
      problems.push(
        `wait: expected seconds from 0 to ${MAX_WAIT_SECONDS}, got ${JSON.stringify(wait)}`,
      );
    } else waitMs = Math.round(seconds * 1000);
  }
  let max: number | undefined;
  const rawMax = params.get('max');
  if (rawMax !== null && rawMax !== '') {
    if (!/^\d+$/.test(rawMax) || Number(rawMax) < 1 || Number(rawMax) > MAX_TAKE) {
      problems.push(
        `max: expected an integer from 1 to ${MAX_TAKE}, got ${JSON.stringify(rawMax)}`,
      );
    } else max = Number(rawMax);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { system, waitMs, ...(max === undefined ? {} : { max }) } };
}

/** `{ids:[…]}`: 1 to 1000 non-empty strings. */
export function parseAckBody(body: Buffer): Parsed<string[]> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, problems: ['body must be JSON: {"ids":["<command id>", …]}'] };
  }
  const ids = (value as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_ACK_IDS) {
    return { ok: false, problems: [`ids: expected an array of 1 to ${MAX_ACK_IDS} command ids`] };
  }
  const problems = ids.flatMap((id, i) =>
    typeof id === 'string' && id !== '' ? [] : [`ids/${i}: expected a non-empty string`],
  );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: ids as string[] };
}

/** Long-polls the queue; a client that disconnects while waiting leases nothing. */
export async function pollCommands(
  queue: CommandInbox,
  poll: CommandsPoll,
  request: IncomingMessage,
): Promise<{ commands: FlowtrailCommand[] }> {
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  const socket = request.socket;
  socket.once('close', onClose);
  try {
    const commands = await queue.take(poll.system, {
      waitMs: poll.waitMs,
      signal: gone.signal,
      ...(poll.max === undefined ? {} : { max: poll.max }),
    });
    return { commands };
  } finally {
    socket.off('close', onClose);
  }
}

/** The JSON body of `GET /api/commands` and `POST /api/commands/ack` (status 200). */
export async function answerCommandsRoute(
  deps: CommandsRouteDeps,
  name: 'commands' | 'commands-ack',
  request: IncomingMessage,
  url: URL,
): Promise<unknown> {
  if (deps.commands === undefined) {
    request.resume();
    throw new HttpError(
      404,
      deps.absent?.commands ?? 'command delivery is not enabled on this node',
    );
  }
  if (name === 'commands') {
    if (request.method === 'HEAD') return { commands: [] }; // a HEAD must not lease anything
    const parsed = parseCommandsQuery(url.searchParams);
    if (!parsed.ok) throw new HttpError(400, 'invalid query parameters', false, parsed.problems);
    return pollCommands(deps.commands, parsed.value, request);
  }
  const refusal = jsonBodyRefusal(request.headers);
  if (refusal !== undefined) {
    request.resume();
    throw new HttpError(415, refusal);
  }
  const parsed = parseAckBody(await readBody(request, deps.maxBodyBytes));
  if (!parsed.ok) throw new HttpError(400, 'invalid acknowledgement', false, parsed.problems);
  try {
    return { acked: await deps.commands.ack(parsed.value) };
  } catch (err) {
    const retriable = (err as { retriable?: unknown } | null)?.retriable !== false;
    const status = retriable ? 503 : 500;
    throw new HttpError(
      status,
      `acknowledging failed: ${(err as Error).message}`,
      retriable,
      undefined,
      {
        cause: err,
      },
    );
  }
}
