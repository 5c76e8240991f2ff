import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/shared/errors.ts';
import { isEmailAddress, parseNotifyConfig } from '../../src/main/config/notify-config.ts';

describe('parseNotifyConfig', () => {
  it('turns every channel off by default and keeps the default topic and retries', () => {
    expect(parseNotifyConfig({})).toEqual({
      alertsTopic: 'flowtrail.alerts',
      timeoutMs: 10_000,
      retry: { maxAttempts: 5, minMs: 500, maxMs: 30_000 },
    });
  });

  it('reads every channel', () => {
    const config = parseNotifyConfig({
      FLOWTRAIL_NOTIFY_WEBHOOK_URL: 'https://hooks.example.org/flowtrail',
      FLOWTRAIL_NOTIFY_WEBHOOK_HEADERS: '{"authorization":"Bearer s3cret"}',
      FLOWTRAIL_NOTIFY_SLACK_URL: 'https://hooks.slack.com/services/T/B/X',
      FLOWTRAIL_NOTIFY_SMTP_URL: 'smtp://user:pass@mail.example.org:587',
      FLOWTRAIL_NOTIFY_EMAIL_FROM: 'Flowtrail <alerts@example.org>',
      FLOWTRAIL_NOTIFY_EMAIL_TO: 'oncall@example.org, ops@example.org',
      FLOWTRAIL_NOTIFY_ROUTES: 'team-payments=pay@x.org,team-ops=ops@x.org',
      FLOWTRAIL_ALERTS_TOPIC: 'acme.alerts',
      FLOWTRAIL_NOTIFY_MAX_ATTEMPTS: '3',
    });
    expect(config).toEqual({
      alertsTopic: 'acme.alerts',
      timeoutMs: 10_000,
      retry: { maxAttempts: 3, minMs: 500, maxMs: 30_000 },
      webhook: {
        url: 'https://hooks.example.org/flowtrail',
        headers: { authorization: 'Bearer s3cret' },
      },
      slack: { url: 'https://hooks.slack.com/services/T/B/X' },
      email: {
        smtpUrl: 'smtp://user:pass@mail.example.org:587',
        from: 'Flowtrail <alerts@example.org>',
        to: ['oncall@example.org', 'ops@example.org'],
        routes: { 'team-payments': 'pay@x.org', 'team-ops': 'ops@x.org' },
      },
    });
  });

  it('lists every problem at once and never echoes a URL', () => {
    let error: unknown;
    try {
      parseNotifyConfig({
        FLOWTRAIL_NOTIFY_WEBHOOK_URL: 'ftp://secret-token@x',
        FLOWTRAIL_NOTIFY_WEBHOOK_HEADERS: '["not", "an object"]',
        FLOWTRAIL_NOTIFY_SLACK_URL: 'not a url secret-token',
        FLOWTRAIL_NOTIFY_SMTP_URL: 'http://user:secret-token@mail',
        FLOWTRAIL_NOTIFY_EMAIL_TO: 'nobody',
        FLOWTRAIL_NOTIFY_ROUTES: 'team-a=a@x.org,team-a=b@x.org,broken',
        FLOWTRAIL_ALERTS_TOPIC: 'bad topic',
        FLOWTRAIL_NOTIFY_RETRY_MIN_MS: '5000',
        FLOWTRAIL_NOTIFY_RETRY_MAX_MS: '100',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'FLOWTRAIL_ALERTS_TOPIC="bad topic": is not a valid Kafka topic name',
      'FLOWTRAIL_NOTIFY_RETRY_MIN_MS (5000) must not exceed FLOWTRAIL_NOTIFY_RETRY_MAX_MS (100)',
      'FLOWTRAIL_NOTIFY_WEBHOOK_URL: expected a http:// or https:// URL',
      'FLOWTRAIL_NOTIFY_WEBHOOK_HEADERS: expected a JSON object, e.g. {"authorization":"Bearer …"}',
      'FLOWTRAIL_NOTIFY_SLACK_URL: expected a http:// or https:// URL',
      'FLOWTRAIL_NOTIFY_SMTP_URL: expected a smtp:// or smtps:// URL',
      'FLOWTRAIL_NOTIFY_EMAIL_TO: "nobody" is not an e-mail address',
      'FLOWTRAIL_NOTIFY_ROUTES: owner "team-a" is routed twice',
      'FLOWTRAIL_NOTIFY_ROUTES: "broken" is not owner=address (e.g. team-ops=ops@example.org)',
      'FLOWTRAIL_NOTIFY_EMAIL_FROM is required with FLOWTRAIL_NOTIFY_SMTP_URL',
    ]);
    expect((error as Error).message).not.toContain('secret-token');
  });

  it('refuses e-mail settings without an SMTP server, and SMTP without recipients', () => {
    expect(() =>
      parseNotifyConfig({
        FLOWTRAIL_NOTIFY_EMAIL_FROM: 'a@x.org',
        FLOWTRAIL_NOTIFY_ROUTES: 'team-a=a@x.org',
        FLOWTRAIL_NOTIFY_WEBHOOK_HEADERS: '{"x-token":"1"}',
      }),
    ).toThrow(
      /WEBHOOK_HEADERS is set without FLOWTRAIL_NOTIFY_WEBHOOK_URL[\s\S]*EMAIL_FROM is set without[\s\S]*ROUTES is set without/,
    );
    expect(() =>
      parseNotifyConfig({
        FLOWTRAIL_NOTIFY_SMTP_URL: 'smtp://mail:25',
        FLOWTRAIL_NOTIFY_EMAIL_FROM: 'a@x.org',
      }),
    ).toThrow(/needs recipients/);
  });

  it('accepts bare and named addresses only', () => {
    expect(['a@x.org', 'Flowtrail <a@x.org>', 'ops@mailhost'].map(isEmailAddress)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['a', 'a@', 'a b@x.org', '<a@x.org', 'a@x.org,b@x.org'].map(isEmailAddress)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
