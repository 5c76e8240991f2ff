/**
 * The notifier contract (port `Notifier`), run against every channel, each with a real
 * receiver the test starts: webhook and Slack (a `node:http` server), e-mail (the
 * `smtp-server` library), Kafka (the REAL broker, read back with a consumer). The
 * receivers are those of `../notify/receivers.ts`.
 *
 * A channel is asked for a notifier and its receiver in one of four behaviours: accepting
 * everything, failing transiently (e.g. HTTP 503, SMTP 451), refusing permanently (HTTP
 * 400, SMTP 554, a record the topic refuses) or unreachable (nothing listens). A
 * notification must arrive once and carry the alert id, kind, status, transition,
 * instance and summary as the receiver reads them; a failure must be a `NotifyError` of
 * the channel whose `retriable` says whether sending again may help. Every test uses
 * alert ids of its own (receivers may be shared), and closes each alert with one more
 * notification it waits for, so a lost or doubled delivery before it shows.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotifyError, type Notification, type Notifier } from '../../src/ports/notifier.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { sampleNotification } from '../notify/sample-notification.ts';

/** The facts every channel must carry, as its receiver reads them back. */
export interface DeliveredFacts {
  alertId: string;
  kind: string;
  status: string;
  transition: string;
  instance: string;
  summary: string;
}

export type ReceiverBehaviour = 'accept' | 'transient' | 'permanent' | 'unreachable';

export interface NotifierTarget {
  notifier: Notifier;
  /** What the receiver accepted so far, in arrival order; may need polling (Kafka). */
  delivered(): Promise<Partial<DeliveredFacts>[]>;
  /** What the failure's `NotifyError.details` must hold (e.g. the HTTP status), if any. */
  failureDetails?: NotifyError['details'];
  /** Stops the receiver and the notifier. */
  close(): Promise<void>;
}

export interface NotifierUnderTest {
  open(behaviour: ReceiverBehaviour): Promise<NotifierTarget>;
  cleanup?(): Promise<void>;
}

export interface NotifierContractOptions {
  /** Facts the channel does not carry: a known gap, left out of the comparison. */
  notCarried?: (keyof DeliveredFacts)[];
}

const CLOSING = 'Closed by the contract test.';

const FACTS: (keyof DeliveredFacts)[] = [
  'alertId',
  'kind',
  'status',
  'transition',
  'instance',
  'summary',
];

export function describeNotifierContract(
  name: string,
  makeChannel: () => Promise<NotifierUnderTest>,
  options: NotifierContractOptions = {},
): void {
  describe(`notifier contract: ${name}`, () => {
    let channel: NotifierUnderTest | undefined;
    const opened: NotifierTarget[] = [];
    const open = async (behaviour: ReceiverBehaviour): Promise<NotifierTarget> => {
      if (channel === undefined) throw new Error('channel not created');
      const target = await channel.open(behaviour);
      opened.push(target);
      return target;
    };

    beforeAll(async () => {
      channel = await makeChannel();
    });
    afterEach(async () => {
      for (const target of opened.splice(0)) await target.close();
    });
    afterAll(async () => {
      await channel?.cleanup?.();
    });

    const carried = FACTS.filter((f) => !(options.notCarried ?? []).includes(f));
    const facts = (n: Notification): Partial<DeliveredFacts> =>
      Object.fromEntries(carried.map((f) => [f, n[f]]));
    const pick = (d: Partial<DeliveredFacts>): Partial<DeliveredFacts> =>
      Object.fromEntries(carried.map((f) => [f, d[f]]));

    /**
     * Sends each notification, then one closing notification of the same alert each (the
     * channels keep the order of one alert only: Kafka keys by alert id); waits until
     * every closing one arrived and returns, per alert, the facts delivered before it.
     */
    const sendAndDeliver = async (
      target: NotifierTarget,
      notifications: Notification[],
    ): Promise<Partial<DeliveredFacts>[][]> => {
      const closing = notifications.map((n) =>
        sampleNotification({ ...n, status: 'resolved', transition: 'resolved', summary: CLOSING }),
      );
      for (const n of [...notifications, ...closing]) await target.notifier.send(n);
      const perAlert = await waitFor(
        async () => {
          const delivered = await target.delivered();
          const of = notifications.map((n) => delivered.filter((d) => d.alertId === n.alertId));
          return of.every((list) => list.some((d) => d.summary === CLOSING)) && of;
        },
        { timeoutMs: 60_000, description: 'the closing notification of every alert' },
      );
      return perAlert.map((delivered, i) => {
        expect(pick(delivered.at(-1) ?? {})).toEqual(facts(closing[i]!));
        return delivered.slice(0, -1).map(pick);
      });
    };

    const prefix = (): string => `stuck/contract-${randomBytes(4).toString('hex')}`;

    it('delivers a notification once, with alert id, kind, status, transition, instance, summary', async () => {
      const target = await open('accept');
      const p = prefix();
      const fired = sampleNotification({ alertId: `${p}/1` });
      const resolved = sampleNotification({
        alertId: `${p}/2`,
        kind: 'orphan',
        status: 'resolved',
        transition: 'resolved',
        process: 'shipment',
        instance: 's-1',
        step: undefined,
        summary: 'Shipment s-1 has a parent again.',
      });
      expect(await sendAndDeliver(target, [fired, resolved])).toEqual([
        [facts(fired)],
        [facts(resolved)],
      ]);
    });

    it('carries the status apart from the transition, and unusual text as it is', async () => {
      const target = await open('accept');
      const p = prefix();
      const notifications = [
        sampleNotification({
          alertId: `${p}/escalated`,
          kind: 'lost-completion',
          status: 'acknowledged',
          transition: 'escalated',
          instance: 'o/1 ü € 𝄞 日本',
          summary: 'Zahlung „capture“ wartet <2h> & mehr — 😀',
        }),
        sampleNotification({
          alertId: `${p}/silenced`,
          kind: 'duplicate',
          status: 'silenced',
          transition: 'silenced',
          instance: 'shop/order/<!channel> & co',
        }),
        sampleNotification({
          alertId: `${p}/ack`,
          kind: 'nonconformance',
          status: 'acknowledged',
          transition: 'acknowledged',
          owner: undefined,
          step: undefined,
        }),
      ];
      expect(await sendAndDeliver(target, notifications)).toEqual(
        notifications.map((n) => [facts(n)]),
      );
    });

    const failure = async (behaviour: ReceiverBehaviour): Promise<NotifyError> => {
      const target = await open(behaviour);
      const p = prefix();
      const err = await target.notifier
        .send(sampleNotification({ alertId: `${p}/1` }))
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotifyError);
      const notifyError = err as NotifyError;
      expect(notifyError.channel).toBe(target.notifier.name);
      expect(notifyError.details).toMatchObject(target.failureDetails ?? {});
      expect((await target.delivered()).filter((d) => d.alertId?.startsWith(p))).toEqual([]);
      return notifyError;
    };

    it('reports a transient receiver failure as a retriable NotifyError', async () => {
      expect((await failure('transient')).retriable).toBe(true);
    });

    it('reports a permanent refusal as a NotifyError that is not retriable', async () => {
      expect((await failure('permanent')).retriable).toBe(false);
    });

    it('reports an unreachable receiver as a retriable NotifyError', async () => {
      expect((await failure('unreachable')).retriable).toBe(true);
    });
  });
}
