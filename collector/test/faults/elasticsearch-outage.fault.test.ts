/**
 * Fault test (issue 10, item 8): the private Elasticsearch is STOPPED (its process, by
 * SIGTERM, as an operator would) for 60 s in the middle of an ingest, then started again
 * on its data. The collector (a child process) retries with backoff, commits no offset
 * meanwhile (nothing it has not stored), and catches up once Elasticsearch is back.
 * Afterwards: every accepted event exactly once, no dead letters, no lag, states and
 * alerts equal to a clean run (fault-harness.ts). The counts are printed.
 */
import { describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import type { ChildCollector } from '../helpers/child-collector.ts';
import { startServer, stopServer } from '../helpers/server-faults.ts';
import { consumerLag } from '../helpers/servers.ts';
import { seconds, sleep, workload } from './fault-harness.ts';
import { expectRunning, faultTest, stopGracefully, timed } from './fault-run.ts';

const OUTAGE_MS = 60_000;
/** ≈ 26,000 messages. */
const work = workload({
  seed: 'es-outage',
  healthyOrders: 40,
  faultCopies: 2,
  loadInstances: 1100,
});

const fault = faultTest('f-es', work, {
  env: { ELASTICSEARCH_REQUEST_TIMEOUT_MS: '5000', FLOWTRAIL_RETRY_MAX_MS: '5000' },
  restoreServers: true,
});

/** Committed offset per partition (`-1`: none yet). */
async function committed(admin: Admin, group: string, topic: string): Promise<string[]> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return (offsets?.partitions ?? [])
    .slice()
    .sort((a, b) => a.partition - b.partition)
    .map((p) => `${p.partition}:${p.offset}`);
}

const retryLines = (child: ChildCollector): number =>
  child.output.filter((line) => line.includes('retriable failure; backing off')).length;

describe('fault: Elasticsearch stopped for 60 s mid-ingest (private servers)', () => {
  it('retries, commits nothing it has not stored, catches up; states and alerts equal a clean run', async () => {
    const { suite: s, producer: p } = fault;
    const total = work.identities.size;
    const started = Date.now();
    const child = await fault.startCollector();
    const producing = p.sendAll(work.messages);

    await fault.waitForStored(0.3 * total, 180_000, '30 % of the events stored');
    const storedBefore = await fault.stored();
    const stop = await timed(() => stopServer('elasticsearch'));
    // A slice whose writes were acknowledged just before may still commit; after that,
    // nothing may (its writes cannot be acknowledged).
    await sleep(3000);
    const frozen = await committed(s.admin, s.name, s.topic);
    const retriesAtStop = retryLines(child);

    // The clean run needs no server: it runs while Elasticsearch is away.
    const clean = fault.startCleanRun();
    const commitChecks: string[][] = [];
    while (Date.now() - stop.done < OUTAGE_MS) {
      await sleep(Math.min(5000, OUTAGE_MS - (Date.now() - stop.done)));
      commitChecks.push(await committed(s.admin, s.name, s.topic));
      expectRunning(child);
    }
    await producing;
    const retriesDuringOutage = retryLines(child) - retriesAtStop;
    const lagInOutage = await consumerLag(s.admin, s.name, s.topic);

    const start = await timed(() => startServer('elasticsearch'));
    await fault.waitForResumed(storedBefore, 'ingest resumed after the outage');
    const resumedAt = Date.now();
    await fault.waitUntilCaughtUp(240_000);
    const caughtUpAt = Date.now();
    await stopGracefully(child);

    const v = await fault.verdict(clean);
    fault.report('fault: Elasticsearch stopped 60 s', v, started, {
      'stored before the stop': storedBefore,
      'stop (SIGTERM → gone)': seconds(stop.done - stop.at),
      'outage (gone → start)': seconds(start.at - stop.done),
      'start → healthy': seconds(start.done - start.at),
      'healthy → ingest resumed': seconds(resumedAt - start.done),
      'healthy → caught up (lag 0)': seconds(caughtUpAt - start.done),
      'collector retries logged in the outage': retriesDuringOutage,
      'commit checks in the outage (all unchanged)': commitChecks.length,
      'lag at the end of the outage': lagInOutage,
    });

    expect(retriesDuringOutage).toBeGreaterThan(0);
    expect(lagInOutage).toBeGreaterThan(0);
    for (const check of commitChecks) expect(check).toEqual(frozen);
    expect(storedBefore).toBeLessThan(total);
    fault.expectFaultFree(v);
  });
});
