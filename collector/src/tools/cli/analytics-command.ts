// `flowtrail analytics rebuild [--data-dir DIR | --elasticsearch] [--from-scratch]
// [--page-size N] [--json]` — brings the store's pre-aggregated analytics (heat maps, bottlenecks,
// process graphs, learned deadlines; ports/analytics-store.ts) up to every stored event:
// needed once for a file (or an Elasticsearch store) written before analytics existed, or
// after events were stored without them; `--from-scratch` empties and rebuilds them. Safe while Flowtrail runs
// (one short transaction per page). Until it finished, those views scan events.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { databasePath } from '../../adapters/sqlite/sqlite-database.ts';
import { SqliteEventStore } from '../../adapters/sqlite/sqlite-event-store.ts';
import { ElasticsearchEventStore } from '../../adapters/elasticsearch/es-event-store.ts';
import { EnvReader, readElasticsearchConfig, type Env } from '../../main/config/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { DEFAULT_DATA_DIR } from '../../main/config/embedded-config.ts';

export const ANALYTICS_USAGE = `usage: flowtrail analytics rebuild [--data-dir DIR | --elasticsearch]
                                 [--from-scratch] [--page-size N] [--json]

Walks every instance of the store and adds to the pre-aggregated analytics what its
stored events add beyond what they already include; afterwards the heat maps,
bottlenecks, process graphs and learned deadlines read the analytics instead of scanning
events. Safe while Flowtrail runs.

  --data-dir DIR     the embedded store (default $FLOWTRAIL_DATA_DIR or ${DEFAULT_DATA_DIR})
  --elasticsearch    the Kafka-mode store instead: ELASTICSEARCH_URL and the other
                     ELASTICSEARCH_* variables of the collector
  --from-scratch     empty the analytics first and rebuild them from every event
  --page-size N      instances per transaction (default 500, 1..10000)
  --json             print the totals as one JSON object
  -h, --help         this text

Exit 0 when done, 1 when the store failed, 2 on bad arguments.`;

export interface AnalyticsIo {
  env: Env;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function analyticsCommand(args: readonly string[]): Promise<number> {
  return runAnalytics(args, {
    env: process.env,
    cwd: process.cwd(),
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  });
}

export async function runAnalytics(args: readonly string[], io: AnalyticsIo): Promise<number> {
  let values: {
    'data-dir'?: string;
    elasticsearch?: boolean;
    'from-scratch'?: boolean;
    'page-size'?: string;
    json?: boolean;
    help?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        elasticsearch: { type: 'boolean' },
        'from-scratch': { type: 'boolean' },
        'page-size': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${ANALYTICS_USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.out(ANALYTICS_USAGE);
    return 0;
  }
  const problems: string[] = [];
  if (positionals.length !== 1 || positionals[0] !== 'rebuild') {
    problems.push(
      `expected the subcommand "rebuild", got ${JSON.stringify(positionals.join(' '))}`,
    );
  }
  const rawPage = values['page-size'] ?? '500';
  const pageSize = Number(rawPage);
  if (!/^\d+$/.test(rawPage) || pageSize < 1 || pageSize > 10_000) {
    problems.push(`--page-size: expected 1..10000, got "${rawPage}"`);
  }
  const r = new EnvReader(io.env);
  const elasticsearch = values.elasticsearch === true;
  if (elasticsearch && values['data-dir'] !== undefined) {
    problems.push('--data-dir and --elasticsearch: choose one store');
  }
  const esConfig = elasticsearch ? readElasticsearchConfig(r) : undefined;
  const dataDir = resolve(
    io.cwd,
    values['data-dir'] ?? r.string('FLOWTRAIL_DATA_DIR', DEFAULT_DATA_DIR),
  );
  problems.push(...r.problems);
  if (problems.length === 0 && !elasticsearch && !existsSync(databasePath(dataDir))) {
    problems.push(`no embedded store at ${databasePath(dataDir)}`);
  }
  if (problems.length > 0) {
    io.err(`${problems.join('\n')}\n\n${ANALYTICS_USAGE}`);
    return 2;
  }
  const store =
    esConfig === undefined
      ? new SqliteEventStore({ dataDir })
      : ElasticsearchEventStore.fromConfig(esConfig, createLogger('warn'));
  const where =
    esConfig === undefined ? databasePath(dataDir) : `${esConfig.url} (${esConfig.indexPrefix}-*)`;
  try {
    await store.prepare();
    const report = await store.catchUpAnalytics({
      pageSize,
      fromScratch: values['from-scratch'] === true,
    });
    io.out(
      values.json === true
        ? JSON.stringify(report)
        : `analytics of ${where}: ${report.instances} instances walked, ${report.changed} brought up to date`,
    );
    return 0;
  } catch (err) {
    io.err(`analytics rebuild failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}
