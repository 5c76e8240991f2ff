/**
 * HTTP command delivery across collectors, against the REAL Kafka and Elasticsearch: two
 * collectors A and B in Kafka mode (one events group, topics and indices of their own). A
 * command published through A's publisher (the ladder's: the commands topic only) is
 * served by `GET /api/commands` on B; acked on B, it reaches A through the acks topic and
 * A does not deliver it again after its (short) lease, while an unacked command is. The
 * ack record on the acks topic, and nothing but commands on the commands topic, are
 * asserted. Waits poll with timeouts; no sleeps, no timing assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandTypes } from '@flowtrail/sdk/protocol';
import { resendCommand } from './command-fixtures.ts';
import { startCollector, type RunningCollector } from '../../src/main/start-collector.ts';
import { parseConfig } from '../../src/main/config/config.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { readTopic } from '../detection-int/helpers.ts';
import { call } from '../http/http-client.ts';
import { collectorTestEnv, uniqueName } from '../helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from '../helpers/suite-servers.ts';
import { waitFor } from '../helpers/wait-for.ts';

const name = uniqueName('shared-cmd');
const commandsTopic = `${name}.commands`;
const acksTopic = `${name}.command-acks`;
const SYSTEM = 'shop';
const logger = createLogger('warn');

let servers: SuiteServers | undefined;
let a: RunningCollector | undefined;
let b: RunningCollector | undefined;

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  const config = parseConfig(collectorTestEnv(name));
  const options = { commandQueue: { leaseMs: 300 } };
  a = await startCollector(config, { ...options, logger: logger.child({ collector: 'a' }) });
  b = await startCollector(config, { ...options, logger: logger.child({ collector: 'b' }) });
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await servers?.release([`${name}.events`, `${name}.dlq`, commandsTopic, acksTopic], [name]);
});

const command = (id: string) =>
  resendCommand(id, {
    time: new Date().toISOString(),
    fttarget: SYSTEM,
    ftinstance: `o-${id}`,
    data: { reason: 'missing-subprocess', what: 'start', findingId: `f-${id}`, attempt: 1 },
  });

/** One long-poll of `GET /api/commands` on a collector; the ids it delivered. */
async function poll(collector: RunningCollector, wait = 5): Promise<string[]> {
  const url = `${collector.api?.url}/api/commands?system=${SYSTEM}&wait=${wait}`;
  const answer = await call(url);
  expect(answer.status).toBe(200);
  return (answer.body as { commands: { id: string }[] }).commands.map((c) => c.id);
}

/** Polls until a delivery contains `id`; returns that delivery. */
function deliveredBy(collector: RunningCollector, id: string, what: string): Promise<string[]> {
  return waitFor(
    async () => {
      const got = await poll(collector);
      return got.includes(id) ? got : undefined;
    },
    { timeoutMs: 60_000, description: what },
  );
}

describe('HTTP command delivery across collectors (real Kafka + Elasticsearch)', () => {
  it('serves a command on every collector and forgets it everywhere once acked', async () => {
    const [one, two] = [a as RunningCollector, b as RunningCollector];
    const { kafka, admin } = servers as SuiteServers;
    const acked = `${name}-acked`;
    const unacked = `${name}-unacked`;

    await one.commandPublisher.publish([command(acked)]);
    expect(await deliveredBy(two, acked, 'B to deliver A’s command')).toEqual([acked]);
    expect(await deliveredBy(one, acked, 'A to deliver its command')).toEqual([acked]);

    const ack = await call(`${two.api?.url}/api/commands/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [acked] }),
    });
    expect(ack).toMatchObject({ status: 200, body: { acked: 1 } });
    expect(two.commands.pending(SYSTEM)).toBe(0);
    await waitFor(() => one.commands.pending(SYSTEM) === 0, {
      timeoutMs: 60_000,
      description: 'the ack on B to reach A',
    });

    // A control: an unacked command is delivered by A again once its lease ran out; the
    // acked one, whose lease on A ran out too, never is.
    await one.commandPublisher.publish([command(unacked)]);
    expect(await deliveredBy(one, unacked, 'A to deliver the second command')).toEqual([unacked]);
    expect(await deliveredBy(one, unacked, 'A to redeliver it after its lease')).toEqual([unacked]);

    const ackRecords = await readTopic(kafka, admin, acksTopic, `${name}-read-acks`);
    expect(ackRecords).toHaveLength(1);
    expect(ackRecords[0]).toMatchObject({
      key: acked,
      value: { id: acked },
      headers: { 'content-type': 'application/json' },
    });
    expect(Number.isNaN(Date.parse(String(ackRecords[0]?.value['time'])))).toBe(false);

    const commandRecords = await readTopic(kafka, admin, commandsTopic, `${name}-read-commands`);
    expect(commandRecords.map((r) => [r.key, r.value['type'], r.value['id']])).toEqual([
      [SYSTEM, CommandTypes.resend, acked],
      [SYSTEM, CommandTypes.resend, unacked],
    ]);
  });
});
