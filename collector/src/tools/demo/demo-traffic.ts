/**
 * Demo traffic for `flowtrail up --demo`: the `flowtrail demo` runner sending to the
 * embedded HTTP API. On an empty store it first sends a short history (orders that ran
 * over the last two hours, so the UI has finished, failed and stuck instances at once),
 * then starts live orders at `rate` per second until `stop()`, which flushes the SDK
 * clients before it resolves.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../shared/logger.ts';
import { DemoRunner, runContinuous, runInstances } from './runner.ts';
import { demoTransports } from './transports.ts';

export interface DemoTrafficOptions {
  apiUrl: string;
  apiKey?: string;
  /** Live orders per second. */
  rate: number;
  /** Orders sent as history first (0: none). */
  historyOrders: number;
  faultRate?: number;
  logger: Logger;
}

export interface RunningDemo {
  /** Stops starting orders, flushes what was emitted, closes the SDK clients. */
  stop(): Promise<void>;
}

export function startDemoTraffic(options: DemoTrafficOptions): RunningDemo {
  const seed = randomBytes(4).toString('hex');
  const { transportFor, target } = demoTransports({
    kind: 'http',
    url: options.apiUrl,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  });
  const runner = (): DemoRunner =>
    new DemoRunner({
      seed,
      runId: randomBytes(3).toString('hex'),
      target,
      transportFor,
      faultRate: options.faultRate ?? 0.03,
    });
  const abort = new AbortController();
  const run = (async () => {
    if (options.historyOrders > 0) {
      await runInstances(runner(), options.historyOrders, new Date(), 2 * 3600_000);
    }
    const summary = await runContinuous(runner(), options.rate, abort.signal);
    options.logger.info({ orders: summary.orders, errors: summary.errors }, 'demo traffic stopped');
  })().catch((err: unknown) => options.logger.error({ err }, 'demo traffic failed'));
  options.logger.info({ seed, target, rate: options.rate }, 'demo traffic started');
  return {
    stop: async () => {
      abort.abort();
      await run;
    },
  };
}
