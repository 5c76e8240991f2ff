/**
 * The two ways to run demo orders on a `DemoRunner` (runner.ts): `runInstances`, history
 * pace (every event carries its planned time, all sent at once), and `runContinuous`,
 * live pace (orders started at a rate, their actions waiting for their instants).
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { DemoRunner } from './runner.ts';
import { generatePlan } from './scenario.ts';
import type { DemoSummary } from './summary.ts';

/**
 * `--instances N`: N orders in history pace, all at once (events spread over the past
 * hours, ending at `now`), then flush and shutdown — or, given `keepOpenAs` (the run id
 * of these orders), only flush: the runner goes on (live orders, held repairs).
 */
export async function runInstances(
  runner: DemoRunner,
  instances: number,
  now: Date,
  historySpanMs?: number,
  keepOpenAs?: string,
): Promise<DemoSummary> {
  const scenario = runner.scenario('history', historySpanMs, keepOpenAs);
  for (let index = 0; index < instances; index += 1) {
    await runner.execute(generatePlan(index, now, scenario));
    if (runner.pending > 5_000) await runner.flush(); // back-pressure on the queues
  }
  if (keepOpenAs === undefined) return runner.shutdown();
  await runner.flush();
  return runner.summary;
}

/**
 * Continuous mode: starts `rate` orders per second in live pace until `signal` aborts,
 * then abandons the orders in progress, flushes and shuts down.
 */
export async function runContinuous(
  runner: DemoRunner,
  rate: number,
  signal: AbortSignal,
  onProgress?: (summary: DemoSummary) => void,
): Promise<DemoSummary> {
  const scenario = runner.scenario('live');
  // every order in progress waits on this signal: lift the listener limit (10) for it
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  if (signal.aborted) stop.abort();
  else signal.addEventListener('abort', () => stop.abort(), { once: true });
  const running = new Set<Promise<void>>();
  const started = Date.now();
  for (let index = 0; !stop.signal.aborted; index += 1) {
    const order = runner.execute(generatePlan(index, new Date(), scenario), true, stop.signal);
    running.add(order);
    order.finally(() => running.delete(order)).catch(() => undefined);
    if (onProgress !== undefined && index > 0 && index % Math.max(1, Math.round(rate * 10)) === 0) {
      onProgress(runner.summary);
    }
    // keep the rate over the whole run (no drift), starting order index+1 at its instant
    const next = started + ((index + 1) * 1000) / rate - Date.now();
    try {
      await delay(Math.max(0, next), undefined, { signal: stop.signal });
    } catch {
      break;
    }
  }
  await Promise.allSettled([...running]);
  return runner.shutdown();
}
