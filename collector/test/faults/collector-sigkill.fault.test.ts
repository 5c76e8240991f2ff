/**
 * Fault test (issue 10, item 8): the collector (`flowtrail collector`, a child process)
 * is SIGKILLed three times while about 200,000 messages are produced and ingested, and
 * started again each time, on the private pair of servers (helpers/server-faults.ts).
 * Afterwards: every accepted event exactly once in Elasticsearch, no dead letters, no
 * lag, every state equal to the fold of its events and to a clean run's, the alerts equal
 * to the clean run's (fault-harness.ts). Bounded in time; the counts are printed.
 */
import { describe, expect, it } from 'vitest';
import { seconds, workload } from './fault-harness.ts';
import { faultTest, stopGracefully } from './fault-run.ts';

/** ≈ 200,000 messages: the detection scenario spread through 9,600 load instances. */
const work = workload({
  seed: 'collector-sigkill',
  healthyOrders: 60,
  faultCopies: 4,
  loadInstances: 9600,
});
/** Kill when this share of the distinct events is stored: early, middle, late. */
const KILL_AT = [0.12, 0.45, 0.8];

const fault = faultTest('f-kill', work);

describe('fault: the collector SIGKILLed three times during 200,000 events (private servers)', () => {
  it('stores every accepted event exactly once; states and alerts equal a clean run', async () => {
    const p = fault.producer;
    const total = work.identities.size;
    const started = Date.now();
    let collector = await fault.startCollector();
    const producing = p.sendAll(work.messages);
    // The clean run needs no server: it runs beside the ingest.
    const clean = fault.startCleanRun();
    const kills: { storedAtKill: number; recoveredMs: number; producingDone: boolean }[] = [];
    let produced = false;
    void producing.then(() => (produced = true));

    for (const share of KILL_AT) {
      const goal = `${Math.round(share * 100)} % of the events stored`;
      await fault.waitForStored(share * total, 240_000, goal);
      collector.process.kill('SIGKILL');
      expect((await collector.exited).signal).toBe('SIGKILL');
      const killedAt = Date.now();
      const storedAtKill = await fault.stored();
      const producingDone = produced;
      collector = await fault.startCollector();
      // Recovered: the new collector (after the dead member's session expired) stores again.
      await fault.waitForResumed(storedAtKill, 'ingest resumed after the kill');
      kills.push({ storedAtKill, recoveredMs: Date.now() - killedAt, producingDone });
    }
    await producing;
    await fault.waitUntilCaughtUp(300_000);
    const ingestMs = Date.now() - started;

    // A graceful stop still works after all that: exit 0, nothing left uncommitted.
    await stopGracefully(collector);

    const v = await fault.verdict(clean);
    fault.report('fault: collector SIGKILLed ×3', v, started, {
      'failed sends (retried)': p.counts.failedSends,
      kills: kills.length,
      'stored at each kill': kills.map((k) => k.storedAtKill),
      'kill during produce': kills.map((k) => !k.producingDone),
      'kill → ingest resumed': kills.map((k) => seconds(k.recoveredMs)).join(', '),
      'produce → caught up (lag 0)': seconds(ingestMs),
    });

    expect(kills).toHaveLength(3);
    fault.expectFaultFree(v);
  });
});
