/**
 * The command publisher contract (port `CommandPublisher`), run against every publisher:
 * `command-queue-publisher.test.ts` (the in-process queue behind `GET /api/commands`,
 * read back through its `take`/`ack`) and `kafka-command-publisher.int.test.ts` (the REAL
 * Kafka, read back with a consumer on the commands topic, by record key as the SDK's
 * `handleCommands` reads it). One publisher per suite; every test addresses target
 * systems of its own, so tests never see each other's commands.
 *
 * Each test ends with one last command per system and waits for it: anything lost,
 * doubled or reordered before it shows in the exact comparison.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowtrailCommand } from '@flowtrail/sdk/protocol';
import { CommandPublishError, type CommandPublisher } from '../../src/ports/command-publisher.ts';
import { resendCommand } from '../commands/command-fixtures.ts';
import { waitFor } from '../helpers/wait-for.ts';

export interface CommandPublisherUnderTest {
  publisher: CommandPublisher;
  /**
   * Every command delivered so far to `system` (as that system receives it), oldest first;
   * each call may deliver more. The suite closes the publisher (via `cleanup`).
   */
  delivered(system: string): Promise<FlowtrailCommand[]>;
  /** Another publisher to the same destination, not used yet; the suite closes it. */
  openAnother(): Promise<CommandPublisher>;
  cleanup(): Promise<void>;
}

export function describeCommandPublisherContract(
  name: string,
  makePublisher: () => Promise<CommandPublisherUnderTest>,
): void {
  describe(`command publisher contract: ${name}`, () => {
    let sut: CommandPublisherUnderTest | undefined;
    const publisher = (): CommandPublisher => {
      if (sut === undefined) throw new Error('publisher not created');
      return sut.publisher;
    };

    beforeAll(async () => {
      sut = await makePublisher();
    });
    afterAll(async () => {
      await sut?.cleanup();
    });

    const tag = (): string => randomBytes(4).toString('hex');
    const command = (id: string, target: string, n = 1): FlowtrailCommand =>
      resendCommand(id, {
        fttarget: target,
        ftinstance: `o-${n}`,
        data: { reason: 'stuck', what: 'completion', findingId: `f-${id}`, attempt: n },
      });

    /**
     * Publishes one last command per system, waits until each system got it, and returns
     * what each system got before it (the last one exactly once, last).
     */
    const lastAndDelivered = async (systems: string[]): Promise<Map<string, string[]>> => {
      const last = systems.map((system) => command(`last-${system}`, system));
      await publisher().publish(last);
      const got = new Map<string, string[]>();
      for (const end of last) {
        const delivered = await waitFor(
          async () => {
            const commands = await sut!.delivered(end.fttarget);
            return commands.some((c) => c.id === end.id) && commands;
          },
          { timeoutMs: 60_000, description: `the last command for ${end.fttarget}` },
        );
        for (const c of delivered)
          expect(c.fttarget, `delivered to ${end.fttarget}`).toBe(end.fttarget);
        expect(delivered.at(-1)).toEqual(end);
        got.set(
          end.fttarget,
          delivered.slice(0, -1).map((c) => c.id),
        );
      }
      return got;
    };

    it('accepts an empty batch and delivers nothing for it', async () => {
      const system = `sys-${tag()}`;
      await publisher().publish([]);
      expect(await lastAndDelivered([system])).toEqual(new Map([[system, []]]));
    });

    it('delivers each command once, to its target only, in publish order per target', async () => {
      const t = tag();
      const systems = ['orders', 'billing', 'shipping'].map((s) => `${s}-${t}`);
      const first = Array.from({ length: 12 }, (_, i) =>
        command(`${t}-a${i}`, systems[i % 3]!, i + 1),
      );
      const second = Array.from({ length: 7 }, (_, i) =>
        command(`${t}-b${i}`, systems[(i * 2) % 3]!, i + 1),
      );
      await publisher().publish(first);
      await publisher().publish(second);
      const got = await lastAndDelivered(systems);
      for (const system of systems) {
        const published = [...first, ...second].filter((c) => c.fttarget === system);
        expect(got.get(system), system).toEqual(published.map((c) => c.id));
      }
    });

    it('delivers every field intact: unicode, trace context, extensions, extra data', async () => {
      const system = `sys-${tag()}`;
      // CloudEvents extension attributes (string, number, boolean) besides the known ones.
      const full: FlowtrailCommand = Object.assign(
        resendCommand(`full-${system}`, {
          fttarget: system,
          ftprocess: 'auftrag ü',
          ftinstance: 'o/1 € 𝄞 日本',
          datacontenttype: 'application/json',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          tracestate: 'vendor=ü',
          data: {
            reason: 'missing-subprocess',
            what: 'message',
            expectationId: 'exp-1',
            messageId: 'msg ✓',
            step: 'prüfen',
            findingId: 'finding/ü',
            attempt: 3,
            extra: { nested: [1, 'zwei', null, true] },
          },
        }),
        { ftcorrelation: 'k-ü', ftpriority: 7, ftdryrun: false },
      );
      await publisher().publish([full]);
      const end = command(`last-${system}`, system);
      await publisher().publish([end]);
      const delivered = await waitFor(
        async () => {
          const commands = await sut!.delivered(system);
          return commands.some((c) => c.id === end.id) && commands;
        },
        { timeoutMs: 60_000, description: `the last command for ${system}` },
      );
      expect(delivered).toEqual([full, end]);
    });

    it('refuses to publish once closed (not retriable); closing twice is fine', async () => {
      const other = await sut!.openAnother();
      const system = `sys-${tag()}`;
      await other.publish([command(`before-close-${system}`, system)]);
      await other.close();
      await other.close();
      const err = await other.publish([command(`after-close-${system}`, system)]).catch((e) => e);
      expect(err).toBeInstanceOf(CommandPublishError);
      expect((err as CommandPublishError).retriable).toBe(false);
    });
  });
}
