/**
 * Detection end to end in Kafka mode (`flowtrail collector`) against the REAL Kafka and
 * Elasticsearch: a lost message repaired without a human. The shop (SDK, KafkaTransport
 * to the collector's input topic) starts an order, registers an expectation that payments
 * runs a payment (short deadline) and sends the message — which is LOST. Detection runs
 * on its own (300 ms interval, 1 s grace): the missing-subprocess alert fires and the
 * re-trigger rung publishes a resend command, addressed to shop, on the commands topic.
 * The shop's `handleCommands({kafka})` handler re-sends the message; "payments" receives
 * it and runs the payment as a subprocess linked by the propagated headers; the shop
 * fulfils the expectation and completes the order; the alert resolves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFlowtrail,
  handleCommands,
  KafkaTransport,
  type CommandSubscription,
  type Flowtrail,
  type FlowtrailCommand,
} from '@flowtrail/sdk';
import type { Alert } from '../../src/domain/alerts/alert.ts';
import { startCollector, type RunningCollector } from '../../src/main/start-collector.ts';
import { parseConfig } from '../../src/main/config/config.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { ElasticsearchEventStore } from '../../src/adapters/elasticsearch/es-event-store.ts';
import { brokers, collectorTestEnv, createTopics, uniqueName } from '../helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from '../helpers/suite-servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { readTopic } from './helpers.ts';

const name = uniqueName('det-lost');
const topic = `${name}.events`;
const alertsTopic = `${name}.alerts`;
const commandsTopic = `${name}.commands`;
const shopGroup = `${name}-shop-commands`;
const config = parseConfig(
  collectorTestEnv(name, {
    FLOWTRAIL_DETECTION: 'true',
    FLOWTRAIL_SWEEP_INTERVAL_MS: '300',
    FLOWTRAIL_GRACE_MS: '1000',
    FLOWTRAIL_LEARNED_MAX_INSTANCES: '0',
  }),
);
const logger = createLogger('warn');

let servers: SuiteServers | undefined;
let collector: RunningCollector | undefined;
let reader: ElasticsearchEventStore | undefined;
let shop: Flowtrail | undefined;
let payments: Flowtrail | undefined;
let commands: CommandSubscription | undefined;

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  await createTopics(servers.admin, [topic]);
  collector = await startCollector(config, { logger });
  reader = ElasticsearchEventStore.fromConfig(config.elasticsearch, logger);
  const delivery = { scheduledDelayMs: 50 };
  shop = createFlowtrail({
    source: 'shop',
    transport: new KafkaTransport({ brokers, topic }),
    ...delivery,
  });
  payments = createFlowtrail({
    source: 'payments',
    transport: new KafkaTransport({ brokers, topic }),
    ...delivery,
  });
});

afterAll(async () => {
  await commands?.stop();
  await shop?.shutdown();
  await payments?.shutdown();
  await collector?.stop();
  await reader?.close();
  await servers?.release([topic, alertsTopic, commandsTopic], [name, shopGroup]);
});

describe('a lost message repaired without a human, in Kafka mode (real Kafka + Elasticsearch)', () => {
  it('fires missing-subprocess, commands shop to resend, the payment runs, the alert resolves', async () => {
    const [ft, pay, running, store] = [
      shop as Flowtrail,
      payments as Flowtrail,
      collector as RunningCollector,
      reader as ElasticsearchEventStore,
    ];
    const { kafka, admin } = servers as SuiteServers;
    const orderId = `o-${name}`;
    const paymentId = `p-${name}`;
    const orderKey = `shop/order/${orderId}`;
    const paymentKey = `payments/payment/${paymentId}`;

    // The shop: an order waiting for payments; the payment request is LOST (never delivered).
    const order = ft.process('order', { instance: orderId, owner: 'team-shop' });
    order.start();
    const awaitPayment = order.step('await-payment', { owner: 'team-shop' });
    awaitPayment.start();
    const expectationId = order.expect({
      system: 'payments',
      process: 'payment',
      deadline: new Date(Date.now() + 1000),
    });
    order.messageSent({ to: 'payments', expectationId }); // the message is lost
    await ft.flush();

    // The "network" to payments: only resent messages arrive.
    const delivered: Record<string, string>[] = [];
    const handled: FlowtrailCommand[] = [];
    commands = handleCommands({
      system: 'shop',
      kafka: { brokers, topic: commandsTopic, groupId: shopGroup },
      handler: async (command) => {
        handled.push(command);
        const data = command.data as { what?: string; expectationId?: string };
        // Idempotent: resend only what this order still waits for.
        if (command.ftinstance !== orderId || data.what !== 'start') return;
        if (data.expectationId !== expectationId) return;
        const sent = order.messageSent({ to: 'payments', expectationId });
        await ft.flush();
        delivered.push(sent.headers);
      },
      onError: (err) => logger.warn({ err }, 'shop command handler error'),
    });

    // The alert fires; the re-trigger command reaches the shop, which resends.
    const firing = await waitFor(
      async () => {
        const page = await running.alerts.search({ kind: ['missing-subprocess'], size: 10 });
        return page.alerts.find((x) => x.instance === orderKey && x.status === 'firing');
      },
      { timeoutMs: 60_000, description: 'the missing-subprocess alert to fire' },
    );
    const headers = await waitFor(() => delivered[0], {
      timeoutMs: 60_000,
      description: 'the shop to resend the payment request',
    });

    // Payments receives the resent message and runs the payment as a subprocess.
    const payment = pay.continueFrom(headers).process('payment', { instance: paymentId });
    payment.start();
    payment.messageReceived({ headers });
    payment.step('authorize').start();
    payment.step('authorize').complete();
    payment.complete();
    await pay.flush();

    // The shop hears of the completed payment, fulfils the expectation, completes the order.
    order.fulfil(expectationId);
    awaitPayment.complete();
    order.complete();
    await ft.flush();

    // The alert resolves on its own.
    const resolved = await waitFor(
      async () => {
        const alert = await running.alerts.get(firing.id);
        return alert?.status === 'resolved' ? alert : undefined;
      },
      { timeoutMs: 60_000, description: 'the missing-subprocess alert to resolve' },
    );
    expect(resolved).toMatchObject<Partial<Alert>>({
      kind: 'missing-subprocess',
      source: 'shop',
      process: 'order',
      instance: orderKey,
      step: 'await-payment',
      owner: 'team-shop',
    });
    const lifecycle = resolved.history
      .filter((h) => h.note?.startsWith('rung ') !== true)
      .map((h) => h.status);
    expect(lifecycle).toEqual(['firing', 'resolved']);
    const rungs = resolved.history.filter((h) => h.note?.startsWith('rung ') === true);
    expect(rungs.some((h) => h.note?.includes('re-trigger'))).toBe(true);

    // The command: on the commands topic, keyed and addressed to shop, handled once.
    const onTopic = (await readTopic(kafka, admin, commandsTopic, `${name}-read-commands`))
      .map((r) => ({ key: r.key, command: r.value as unknown as FlowtrailCommand }))
      .filter((r) => r.command.data?.['findingId'] === firing.id);
    expect(onTopic).toHaveLength(1);
    expect(onTopic[0]).toMatchObject({
      key: 'shop',
      command: {
        type: 'flowtrail.command.resend',
        source: 'flowtrail-collector',
        fttarget: 'shop',
        ftprocess: 'order',
        ftinstance: orderId,
        data: { reason: 'missing-subprocess', what: 'start', expectationId, attempt: 1 },
      },
    });
    expect(handled.map((c) => c.id)).toContain(onTopic[0]?.command.id);
    expect(new Set(handled.map((c) => c.id)).size).toBe(handled.length);
    expect(delivered).toHaveLength(1);

    // The alerts topic told of both transitions of this alert, in order.
    const transitions = (await readTopic(kafka, admin, alertsTopic, `${name}-read-alerts`))
      .filter((r) => r.key === firing.id)
      .map((r) => r.headers['flowtrail-alert-transition']);
    expect(transitions).toEqual(['fired', 'resolved']);

    // Final states in Elasticsearch.
    const orderState = await waitFor(
      async () => {
        const s = await store.getInstance(orderKey);
        return s?.status === 'completed' ? s : undefined;
      },
      { timeoutMs: 60_000, description: 'the order to be completed' },
    );
    expect(orderState.expectations).toEqual([
      expect.objectContaining({
        id: expectationId,
        system: 'payments',
        process: 'payment',
        status: 'fulfilled',
      }),
    ]);
    const paymentState = await waitFor(
      async () => {
        const s = await store.getInstance(paymentKey);
        return s?.status === 'completed' ? s : undefined;
      },
      { timeoutMs: 60_000, description: 'the payment to be completed' },
    );
    expect(paymentState.parent).toMatchObject({
      source: 'shop',
      process: 'order',
      instance: orderId,
      expectationId,
    });

    // No alert on these two instances stays open (a lost-completion may flicker while the
    // order's fulfilment is in flight; it resolves too).
    await waitFor(
      async () =>
        (await running.alerts.store.openAlerts({ instances: [orderKey, paymentKey] })).length === 0,
      { timeoutMs: 60_000, description: 'no open alert on the order and the payment' },
    );
  });
});
