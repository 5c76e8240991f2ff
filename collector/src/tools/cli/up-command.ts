// `flowtrail up` — Flowtrail on a laptop with nothing installed: embedded mode (SQLite
// store + dead-letter table + HTTP API), the Next.js dashboard (built on first run, then
// `next start` as a child process) and, with --demo, demo traffic. SIGINT/SIGTERM stops
// it gracefully (demo flush, dashboard, HTTP close, store close) with exit 0; a dashboard
// that cannot be built or started, or that exits, stops it with exit 1 and its output.
import { parseArgs } from 'node:util';
import { ConfigError, DashboardError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { startDemoTraffic, type RunningDemo } from '../demo/demo-traffic.ts';
import {
  parseEmbeddedConfig,
  type EmbeddedConfig,
  type EmbeddedOverrides,
} from '../../main/config/embedded-config.ts';
import { firstEventCurl } from './first-event.ts';
import { startEmbedded, type RunningEmbedded } from '../../main/start-embedded.ts';
import { createNotifiers, type Notifiers } from '../../main/create-notifiers.ts';
import { startDashboard, type RunningDashboard } from '../dashboard/dashboard-server.ts';
import { ensureDashboardBuild, locateDashboard } from '../dashboard/dashboard-build.ts';

const USAGE = `usage: flowtrail up [options]

Runs Flowtrail without Kafka or Elasticsearch: events and dead letters in SQLite, the
HTTP API (CloudEvents ingest + queries) and the dashboard. The first run builds the
dashboard (next build, 1-3 minutes); later runs reuse the build until its sources change.
Ctrl-C stops it.

  --demo              also send demo traffic (shop, payments, logistics) to the API
  --rate R            with --demo: new live orders per second (default 1)
  --data-dir DIR      SQLite data directory (default $FLOWTRAIL_DATA_DIR or .flowtrail/data)
  --port P            HTTP API port (default $FLOWTRAIL_HTTP_PORT or 4100; 0 = any free)
  --dashboard-port P  dashboard port (default $FLOWTRAIL_DASHBOARD_PORT or 3000; 0 = any free)
  --no-dashboard      API only (no dashboard build, no next start)

Environment: FLOWTRAIL_HTTP_HOST, FLOWTRAIL_DASHBOARD_HOST (default 127.0.0.1), FLOWTRAIL_API_KEY, FLOWTRAIL_MAX_EVENT_BYTES,
FLOWTRAIL_MAX_BODY_BYTES, LOG_LEVEL (default warn). See docs/http-api.md.`;

export interface UpArgs {
  demo: boolean;
  dashboard: boolean;
  rate: number;
  overrides: EmbeddedOverrides;
}

type ParsedUp = { ok: true; args: UpArgs } | { ok: false; help: boolean; problems: string[] };

function port(name: string, raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65_535) problems.push(`--${name}: expected 0..65535, got "${raw}"`);
  return n;
}

export function parseUpArgs(args: readonly string[]): ParsedUp {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        demo: { type: 'boolean' },
        rate: { type: 'string' },
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        'dashboard-port': { type: 'string' },
        'no-dashboard': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { ok: false, help: false, problems: [(err as Error).message] };
  }
  if (values.help === true) return { ok: false, help: true, problems: [] };
  const problems: string[] = [];
  const rateRaw = values.rate as string | undefined;
  const rate = rateRaw === undefined ? 1 : Number(rateRaw);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1000) {
    problems.push(`--rate: expected a number in (0, 1000], got "${rateRaw}"`);
  }
  if (rateRaw !== undefined && values.demo !== true) problems.push('--rate: only with --demo');
  const dataDir = values['data-dir'] as string | undefined;
  if (dataDir !== undefined && dataDir.trim() === '') problems.push('--data-dir: empty');
  const apiPort = port('port', values.port as string | undefined, problems);
  const dashboardPort = port(
    'dashboard-port',
    values['dashboard-port'] as string | undefined,
    problems,
  );
  const dashboard = values['no-dashboard'] !== true;
  if (!dashboard && dashboardPort !== undefined) {
    problems.push('--dashboard-port: not with --no-dashboard');
  }
  if (problems.length > 0) return { ok: false, help: false, problems };
  const overrides: EmbeddedOverrides = {};
  if (values.demo === true) overrides.demo = true;
  if (dataDir !== undefined) overrides.dataDir = dataDir;
  if (apiPort !== undefined) overrides.port = apiPort;
  if (dashboardPort !== undefined) overrides.dashboardPort = dashboardPort;
  return { ok: true, args: { demo: values.demo === true, dashboard, rate, overrides } };
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once with code 1. */
function firstSignal(onSecond: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (seen) onSecond();
      seen = true;
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

export async function upCommand(args: readonly string[]): Promise<number> {
  const parsed = parseUpArgs(args);
  if (!parsed.ok) {
    if (parsed.help) console.log(USAGE);
    else console.error(`${parsed.problems.join('\n')}\n\n${USAGE}`);
    return parsed.help ? 0 : 2;
  }
  let config: ReturnType<typeof parseEmbeddedConfig>;
  try {
    config = parseEmbeddedConfig(process.env, process.cwd(), parsed.args.overrides);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  const stopping = new AbortController();
  const signal = firstSignal(() => {
    logger.warn('second signal; exiting without waiting');
    process.exit(1);
  });
  void signal.then(() => stopping.abort());

  let embedded: RunningEmbedded | undefined;
  let notifiers: Notifiers | undefined;
  let dashboard: RunningDashboard | undefined;
  let demo: RunningDemo | undefined;
  const stopAll = async (): Promise<void> => {
    await demo?.stop();
    await dashboard?.close();
    await embedded?.stop();
    await notifiers?.close();
  };
  try {
    notifiers = createNotifiers(config.notify, { logger });
    embedded = await startEmbedded({
      dataDir: config.dataDir,
      http: config.http,
      logger,
      maxEventBytes: config.maxEventBytes,
      detection: config.detection,
      ...(notifiers.channels.length > 0 ? { notifier: notifiers.notifier } : {}),
    });
    const needsKey = config.http.apiKey !== undefined;
    console.log(
      `flowtrail up: embedded mode, data in ${config.dataDir}\n` +
        `  API        ${embedded.api.url}  (POST /api/events, GET /api/instances${needsKey ? '; API key required' : ''})`,
    );
    if (parsed.args.dashboard) {
      dashboard = await runDashboard(config, embedded.api.url, stopping.signal);
      console.log(`  Dashboard  ${dashboard.url}`);
    }
    const empty = (await embedded.store.search({ size: 1 })).total === 0;
    if (parsed.args.demo) {
      demo = startDemoTraffic({
        apiUrl: embedded.api.url,
        ...(needsKey ? { apiKey: config.http.apiKey } : {}),
        rate: parsed.args.rate,
        historyOrders: empty ? 20 : 0,
        logger: logger.child({ component: 'demo' }),
      });
      console.log(`  demo traffic: ${parsed.args.rate} order(s)/s from shop, payments, logistics`);
    } else if (empty) {
      console.log(
        `\nNo events yet. Send a first one:\n\n${firstEventCurl(embedded.api.url, needsKey)}\n\n` +
          'or instrument a service with @flowtrail/sdk (HttpTransport), or run `npx flowtrail up --demo`.',
      );
    }
    console.log('\nCtrl-C to stop.');
    const ended = await Promise.race([
      signal.then((received) => ({ received }) as const),
      ...(dashboard === undefined ? [] : [dashboard.exited.then((code) => ({ code }) as const)]),
    ]);
    if ('code' in ended) {
      console.error(`the dashboard (next start) exited (${ended.code}):\n${dashboard?.tail()}`);
      await stopAll();
      return 1;
    }
    console.log(`\n${ended.received}: stopping…`);
  } catch (err) {
    await stopAll();
    if (stopping.signal.aborted) {
      console.log('stopped.');
      return 0;
    }
    logger.error({ err }, 'flowtrail up failed');
    console.error(`flowtrail up failed: ${(err as Error).message}`);
    return 1;
  }
  await stopAll();
  console.log('stopped.');
  return 0;
}

/** Builds the dashboard when its sources changed, then starts `next start` on the API. */
async function runDashboard(
  config: EmbeddedConfig,
  apiUrl: string,
  signal: AbortSignal,
): Promise<RunningDashboard> {
  const dashboardDir = locateDashboard();
  if (dashboardDir === undefined) {
    throw new DashboardError(
      'the dashboard package (@flowtrail/dashboard) is not installed; run with --no-dashboard for the API alone',
    );
  }
  const began = Date.now();
  const built = await ensureDashboardBuild(dashboardDir, {
    signal,
    onBuild: () =>
      console.log('  Dashboard  building (next build; first run or changed sources, 1-3 min)…'),
  });
  if (built) console.log(`  Dashboard  built in ${Math.round((Date.now() - began) / 1000)} s`);
  signal.throwIfAborted();
  return startDashboard({
    dashboardDir,
    host: config.dashboardHost,
    port: config.dashboardPort,
    apiUrl,
    ...(config.http.apiKey === undefined ? {} : { apiKey: config.http.apiKey }),
  });
}
