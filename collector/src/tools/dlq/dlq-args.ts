/**
 * Arguments of `flowtrail dlq list|replay|delete` (pure: no IO). The environment supplies
 * the defaults (`FLOWTRAIL_DATA_DIR`, `FLOWTRAIL_MAX_EVENT_BYTES`), flags override them;
 * every problem is listed at once, like the configuration of the collector.
 */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EnvReader, readMaxEventBytes, type Env } from '../../main/config/config.ts';
import { DEFAULT_DATA_DIR } from '../../main/config/embedded-config.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

export const DLQ_USAGE = `usage: flowtrail dlq <list|replay|delete> [options]

Dead letters of embedded mode (\`flowtrail up\`): the SQLite table \`dead_letters\` in the
data directory. Safe while \`flowtrail up\` runs on the same directory.

  dlq list   [--from N] [--size N] [--json]
             a page of letters, oldest first (default --from 0 --size ${DEFAULT_PAGE_SIZE});
             --json prints the page as JSON (bytes as base64)
  dlq replay (--all | <id> ...) [--max-event-bytes N]
             runs the letters' ORIGINAL bytes and headers through validation, storage and
             the fold again; accepted letters are deleted, the others stay unchanged
             (exit 1 when some are still rejected)
  dlq delete (--all | <id> ...)
             removes letters

  --data-dir DIR          SQLite data directory (default $FLOWTRAIL_DATA_DIR or ${DEFAULT_DATA_DIR})
  --max-event-bytes N     replay: size limit per event (default $FLOWTRAIL_MAX_EVENT_BYTES
                          or 1048576)
  --kafka                 Kafka mode: the dead letters are the topic flowtrail.dlq (see
                          docs/operations.md)

See docs/operations.md, "Dead letters in embedded mode".`;

/** Which letters a command works on: all of them (snapshot at start) or these ids. */
export type LetterSelection = { all: true } | { all: false; ids: number[] };

export type DlqCommand =
  | { action: 'list'; dataDir: string; from: number; size: number; json: boolean }
  | { action: 'replay'; dataDir: string; selection: LetterSelection; maxEventBytes: number }
  | { action: 'delete'; dataDir: string; selection: LetterSelection }
  | { action: 'kafka'; requested: string };

export type ParsedDlq =
  { ok: true; command: DlqCommand } | { ok: false; help: boolean; problems: string[] };

const ACTIONS = ['list', 'replay', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  'data-dir': { type: 'string' },
  kafka: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const OPTIONS: Record<Action, Options> = {
  list: {
    ...COMMON,
    from: { type: 'string' },
    size: { type: 'string' },
    json: { type: 'boolean' },
  },
  replay: { ...COMMON, all: { type: 'boolean' }, 'max-event-bytes': { type: 'string' } },
  delete: { ...COMMON, all: { type: 'boolean' } },
};

function integer(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    problems.push(`--${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return n;
}

function selectionOf(
  all: boolean,
  positionals: readonly string[],
  problems: string[],
): LetterSelection {
  if (all && positionals.length > 0) problems.push('give either --all or ids, not both');
  if (all) return { all: true };
  if (positionals.length === 0) problems.push('no letters selected: give ids or --all');
  const ids: number[] = [];
  for (const raw of positionals) {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || !Number.isSafeInteger(n)) {
      problems.push(`not a dead-letter id: "${raw}"`);
    } else if (!ids.includes(n)) {
      ids.push(n);
    }
  }
  return { all: false, ids };
}

/** `cwd` anchors a relative data directory (like `flowtrail up`). */
export function parseDlqArgs(args: readonly string[], env: Env, cwd: string): ParsedDlq {
  const [first, ...rest] = args;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    return first === undefined
      ? { ok: false, help: false, problems: ['missing action: list, replay or delete'] }
      : { ok: false, help: true, problems: [] };
  }
  if (!(ACTIONS as readonly string[]).includes(first)) {
    return { ok: false, help: false, problems: [`unknown action: ${first}`] };
  }
  const action = first as Action;
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: action !== 'list',
      options: OPTIONS[action],
    }));
  } catch (err) {
    return { ok: false, help: false, problems: [(err as Error).message] };
  }
  if (values.help === true) return { ok: false, help: true, problems: [] };
  if (values.kafka === true) return { ok: true, command: { action: 'kafka', requested: action } };

  const r = new EnvReader(env);
  const problems: string[] = [];
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const dirFlag = str('data-dir');
  if (dirFlag !== undefined && dirFlag.trim() === '') problems.push('--data-dir: empty');
  const dataDir = resolve(cwd, dirFlag ?? r.string('FLOWTRAIL_DATA_DIR', DEFAULT_DATA_DIR));

  let command: DlqCommand;
  if (action === 'list') {
    command = {
      action,
      dataDir,
      from: integer('from', str('from'), 0, 0, Number.MAX_SAFE_INTEGER, problems),
      size: integer('size', str('size'), DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, problems),
      json: values.json === true,
    };
  } else {
    const selection = selectionOf(values.all === true, positionals, problems);
    if (action === 'delete') {
      command = { action, dataDir, selection };
    } else {
      const flag = str('max-event-bytes');
      const maxEventBytes =
        flag === undefined
          ? readMaxEventBytes(r)
          : integer('max-event-bytes', flag, 0, 1, Number.MAX_SAFE_INTEGER, problems);
      command = { action, dataDir, selection, maxEventBytes };
    }
  }
  problems.push(...r.problems);
  return problems.length > 0 ? { ok: false, help: false, problems } : { ok: true, command };
}
