/**
 * A definition put through the API reaches instances that are already waiting, without
 * any new event: embedded mode (real HTTP API, real SQLite stores, real sweeper). An
 * instance waits in step `pick`, which has no deadline, since long before the sweep's
 * look-back window; a definition giving `pick` a one-minute deadline is put; the sweeper
 * re-derives the instance's stored `nextDeadline`, the overdue query finds it, and the
 * stuck alert fires. Before, the stored value stayed empty until the instance's next
 * event, so no sweep looked at it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { call, keyPath } from '../http/http-client.ts';
import { makeEvent } from '../helpers/events.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { listAlerts, postEvents, startHarness, type Harness } from './embedded-harness.ts';

const KEY = 'shop/packing/p-1';

/** process.started at `start`, step `pick` started at +1 s and waiting at +2 s. */
function waiting(start: number): FlowtrailEvent[] {
  const time = (s: number) => new Date(start + s * 1000).toISOString();
  const base = { process: 'packing', instance: 'p-1' };
  return [
    makeEvent({ ...base, id: 'p-1-1', type: 'flowtrail.process.started', time: time(0) }),
    makeEvent({
      ...base,
      id: 'p-1-2',
      type: 'flowtrail.step.started',
      step: 'pick',
      time: time(1),
    }),
    makeEvent({
      ...base,
      id: 'p-1-3',
      type: 'flowtrail.step.waiting',
      step: 'pick',
      time: time(2),
      data: { for: 'stock' },
    }),
  ];
}

const definition = (version: number, deadline: string) => `process: packing
version: ${version}
owner: team-pack
steps:
  - name: pick
    deadline: ${deadline}
`;

async function putDefinition(base: string, yaml: string): Promise<void> {
  const answer = await call(`${base}/api/definitions/packing`, {
    method: 'PUT',
    headers: { 'content-type': 'application/yaml' },
    body: yaml,
  });
  expect(answer.status).toBe(201);
}

async function instance(base: string): Promise<{ eventCount: number; nextDeadline?: string }> {
  const answer = await call(`${base}/api/instances/${keyPath(KEY)}`);
  expect(answer.status).toBe(200);
  return answer.body as { eventCount: number; nextDeadline?: string };
}

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a definition put while an instance waits', () => {
  it('fires the stuck alert at the next sweep, with no new event (sweeps driven by hand)', async () => {
    h = await startHarness();
    const start = Date.parse('2024-09-01T08:00:00Z');
    await postEvents(h.base, waiting(start));
    const now = new Date(start + 2 * 3_600_000);
    // Twice: the first sweep after a start also walks every stored instance once.
    for (const _ of [1, 2]) expect((await h.sweeper.sweepOnce(now)).findings).toBe(0);
    expect((await instance(h.base)).nextDeadline).toBeUndefined();

    await putDefinition(h.base, definition(1, '1m'));
    const report = await h.sweeper.sweepOnce(now);
    expect(report).toMatchObject({ deadlinesRewritten: 1, fired: 1 });
    const [alert] = await listAlerts(h.base, '?status=firing&process=packing');
    expect(alert).toMatchObject({
      kind: 'stuck',
      instance: KEY,
      step: 'pick',
      owner: 'team-pack',
      since: '2024-09-01T08:01:01.000Z',
    });
    expect(await instance(h.base)).toMatchObject({
      eventCount: 3,
      nextDeadline: '2024-09-01T08:01:01.000Z',
    });

    // Lengthened past `now`: the stored deadline moves, the alert resolves.
    await putDefinition(h.base, definition(2, '3h'));
    expect(await h.sweeper.sweepOnce(now)).toMatchObject({ deadlinesRewritten: 1, resolved: 1 });
    expect((await instance(h.base)).nextDeadline).toBe('2024-09-01T11:00:01.000Z');
  });

  it('fires the stuck alert on its own with detection running on its timer', async () => {
    h = await startHarness({ detection: { enabled: true, intervalMs: 100 } });
    const { sweeper } = h;
    let sweeps = 0;
    const sweepOnce = sweeper.sweepOnce.bind(sweeper);
    sweeper.sweepOnce = async (at) => {
      const report = await sweepOnce(at);
      sweeps++;
      return report;
    };
    const start = Date.now() - 2 * 3_600_000;
    await postEvents(h.base, waiting(start));
    // Two whole sweeps after the ingest (the start's walk over every instance included)
    // saw the instance without a deadline.
    const seen = sweeps;
    await waitFor(() => sweeps >= seen + 2, { timeoutMs: 30_000, description: 'two sweeps' });
    expect(await listAlerts(h.base, '?process=packing')).toEqual([]);

    await putDefinition(h.base, definition(1, '1m'));
    const alert = await waitFor(
      async () => (await listAlerts(h?.base ?? '', '?status=firing&process=packing'))[0],
      { timeoutMs: 30_000, description: 'the stuck alert' },
    );
    expect(alert).toMatchObject({ kind: 'stuck', instance: KEY, step: 'pick' });
    expect(await instance(h.base)).toMatchObject({
      eventCount: 3,
      nextDeadline: new Date(start + 61_000).toISOString(),
    });
  });
});
