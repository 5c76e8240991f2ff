/** The configured fan-out end to end, against real HTTP and SMTP receivers. */
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifiers, type Notifiers } from '../../src/main/create-notifiers.ts';
import { parseNotifyConfig } from '../../src/main/config/notify-config.ts';
import { startHttpReceiver, startSmtpReceiver } from './receivers.ts';
import { sampleNotification } from './sample-notification.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('createNotifiers', () => {
  it('builds the configured channels; a refusing channel does not stop the others', async () => {
    const webhook = await startHttpReceiver([400]);
    const slack = await startHttpReceiver([503]);
    const smtp = await startSmtpReceiver([451]);
    cleanups.push(webhook.close, slack.close, smtp.close);
    const notifiers: Notifiers = createNotifiers(
      parseNotifyConfig({
        FLOWTRAIL_NOTIFY_WEBHOOK_URL: webhook.url,
        FLOWTRAIL_NOTIFY_WEBHOOK_HEADERS: '{"x-flowtrail-token":"t0k3n"}',
        FLOWTRAIL_NOTIFY_SLACK_URL: slack.url,
        FLOWTRAIL_NOTIFY_SMTP_URL: smtp.url,
        FLOWTRAIL_NOTIFY_EMAIL_FROM: 'alerts@flowtrail.test',
        FLOWTRAIL_NOTIFY_EMAIL_TO: 'oncall@flowtrail.test',
        FLOWTRAIL_NOTIFY_ROUTES: 'team-payments=pay@flowtrail.test',
        FLOWTRAIL_NOTIFY_RETRY_MIN_MS: '5',
        FLOWTRAIL_NOTIFY_RETRY_MAX_MS: '20',
      }),
    );
    cleanups.push(notifiers.close);
    expect(notifiers.channels).toEqual(['webhook', 'slack', 'email']);

    const report = await notifiers.notifier.deliver(sampleNotification());
    expect(report.sent).toEqual(['slack', 'email']);
    expect(report.failed.map((f) => f.channel)).toEqual(['webhook']);
    expect(webhook.requests[0]?.headers['x-flowtrail-token']).toBe('t0k3n');
    expect(slack.requests).toHaveLength(2);
    expect(smtp.mails.map((m) => m.to)).toEqual([['pay@flowtrail.test']]);
    expect(notifiers.counters.snapshot()).toEqual({
      webhook: { sent: 0, failed: 1, retries: 0 },
      slack: { sent: 1, failed: 0, retries: 1 },
      email: { sent: 1, failed: 0, retries: 1 },
      total: { sent: 2, failed: 1, retries: 2 },
    });
  });

  it('has no channel when nothing is configured and no Kafka is given', async () => {
    const notifiers = createNotifiers(parseNotifyConfig({}));
    expect(notifiers.channels).toEqual([]);
    expect(await notifiers.notifier.deliver(sampleNotification())).toEqual({
      sent: [],
      failed: [],
    });
  });
});
