/**
 * Demo traffic for `flowtrail up --demo`: the `flowtrail demo` runner sending to the
 * embedded HTTP API. On an empty store it first sends a short history (orders that ran
 * over the last two hours, so the UI has finished, failed and stuck instances at once),
 * then starts live orders at `rate` per second until `stop()`, which flushes the SDK
 * clients before it resolves. The three systems take the collector's resend commands
 * (`GET /api/commands`, demo-commands.ts) and resend what was lost (repair-desk.ts), the
 * history's lost messages too: the alerts they caused resolve by themselves.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../shared/logger.ts';
import { startDemoCommands } from './demo-commands.ts';
import { seededRandom } from './random.ts';
import { RepairDesk } from './repair-desk.ts';
import { DemoRunner } from './runner.ts';
import { runContinuous, runInstances } from './run-modes.ts';
import { demoTransports } from './transports.ts';

export interface DemoTrafficOptions {
  apiUrl: string;
  apiKey?: string;
  /** Live orders per second. */
  rate: number;
  /** Orders sent as history first (0: none). */
  historyOrders: number;
  faultRate?: number;
  /** Probability that one handling of a resend command fails (it comes again). Default 0.05. */
  repairFailureRate?: number;
  logger: Logger;
}

export interface RunningDemo {
  /** Stops starting orders, flushes what was emitted, closes the SDK clients. */
  stop(): Promise<void>;
}

export function startDemoTraffic(options: DemoTrafficOptions): RunningDemo {
  const seed = randomBytes(4).toString('hex');
  const http = {
    kind: 'http' as const,
    url: options.apiUrl,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  };
  const { transportFor, target } = demoTransports(http);
  const abort = new AbortController();
  const random = seededRandom(seed, 'repairs');
  const desk = new RepairDesk({
    random: () => random.next(),
    ...(options.repairFailureRate === undefined ? {} : { failureRate: options.repairFailureRate }),
  });
  // One runner for history and live orders: a held history order resumes on its clients.
  const runner = new DemoRunner({
    seed,
    runId: randomBytes(3).toString('hex'),
    target,
    transportFor,
    faultRate: options.faultRate ?? 0.03,
    desk,
    signal: abort.signal,
  });
  const commands = startDemoCommands(desk, http, (err) =>
    options.logger.warn({ err: err.message, code: err.code }, 'demo command handling'),
  );
  const run = (async () => {
    if (options.historyOrders > 0) {
      const history = randomBytes(3).toString('hex');
      await runInstances(runner, options.historyOrders, new Date(), 2 * 3600_000, history);
    }
    const summary = await runContinuous(runner, options.rate, abort.signal);
    options.logger.info(
      { orders: summary.orders, repaired: summary.repaired, errors: summary.errors },
      'demo traffic stopped',
    );
  })().catch((err: unknown) => options.logger.error({ err }, 'demo traffic failed'));
  options.logger.info({ seed, target, rate: options.rate }, 'demo traffic started');
  return {
    stop: async () => {
      abort.abort();
      await commands.stop();
      await run;
    },
  };
}
