/**
 * Command-line arguments and configuration of `flowtrail repair` (repair-command.ts).
 * Pure: arguments, environment and working directory in; the command (or the help
 * request, or every problem at once) out.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  EnvReader,
  readElasticsearchConfig,
  readLogLevel,
  type ElasticsearchConfig,
  type Env,
  type LogLevel,
} from '../../main/config/config.ts';
import { readDefinitionsDir } from '../../main/config/detection-config.ts';
import { DEFAULT_DATA_DIR, DEMO_DEFINITIONS_DIR } from '../../main/config/embedded-config.ts';
import { DEFAULT_REPAIR_PAGE_SIZE } from '../../app/ingest/full-state-repair.ts';

export const REPAIR_USAGE = `usage: flowtrail repair [--dry-run] [--data-dir DIR [--demo] | --elasticsearch]
                        [--process NAME] [--page-size N] [--json]

Folds every instance again from ALL its stored events and compares the result with the
stored state: a state that is missing or has another eventCount than its events is
stale; one behind its events is written again (the fold of ingest, with the process
definitions), one claiming more events than are stored is reported and left alone.
Reads in pages, so memory stays bounded; logs progress (JSON lines on stderr) and prints
the totals. Safe while Flowtrail runs: a state written meanwhile from more events wins.

  --dry-run          count only (checked, stale, missing, behind, ahead); write nothing
  --data-dir DIR     the embedded store (default $FLOWTRAIL_DATA_DIR or ${DEFAULT_DATA_DIR})
  --elasticsearch    the Kafka-mode store instead: ELASTICSEARCH_URL and the other
                     ELASTICSEARCH_* variables, FLOWTRAIL_INDEX_PREFIX (the collectors')
  --demo             with the embedded store: the demo's definitions, as \`up --demo\`
                     loads them (when FLOWTRAIL_DEFINITIONS_DIR is not set)
  --process NAME     only the instances of that process
  --page-size N      instances per page (default ${DEFAULT_REPAIR_PAGE_SIZE}, 1..10000)
  --json             print the totals as one JSON object
  -h, --help         this text

Definitions: FLOWTRAIL_DEFINITIONS_DIR (or --demo) plus the stored ones — give the
same ones as the running product, whose deadlines the states were folded with. LOG_LEVEL (default info). Exit 0 when every state matches its events (after
the repair), 1 when stale states are left (a dry run that found some, states ahead of
their events, writes refused, folds that failed) or the store failed, 2 on bad arguments
or configuration. See docs/operations.md, "Repairing states".`;

export type RepairStore =
  | { kind: 'sqlite'; dataDir: string; definitionsDir: string | undefined }
  | {
      kind: 'elasticsearch';
      elasticsearch: ElasticsearchConfig;
      definitionsDir: string | undefined;
    };

export interface RepairCommand {
  store: RepairStore;
  dryRun: boolean;
  process?: string;
  pageSize: number;
  json: boolean;
  logLevel: LogLevel;
}

export type ParsedRepair =
  { ok: true; command: RepairCommand } | { ok: false; help: boolean; problems: string[] };

const OPTIONS = {
  'dry-run': { type: 'boolean' },
  'data-dir': { type: 'string' },
  demo: { type: 'boolean' },
  elasticsearch: { type: 'boolean' },
  process: { type: 'string' },
  'page-size': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseRepairArgs(args: readonly string[], env: Env, cwd: string): ParsedRepair {
  let values: {
    'dry-run'?: boolean;
    'data-dir'?: string;
    demo?: boolean;
    elasticsearch?: boolean;
    process?: string;
    'page-size'?: string;
    json?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
    }));
  } catch (err) {
    return { ok: false, help: false, problems: [(err as Error).message] };
  }
  if (values.help === true) return { ok: false, help: true, problems: [] };
  const problems: string[] = [];
  if (values.elasticsearch === true && values['data-dir'] !== undefined) {
    problems.push('--data-dir and --elasticsearch: choose one store');
  }
  if (values.elasticsearch === true && values.demo === true) {
    problems.push('--demo: only with the embedded store');
  }
  if (values['data-dir'] !== undefined && values['data-dir'].trim() === '') {
    problems.push('--data-dir: empty');
  }
  if (values.process !== undefined && values.process.trim() === '') {
    problems.push('--process: empty');
  }
  let pageSize = DEFAULT_REPAIR_PAGE_SIZE;
  const rawPage = values['page-size'];
  if (rawPage !== undefined) {
    pageSize = Number(rawPage);
    if (!/^\d+$/.test(rawPage) || pageSize < 1 || pageSize > 10_000) {
      problems.push(`--page-size: expected 1..10000, got "${rawPage}"`);
    }
  }
  const r = new EnvReader(env);
  const logLevel = readLogLevel(r);
  let store: RepairStore | undefined;
  if (values.elasticsearch === true) {
    const elasticsearch = readElasticsearchConfig(r);
    store = { kind: 'elasticsearch', elasticsearch, definitionsDir: readDefinitionsDir(r) };
  } else {
    // The data directory as `flowtrail up` finds it; the definitions as given (opt-in).
    const dataDir = resolve(
      cwd,
      values['data-dir'] ?? r.string('FLOWTRAIL_DATA_DIR', DEFAULT_DATA_DIR),
    );
    const fromEnv = readDefinitionsDir(r);
    const definitionsDir =
      fromEnv !== undefined
        ? resolve(cwd, fromEnv)
        : values.demo === true
          ? DEMO_DEFINITIONS_DIR
          : undefined;
    store = { kind: 'sqlite', dataDir, definitionsDir };
  }
  problems.push(...r.problems);
  if (problems.length > 0 || store === undefined) return { ok: false, help: false, problems };
  return {
    ok: true,
    command: {
      store,
      dryRun: values['dry-run'] === true,
      ...(values.process !== undefined ? { process: values.process } : {}),
      pageSize,
      json: values.json === true,
      logLevel,
    },
  };
}
