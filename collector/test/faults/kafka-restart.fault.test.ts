/**
 * Fault test (issue 10, item 8): the private Kafka broker is restarted (SIGTERM, down for
 * 10 s, started again on its data) while the producer (the SDK's KafkaTransport) is still
 * sending and the collector (a child process) is consuming. Both ride through it: the
 * producer sends again what was not acknowledged, the collector reconnects and rejoins its
 * group on its own — it is neither restarted nor allowed to exit. Afterwards: every
 * accepted event exactly once, no dead letters, no lag, states and alerts equal to a clean
 * run (fault-harness.ts). The counts are printed.
 */
import { describe, expect, it } from 'vitest';
import { startServer, stopServer } from '../helpers/server-faults.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { seconds, sleep, workload } from './fault-harness.ts';
import { expectRunning, faultTest, stopGracefully, timed } from './fault-run.ts';

const DOWN_MS = 10_000;
/** ≈ 40,000 messages, sent over ≈ 25 s so that the restart falls into the sending. */
const work = workload({
  seed: 'kafka-restart',
  healthyOrders: 40,
  faultCopies: 2,
  loadInstances: 1800,
});

const fault = faultTest('f-kafka', work, { restoreServers: true });

describe('fault: the Kafka broker restarted mid-ingest (private servers)', () => {
  it('producer and collector ride through; states and alerts equal a clean run', async () => {
    const p = fault.producer;
    const started = Date.now();
    const child = await fault.startCollector();
    const producing = p.sendAll(work.messages, { pauseMs: 300 });
    // The clean run needs no server: it runs beside the ingest.
    const clean = fault.startCleanRun();

    await waitFor(
      async () => p.counts.accepted >= 0.3 * work.messages.length && (await fault.stored()) > 0,
      { timeoutMs: 120_000, intervalMs: 200, description: '30 % produced, some stored' },
    );
    const acceptedBefore = p.counts.accepted;
    const storedBefore = await fault.stored();
    const stop = await timed(() => stopServer('kafka'));
    await sleep(DOWN_MS);
    expectRunning(child);
    const start = await timed(() => startServer('kafka'));
    const failedSendsInOutage = p.counts.failedSends;
    const storedAtUp = await fault.stored();
    await fault.waitForResumed(storedAtUp, 'ingest resumed after the restart');
    const resumedAt = Date.now();
    await producing;
    const producedAt = Date.now();
    await fault.waitUntilCaughtUp(240_000);
    const caughtUpAt = Date.now();

    // The same collector process all along, and it still stops gracefully.
    expectRunning(child);
    const crashes = child.output.filter((line) => line.includes('kafka consumer crashed')).length;
    await stopGracefully(child);

    const v = await fault.verdict(clean);
    fault.report('fault: Kafka broker restarted', v, started, {
      'accepted / stored before the stop': `${acceptedBefore} / ${storedBefore}`,
      'stop (SIGTERM → gone)': seconds(stop.done - stop.at),
      'broker down (gone → start)': seconds(start.at - stop.done),
      'start → healthy': seconds(start.done - start.at),
      'failed sends (retried by the producer)': failedSendsInOutage,
      'healthy → ingest resumed': seconds(resumedAt - start.done),
      'healthy → all accepted': seconds(producedAt - start.done),
      'healthy → caught up (lag 0)': seconds(caughtUpAt - start.done),
      'consumer crashes logged (restarted by kafkajs)': crashes,
    });

    expect(acceptedBefore).toBeLessThan(work.messages.length);
    fault.expectFaultFree(v);
  });
});
