/**
 * The demo repairs itself (issue 12, item 1), end to end on the real parts of embedded
 * mode: the SQLite store, the HTTP API, detection with the demo's definitions (their
 * ladder re-triggers at once), the in-process command queue behind `GET /api/commands`,
 * and the demo's three systems polling it with the SDK's `handleCommands`. History orders
 * lost messages long ago, so their alerts fire at the first sweeps; the systems get the
 * resend commands, fail now and then on purpose (redelivered after the lease), resend,
 * and the alerts resolve by themselves. The stuck waits no resend can fix stay firing
 * and climb to the ladder's later rungs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { DEMO_DEFINITIONS_DIR } from '../../src/main/config/embedded-config.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { startDemoTraffic, type RunningDemo } from '../../src/tools/demo/demo-traffic.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Listed {
  id: string;
  kind: string;
  status: string;
  instance: string;
  firstSeenAt: string;
}
interface Detailed extends Listed {
  history: { at: string; status: string; note?: string }[];
}

const LOSSES = 'missing-subprocess,lost-completion';
let dir: string;
let app: RunningEmbedded;
let demo: RunningDemo | undefined;

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${app.api.url}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function alerts(query: string): Promise<{ total: number; alerts: Listed[] }> {
  return get(`/api/alerts?${query}&size=100`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-self-repair-'));
  app = await startEmbedded({
    dataDir: join(dir, 'data'),
    http: { host: '127.0.0.1', port: 0 },
    logger: createLogger('silent'),
    detection: {
      enabled: true,
      intervalMs: 300,
      graceMs: 2000,
      limit: 5000,
      eventsLimit: 500,
      learnedRefreshMs: 300_000,
      learnedMaxInstances: 0,
      learnedHorizonMs: 2_592_000_000,
      definitionsDir: DEMO_DEFINITIONS_DIR,
    },
  });
  demo = startDemoTraffic({
    apiUrl: app.api.url,
    rate: 0.5,
    historyOrders: 80,
    faultRate: 0.25,
    repairFailureRate: 0.2,
    logger: createLogger('silent'),
  });
});

afterAll(async () => {
  await demo?.stop();
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the demo repairs lost messages itself (embedded mode, commands over HTTP)', () => {
  it('resolves the missing-subprocess and lost-completion alerts by resending', async () => {
    // The history's losses fired: at least a few of each kind, none left unfired.
    const fired = await waitFor(
      async () => {
        const all = await alerts(`kind=${LOSSES}`);
        const kinds = new Set(all.alerts.map((a) => a.kind));
        return all.total >= 4 && kinds.size === 2 ? all : undefined;
      },
      { timeoutMs: 90_000, description: 'loss alerts of both kinds to fire' },
    );
    const ids = new Set(fired.alerts.map((a) => a.id));

    // ≥ 90 % of them resolve by themselves (a failed handling comes again after 30 s).
    await waitFor(
      async () => {
        const resolved = (await alerts(`kind=${LOSSES}&status=resolved`)).alerts.filter((a) =>
          ids.has(a.id),
        );
        return resolved.length >= Math.ceil(0.9 * ids.size);
      },
      { timeoutMs: 150_000, intervalMs: 1000, description: '90 % of the loss alerts to resolve' },
    );

    // End to end, on every resolved one a resend repaired (a late message that arrived
    // meanwhile resolves without): the command (a ladder rung), the resent event naming
    // that very command, then the resolution.
    let repaired = 0;
    for (const listed of (await alerts(`kind=${LOSSES}&status=resolved`)).alerts) {
      const alert = await get<Detailed>(`/api/alerts/${encodeURIComponent(listed.id)}`);
      const path = `/api/instances/${encodeURIComponent(alert.instance)}/events`;
      const { events } = await get<{ events: FlowtrailEvent[] }>(path);
      const resent = events.find((e) => typeof e.data.attributes?.resendFor === 'string');
      if (resent === undefined) continue;
      repaired += 1;
      expect(resent.type).toBe('flowtrail.message.sent');
      expect(resent.data.attributes?.resendFor).toMatch(`resend/${alert.id}/attempt:`);
      const rung = alert.history.find((h) =>
        /resend (start|completion) asked of/.test(h.note ?? ''),
      );
      const resolution = alert.history.findLast((h) => h.status === 'resolved');
      expect(rung).toBeDefined();
      expect(resolution!.at >= rung!.at).toBe(true);
    }
    // (The others resolved without a resend: a late request arriving, or a subprocess the
    // history sent a moment after its parent — the sweep saw the parent first.)
    expect(repaired).toBeGreaterThanOrEqual(3);
  });

  it('leaves the stuck waits to people: they climb past the re-trigger', async () => {
    const stuck = await waitFor(
      async () => {
        const open = await alerts('kind=stuck&status=firing');
        for (const listed of open.alerts) {
          const alert = await get<Detailed>(`/api/alerts/${encodeURIComponent(listed.id)}`);
          if (alert.history.some((h) => /notify-owner/.test(h.note ?? ''))) return alert;
        }
        return undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, description: 'a stuck alert on notify-owner' },
    );
    expect(stuck.status).toBe('firing');
  });
});
