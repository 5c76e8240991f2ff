/**
 * The command publisher contract against the in-process `CommandQueue` (what HTTP clients
 * long-poll through `GET /api/commands`), read back through its `take` and `ack` as a
 * polling system does.
 */
import type { FlowtrailCommand } from '@flowtrail/sdk/protocol';
import { CommandQueue } from '../../src/app/commands/command-queue.ts';
import { describeCommandPublisherContract } from './command-publisher-contract.ts';

describeCommandPublisherContract('http command queue', async () => {
  const queue = new CommandQueue();
  const got = new Map<string, FlowtrailCommand[]>();
  return {
    publisher: queue,
    delivered: async (system) => {
      const taken = await queue.take(system, { waitMs: 0, max: 1000 });
      queue.ack(taken.map((c) => c.id));
      const all = [...(got.get(system) ?? []), ...taken];
      got.set(system, all);
      return all;
    },
    openAnother: async () => new CommandQueue(),
    cleanup: () => queue.close(),
  };
});
