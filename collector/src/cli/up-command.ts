// `flowtrail up` — Flowtrail on a laptop with nothing installed: embedded mode (SQLite
// store + dead-letter table + HTTP API), the interim web UI and, with --demo, demo traffic.
// SIGINT/SIGTERM stops it gracefully (demo flush, HTTP close, store close) with exit 0.
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { startDemoTraffic, type RunningDemo } from '../embedded/demo-traffic.ts';
import { parseEmbeddedConfig, type EmbeddedOverrides } from '../embedded/embedded-config.ts';
import { firstEventCurl } from '../embedded/first-event.ts';
import { startEmbedded, type RunningEmbedded } from '../embedded/start-embedded.ts';
import { createNotifiers, type Notifiers } from '../notify/create-notifiers.ts';
import { startUiServer, type RunningUiServer } from '../embedded/ui/ui-server.ts';

const USAGE = `usage: flowtrail up [options]

Runs Flowtrail without Kafka or Elasticsearch: events and dead letters in SQLite, the
HTTP API (CloudEvents ingest + queries) and an interim web UI. Ctrl-C stops it.

  --demo              also send demo traffic (shop, payments, logistics) to the API
  --rate R            with --demo: new live orders per second (default 1)
  --data-dir DIR      SQLite data directory (default $FLOWTRAIL_DATA_DIR or .flowtrail/data)
  --port P            HTTP API port (default $FLOWTRAIL_HTTP_PORT or 4100; 0 = any free)
  --ui-port P         web UI port (default $FLOWTRAIL_DASHBOARD_PORT or 3000; 0 = any free)

Environment: FLOWTRAIL_HTTP_HOST, FLOWTRAIL_API_KEY, FLOWTRAIL_MAX_EVENT_BYTES,
FLOWTRAIL_MAX_BODY_BYTES, LOG_LEVEL (default warn). See docs/http-api.md.`;

export interface UpArgs {
  demo: boolean;
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
        'ui-port': { type: 'string' },
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
  const uiPort = port('ui-port', values['ui-port'] as string | undefined, problems);
  if (problems.length > 0) return { ok: false, help: false, problems };
  const overrides: EmbeddedOverrides = {};
  if (dataDir !== undefined) overrides.dataDir = dataDir;
  if (apiPort !== undefined) overrides.port = apiPort;
  if (uiPort !== undefined) overrides.dashboardPort = uiPort;
  return { ok: true, args: { demo: values.demo === true, rate, overrides } };
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
  const signal = firstSignal(() => {
    logger.warn('second signal; exiting without waiting');
    process.exit(1);
  });

  let embedded: RunningEmbedded | undefined;
  let notifiers: Notifiers | undefined;
  let ui: RunningUiServer | undefined;
  let demo: RunningDemo | undefined;
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
    ui = await startUiServer({
      port: config.dashboardPort,
      reader: embedded.store,
      apiUrl: embedded.api.url,
      apiKeyRequired: config.http.apiKey !== undefined,
      logger: logger.child({ component: 'ui' }),
    });
    const empty = (await embedded.store.search({ size: 1 })).total === 0;
    console.log(
      `flowtrail up: embedded mode, data in ${config.dataDir}\n` +
        `  API  ${embedded.api.url}  (POST /api/events, GET /api/instances${config.http.apiKey === undefined ? '' : '; API key required'})\n` +
        `  UI   ${ui.url}`,
    );
    if (parsed.args.demo) {
      demo = startDemoTraffic({
        apiUrl: embedded.api.url,
        ...(config.http.apiKey === undefined ? {} : { apiKey: config.http.apiKey }),
        rate: parsed.args.rate,
        historyOrders: empty ? 20 : 0,
        logger: logger.child({ component: 'demo' }),
      });
      console.log(`  demo traffic: ${parsed.args.rate} order(s)/s from shop, payments, logistics`);
    } else if (empty) {
      console.log(
        `\nNo events yet. Send a first one:\n\n${firstEventCurl(embedded.api.url, config.http.apiKey !== undefined)}\n\n` +
          'or instrument a service with @flowtrail/sdk (HttpTransport), or run `npx flowtrail up --demo`.',
      );
    }
    console.log('\nCtrl-C to stop.');
    const received = await signal;
    console.log(`\n${received}: stopping…`);
  } catch (err) {
    logger.error({ err }, 'flowtrail up failed');
    console.error(`flowtrail up failed: ${(err as Error).message}`);
    await shutdown(demo, ui, embedded);
    await notifiers?.close();
    return 1;
  }
  await shutdown(demo, ui, embedded);
  await notifiers?.close();
  console.log('stopped.');
  return 0;
}

async function shutdown(
  demo: RunningDemo | undefined,
  ui: RunningUiServer | undefined,
  embedded: RunningEmbedded | undefined,
): Promise<void> {
  await demo?.stop();
  await ui?.close();
  await embedded?.stop();
}
