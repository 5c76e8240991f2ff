// `flowtrail repair [--dry-run]` — re-folds every instance of the store (the embedded
// SQLite store, or Elasticsearch with --elasticsearch) from its stored events and writes
// the stale states again (app/ingest/full-state-repair.ts). Arguments: repair-args.ts;
// this file is IO: it opens the stores, loads the definitions for the ingest's fold,
// runs the repair and prints the totals. Nothing is retried: an unreachable store exits 1.
import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { readDefinitionFiles } from '../../adapters/files/read-definition-dir.ts';
import { ElasticsearchDefinitionStore } from '../../adapters/elasticsearch/es-definition-store.ts';
import { ElasticsearchEventStore } from '../../adapters/elasticsearch/es-event-store.ts';
import { databasePath } from '../../adapters/sqlite/sqlite-database.ts';
import { SqliteDefinitionStore } from '../../adapters/sqlite/sqlite-definition-store.ts';
import { SqliteEventStore } from '../../adapters/sqlite/sqlite-event-store.ts';
import { DetectionModel } from '../../app/detection/detection-model.ts';
import {
  repairAllStates,
  type FullRepairReport,
  type FullRepairStore,
} from '../../app/ingest/full-state-repair.ts';
import type { DefinitionStore } from '../../ports/definition-store.ts';
import type { StorageLifecycle } from '../../ports/event-store.ts';
import { createLogger, type Logger } from '../../shared/logger.ts';
import type { Env } from '../../main/config/config.ts';
import { parseRepairArgs, REPAIR_USAGE, type RepairCommand } from './repair-args.ts';

export interface RepairIo {
  env: Env;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where the JSON log lines go (default stderr). */
  logger?: Logger;
  /** Aborts after the page in progress (the command wires SIGINT to it). */
  signal?: AbortSignal;
}

export async function repairCommand(args: readonly string[]): Promise<number> {
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    console.error('stopping after the page in progress (again: at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  try {
    return await runRepair(args, {
      env: process.env,
      cwd: process.cwd(),
      out: (text) => console.log(text),
      err: (text) => console.error(text),
      signal: abort.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
  }
}

interface OpenedStores {
  events: FullRepairStore & StorageLifecycle;
  definitions: DefinitionStore & StorageLifecycle;
  where: string;
}

function openStores(command: RepairCommand, logger: Logger): OpenedStores {
  const { store } = command;
  if (store.kind === 'sqlite') {
    return {
      events: new SqliteEventStore({ dataDir: store.dataDir }),
      definitions: new SqliteDefinitionStore({ dataDir: store.dataDir }),
      where: databasePath(store.dataDir),
    };
  }
  return {
    events: ElasticsearchEventStore.fromConfig(
      store.elasticsearch,
      logger.child({ component: 'elasticsearch' }),
    ),
    definitions: ElasticsearchDefinitionStore.fromConfig(
      store.elasticsearch,
      logger.child({ component: 'elasticsearch-definitions' }),
    ),
    where: `${store.elasticsearch.url} (prefix ${store.elasticsearch.indexPrefix})`,
  };
}

export function formatRepairReport(report: FullRepairReport, where: string): string {
  const what = report.dryRun ? 'dry run, nothing written' : `${report.repaired} repaired`;
  const lines = [
    `${where}: checked ${report.checked} instances (${report.events} events, ` +
      `${report.pages} pages) in ${(report.durationMs / 1000).toFixed(1)} s`,
    `stale ${report.stale} (missing ${report.missing}, behind ${report.behind}, ` +
      `ahead ${report.ahead}): ${what}`,
  ];
  if (report.rejected > 0) lines.push(`${report.rejected} repaired state(s) refused by the store`);
  if (report.foldFailures > 0) lines.push(`${report.foldFailures} instance(s) failed to fold`);
  if (report.ahead > 0) {
    lines.push('states ahead of their events are left as they are (see the log for their keys)');
  }
  if (report.aborted) lines.push('stopped early: the remaining instances were not checked');
  return lines.join('\n');
}

/** Every state matches its events now. */
function clean(report: FullRepairReport): boolean {
  return (
    !report.aborted &&
    report.rejected === 0 &&
    report.foldFailures === 0 &&
    report.ahead === 0 &&
    (report.dryRun ? report.stale === 0 : report.repaired === report.missing + report.behind)
  );
}

export async function runRepair(args: readonly string[], io: RepairIo): Promise<number> {
  const parsed = parseRepairArgs(args, io.env, io.cwd);
  if (!parsed.ok) {
    if (parsed.help) io.out(REPAIR_USAGE);
    else io.err(`${parsed.problems.join('\n')}\n\n${REPAIR_USAGE}`);
    return parsed.help ? 0 : 2;
  }
  const { command } = parsed;
  if (command.store.kind === 'sqlite' && !existsSync(databasePath(command.store.dataDir))) {
    io.err(
      `no embedded Flowtrail database at ${databasePath(command.store.dataDir)}\n` +
        '(`flowtrail up` creates it; check --data-dir / FLOWTRAIL_DATA_DIR)',
    );
    return 1;
  }
  const logger =
    io.logger ?? createLogger(command.logLevel, pino.destination({ dest: 2, sync: true }));
  const stores = openStores(command, logger);
  try {
    // Creates only what is missing (tables, templates, indices); fails fast when the store
    // is unreachable.
    await stores.events.prepare();
    await stores.definitions.prepare();
    const files = await readDefinitionFiles(command.store.definitionsDir);
    const model = await DetectionModel.load(files, {
      store: stores.definitions,
      logger: logger.child({ component: 'definitions' }),
    });
    const report = await repairAllStates({
      store: stores.events,
      fold: model.fold,
      logger: logger.child({ component: 'state-repair' }),
      dryRun: command.dryRun,
      pageSize: command.pageSize,
      ...(command.process !== undefined ? { filter: { process: command.process } } : {}),
      ...(io.signal !== undefined ? { signal: io.signal } : {}),
    });
    io.out(command.json ? JSON.stringify(report) : formatRepairReport(report, stores.where));
    return clean(report) ? 0 : 1;
  } catch (err) {
    io.err(`repair failed on ${stores.where}: ${(err as Error).message}`);
    return 1;
  } finally {
    for (const store of [stores.events, stores.definitions]) {
      await store.close().catch(() => undefined);
    }
  }
}
