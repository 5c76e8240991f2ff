// `flowtrail demo` — realistic traffic from three simulated systems (shop, payments,
// logistics) through the SDK, with injected faults. See collector/src/tools/demo/scenario.ts.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, DEFAULT_COLLECTOR_URL, DEFAULT_TOPIC } from '@flowtrail/sdk';
import { DemoRunner } from '../demo/runner.ts';
import { runContinuous, runInstances } from '../demo/run-modes.ts';
import { commandSourceOf, startDemoCommands } from '../demo/demo-commands.ts';
import { seededRandom } from '../demo/random.ts';
import { RepairDesk } from '../demo/repair-desk.ts';
import { deliveredAll, formatSummary, type DemoSummary } from '../demo/summary.ts';
import { demoTransports, type DemoTransportOptions } from '../demo/transports.ts';

const USAGE = `usage: flowtrail demo [options]

Sends the traffic of three systems — shop (order-fulfilment), payments (payment) and
logistics (shipment) — with lost, late and duplicated messages, stuck waits, failed steps
and failed/cancelled processes injected at a low rate. Live (without --instances), the
three systems take the collector's resend commands (HTTP: GET /api/commands; Kafka:
flowtrail.commands) and resend the lost messages, so those alerts resolve by themselves.

  --transport http|kafka  where to send (default http)
  --url URL               collector base URL (default $FLOWTRAIL_URL or ${DEFAULT_COLLECTOR_URL})
  --api-key KEY           bearer key for the collector (default $FLOWTRAIL_API_KEY)
  --brokers LIST          Kafka brokers (default $KAFKA_BROKERS or 127.0.0.1:9092)
  --topic NAME            Kafka topic (default $FLOWTRAIL_TOPIC or ${DEFAULT_TOPIC})
  --instances N           send N orders as history (spread over the past hours, ending
                          now), then stop and print a summary
  --history-hours H       with --instances: the window the orders end in (default 2)
  --rate R                without --instances: new orders per second, live, until
                          Ctrl-C / SIGTERM (default 2)
  --seed S                reproducible scenario (default random; printed)
  --fault-rate F          probability of each fault kind per order, 0..1 (default 0.03)`;

export interface DemoArgs {
  transport: DemoTransportOptions;
  instances: number | undefined;
  historyHours: number;
  rate: number;
  seed: string;
  faultRate: number;
}

/** Parses the arguments (env supplies defaults); returns the problems instead of throwing. */
export function parseDemoArgs(
  args: readonly string[],
  env: Record<string, string | undefined>,
): { ok: true; args: DemoArgs } | { ok: false; help: boolean; problems: string[] } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        transport: { type: 'string' },
        url: { type: 'string' },
        'api-key': { type: 'string' },
        brokers: { type: 'string' },
        topic: { type: 'string' },
        instances: { type: 'string' },
        'history-hours': { type: 'string' },
        rate: { type: 'string' },
        seed: { type: 'string' },
        'fault-rate': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { ok: false, help: false, problems: [(err as Error).message] };
  }
  if (values.help === true) return { ok: false, help: true, problems: [] };
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const problems: string[] = [];
  const number = (name: string, fallback: number, valid: (n: number) => boolean): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !valid(n)) {
      problems.push(`--${name}: invalid value "${raw}"`);
    }
    return n;
  };
  const kind = str('transport') ?? 'http';
  if (kind !== 'http' && kind !== 'kafka')
    problems.push(`--transport: http or kafka, got "${kind}"`);
  const instancesRaw = str('instances');
  const instances =
    instancesRaw === undefined
      ? undefined
      : number('instances', 0, (n) => Number.isInteger(n) && n > 0);
  const parsed: DemoArgs = {
    transport:
      kind === 'kafka'
        ? {
            kind: 'kafka',
            brokers: (str('brokers') ?? env.KAFKA_BROKERS ?? '127.0.0.1:9092')
              .split(',')
              .map((b) => b.trim())
              .filter((b) => b !== ''),
            topic: str('topic') ?? (env.FLOWTRAIL_TOPIC?.trim() || DEFAULT_TOPIC),
          }
        : {
            kind: 'http',
            url: str('url') ?? (env.FLOWTRAIL_URL?.trim() || DEFAULT_COLLECTOR_URL),
            ...((str('api-key') ?? env.FLOWTRAIL_API_KEY)
              ? { apiKey: (str('api-key') ?? env.FLOWTRAIL_API_KEY) as string }
              : {}),
          },
    instances,
    historyHours: number('history-hours', 2, (n) => n > 0),
    rate: number('rate', 2, (n) => n > 0 && n <= 1000),
    seed: str('seed') ?? randomBytes(4).toString('hex'),
    faultRate: number('fault-rate', 0.03, (n) => n >= 0 && n <= 1),
  };
  if (parsed.transport.kind === 'kafka' && parsed.transport.brokers.length === 0) {
    problems.push('--brokers: no broker given');
  }
  if (kind !== 'kafka' && str('topic') !== undefined)
    problems.push('--topic: only with --transport kafka');
  return problems.length > 0 ? { ok: false, help: false, problems } : { ok: true, args: parsed };
}

export async function demoCommand(args: readonly string[]): Promise<number> {
  const parsed = parseDemoArgs(args, process.env);
  if (!parsed.ok) {
    if (parsed.help) {
      console.log(USAGE);
      return 0;
    }
    console.error(`${parsed.problems.join('\n')}\n\n${USAGE}`);
    return 2;
  }
  const { args: opts } = parsed;
  let rejected = 0;
  const transportOptions: DemoTransportOptions =
    opts.transport.kind === 'http'
      ? { ...opts.transport, onRejected: (r) => (rejected += r.length) }
      : opts.transport;
  let transports: ReturnType<typeof demoTransports>;
  try {
    transports = demoTransports(transportOptions);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  const { target, transportFor } = transports;
  // Live orders: the systems take resend commands and repair what was lost (history
  // orders end with the command, so nothing would be there to take them).
  const live = opts.instances === undefined;
  const random = seededRandom(opts.seed, 'repairs');
  const desk = live ? new RepairDesk({ random: () => random.next() }) : undefined;
  const stopping = new AbortController();
  const runner = new DemoRunner({
    seed: opts.seed,
    runId: randomBytes(3).toString('hex'),
    target,
    transportFor,
    faultRate: opts.faultRate,
    ...(desk === undefined ? {} : { desk, signal: stopping.signal }),
  });
  const commands =
    desk === undefined
      ? undefined
      : startDemoCommands(desk, commandSourceOf(opts.transport), (err) =>
          console.warn(`[demo] command handling: ${err.message}`),
        );

  // The SDK's delivery timers (batching, retry backoff) are unref'd so that they never
  // keep a service alive; this command itself must stay alive until shutdown() is done.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    return await run(opts, runner, target, () => rejected, stopping);
  } finally {
    await commands?.stop();
    clearInterval(keepAlive);
  }
}

async function run(
  opts: DemoArgs,
  runner: DemoRunner,
  target: string,
  rejected: () => number,
  stop: AbortController,
): Promise<number> {
  let summary: DemoSummary;
  if (opts.instances !== undefined) {
    summary = await runInstances(runner, opts.instances, new Date(), opts.historyHours * 3600_000);
  } else {
    console.log(
      `flowtrail demo: ${opts.rate} orders/s → ${target} (seed ${opts.seed}); Ctrl-C to stop`,
    );
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      summary = await runContinuous(runner, opts.rate, stop.signal, (s) => {
        const sent = Object.values(runner.clients).reduce((n, c) => n + c.stats().sent, 0);
        console.log(`  … ${s.orders} orders started, ${sent} events sent`);
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  summary.rejected = rejected();
  console.log(formatSummary(summary));
  if (deliveredAll(summary) && summary.rejected > 0) {
    console.error(
      `\n${summary.rejected} events were rejected by the collector (see its dead letters)`,
    );
    return 1;
  }
  if (!deliveredAll(summary)) {
    console.error(
      opts.transport.kind === 'http'
        ? `\nnot every event was delivered — is the collector running at ${target}? (npx flowtrail collector)`
        : `\nnot every event was delivered — is Kafka running? (npx flowtrail infra up)`,
    );
    return 1;
  }
  return 0;
}
