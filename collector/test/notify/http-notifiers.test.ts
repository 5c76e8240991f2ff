/** Webhook and Slack senders against a real local HTTP server. */
import { afterEach, describe, expect, it } from 'vitest';
import { slackBody } from '../../src/adapters/notify/format-slack.ts';
import { webhookBody } from '../../src/ports/notifier.ts';
import { SlackNotifier, WebhookNotifier } from '../../src/adapters/notify/http-notifiers.ts';
import { NotifyCounters } from '../../src/adapters/notify/notify-counters.ts';
import { NotifyError } from '../../src/ports/notifier.ts';
import { RetryingNotifier } from '../../src/adapters/notify/retrying-notifier.ts';
import { startHttpReceiver, type HttpReceiver } from './receivers.ts';
import { sampleNotification } from './sample-notification.ts';

const fastRetries = { maxAttempts: 5, minMs: 5, maxMs: 20 };
let receiver: HttpReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('WebhookNotifier', () => {
  it('POSTs the generic JSON body with the configured headers', async () => {
    receiver = await startHttpReceiver();
    const n = sampleNotification();
    await new WebhookNotifier({
      url: receiver.url,
      headers: { authorization: 'Bearer abc', 'Content-Type': 'text/plain' },
    }).send(n);

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hook?token=secret-token');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request?.headers.authorization).toBe('Bearer abc');
    expect(JSON.parse(request?.body ?? '')).toEqual(webhookBody(n));
    expect(JSON.parse(request?.body ?? '')).toMatchObject({ schemaVersion: 1, alertId: n.alertId });
  });

  it('retries 503 twice, then succeeds', async () => {
    receiver = await startHttpReceiver([503, 503]);
    const counters = new NotifyCounters();
    const notifier = new RetryingNotifier(new WebhookNotifier({ url: receiver.url }), {
      policy: fastRetries,
      counters,
    });
    await notifier.send(sampleNotification());
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    expect(counters.snapshot().webhook?.retries).toBe(2);
  });

  it('does not retry 400, and says so without leaking the URL', async () => {
    receiver = await startHttpReceiver([400]);
    const notifier = new RetryingNotifier(new WebhookNotifier({ url: receiver.url }), {
      policy: fastRetries,
    });
    const err = await notifier.send(sampleNotification()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect(err).toMatchObject({ retriable: false, details: { statusCode: 400 } });
    expect((err as Error).message).toBe('webhook: receiver answered 400: answer 400');
    expect((err as Error).message).not.toContain('secret-token');
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries 429 and passes Retry-After to the wrapper', async () => {
    receiver = await startHttpReceiver([429], { headers: { 'retry-after': '0' } });
    const err = await new WebhookNotifier({ url: receiver.url })
      .send(sampleNotification())
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ retriable: true, details: { statusCode: 429, retryAfterMs: 0 } });
  });

  it('turns a timeout and a refused connection into retriable errors', async () => {
    receiver = await startHttpReceiver([], { delayMs: 500 });
    const slow = new WebhookNotifier({ url: receiver.url, timeoutMs: 50 });
    await expect(slow.send(sampleNotification())).rejects.toMatchObject({
      retriable: true,
      message: 'webhook: POST failed: no answer within 50 ms',
    });

    const closed = await startHttpReceiver();
    await closed.close();
    const refused = new WebhookNotifier({ url: closed.url });
    const err = await refused.send(sampleNotification()).catch((e: unknown) => e);
    expect(err).toMatchObject({ retriable: true, message: 'webhook: POST failed: ECONNREFUSED' });
  });
});

describe('SlackNotifier', () => {
  it('POSTs the Slack body (text + blocks) as JSON', async () => {
    receiver = await startHttpReceiver();
    const n = sampleNotification({ instance: 'p-<981>' });
    await new SlackNotifier({ url: receiver.url }).send(n);

    const [request] = receiver.requests;
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(request?.body ?? '') as ReturnType<typeof slackBody>;
    expect(body).toEqual(slackBody(n));
    expect(body.text).toContain('FIRING stuck: payment p-&lt;981&gt; step capture (team-payments)');
    expect(body.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'context',
    ]);
    expect(request?.body).toContain('|Open the timeline>');
  });

  it('retries a 500 from the Slack receiver and reports a 404 as permanent', async () => {
    receiver = await startHttpReceiver([500, 404]);
    const notifier = new RetryingNotifier(new SlackNotifier({ url: receiver.url }), {
      policy: fastRetries,
    });
    await expect(notifier.send(sampleNotification())).rejects.toMatchObject({
      retriable: false,
      channel: 'slack',
      details: { statusCode: 404 },
    });
    expect(receiver.requests).toHaveLength(2);
  });
});
