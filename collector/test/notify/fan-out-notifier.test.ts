import { describe, expect, it } from 'vitest';
import { FanOutNotifier } from '../../src/adapters/notify/fan-out-notifier.ts';
import { NotifyCounters } from '../../src/adapters/notify/notify-counters.ts';
import { NotifyError, type Notification, type Notifier } from '../../src/ports/notifier.ts';
import { RetryingNotifier } from '../../src/adapters/notify/retrying-notifier.ts';
import { sampleNotification } from './sample-notification.ts';

function recording(name: string): Notifier & { received: Notification[] } {
  return {
    name,
    received: [],
    async send(n) {
      this.received.push(n);
    },
  };
}

function failing(name: string, error: Error, delayMs = 0): Notifier {
  return {
    name,
    async send() {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      throw error;
    },
  };
}

describe('FanOutNotifier', () => {
  it('delivers to every channel even when others fail, and reports each failure', async () => {
    const webhook = recording('webhook');
    const kafka = recording('kafka');
    const counters = new NotifyCounters();
    const fanOut = new FanOutNotifier(
      [
        webhook,
        failing('slack', new NotifyError('slack', 'receiver answered 400', false), 20),
        failing('email', new Error('not an Error subclass we know')),
        kafka,
      ],
      { counters },
    );
    const n = sampleNotification();
    const report = await fanOut.deliver(n);

    expect(webhook.received).toEqual([n]);
    expect(kafka.received).toEqual([n]);
    expect(report.sent).toEqual(['webhook', 'kafka']);
    expect(report.failed.map((f) => [f.channel, f.error.message])).toEqual([
      ['slack', 'slack: receiver answered 400'],
      ['email', 'not an Error subclass we know'],
    ]);
    expect(counters.snapshot()).toEqual({
      webhook: { sent: 1, failed: 0, retries: 0 },
      slack: { sent: 0, failed: 1, retries: 0 },
      email: { sent: 0, failed: 1, retries: 0 },
      kafka: { sent: 1, failed: 0, retries: 0 },
      total: { sent: 2, failed: 2, retries: 0 },
    });
  });

  it('sends in parallel: a slow channel does not delay the others', async () => {
    const order: string[] = [];
    const slow: Notifier = {
      name: 'slow',
      send: () => new Promise((resolve) => setTimeout(() => resolve(void order.push('slow')), 50)),
    };
    const fast: Notifier = { name: 'fast', send: async () => void order.push('fast') };
    await new FanOutNotifier([slow, fast]).send(sampleNotification());
    expect(order).toEqual(['fast', 'slow']);
  });

  it('as a Notifier, throws one non-retriable error naming the failed channels', async () => {
    const webhook = recording('webhook');
    const fanOut = new FanOutNotifier([
      failing('slack', new NotifyError('slack', 'receiver answered 404', false)),
      webhook,
    ]);
    const err = await fanOut.send(sampleNotification()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).retriable).toBe(false);
    expect((err as NotifyError).message).toBe('fan-out: slack: receiver answered 404');
    expect(webhook.received).toHaveLength(1);
  });

  it('counts retries of wrapped channels next to their outcome', async () => {
    const counters = new NotifyCounters();
    let calls = 0;
    const flaky: Notifier = {
      name: 'webhook',
      async send() {
        if (++calls < 3) throw new NotifyError('webhook', '503', true);
      },
    };
    const fanOut = new FanOutNotifier(
      [
        new RetryingNotifier(flaky, {
          counters,
          policy: { maxAttempts: 5, minMs: 1, maxMs: 2 },
        }),
      ],
      { counters },
    );
    expect(await fanOut.deliver(sampleNotification())).toEqual({ sent: ['webhook'], failed: [] });
    expect(counters.snapshot().webhook).toEqual({ sent: 1, failed: 0, retries: 2 });
  });
});

describe('FanOutNotifier with a route', () => {
  it('sends only to the named channels and reports unknown names', async () => {
    const slack = recording('slack');
    const email = recording('email');
    const counters = new NotifyCounters();
    const report = await new FanOutNotifier([slack, email], { counters }).deliver(
      sampleNotification(),
      ['email', 'pager'],
    );
    expect(slack.received).toHaveLength(0);
    expect(email.received).toHaveLength(1);
    expect(report.sent).toEqual(['email']);
    expect(report.failed.map((f) => [f.channel, f.error.message])).toEqual([
      ['pager', 'pager: no such channel is configured'],
    ]);
    expect(counters.snapshot().pager).toEqual({ sent: 0, failed: 1, retries: 0 });
  });
});
