import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  escapeSlack,
  formatDuration,
  headline,
  waitingMs,
} from '../../src/adapters/notify/format-common.ts';
import {
  emailContent,
  emailRecipients,
  emailSubject,
} from '../../src/adapters/notify/format-email.ts';
import { kafkaAlertRecord } from '../../src/adapters/kafka/notify/format-kafka.ts';
import { slackBody, slackLink } from '../../src/adapters/notify/format-slack.ts';
import { NOTIFICATION_SCHEMA_VERSION, webhookBody } from '../../src/ports/notifier.ts';
import { sampleNotification } from './sample-notification.ts';

const hostile = sampleNotification({
  instance: '<!channel> & <b>x</b>',
  owner: 'team "ops" & \'friends\'',
  summary: 'Waiting for <script>alert(1)</script> & more',
});

describe('common text', () => {
  it('builds the headline from transition, kind, process, instance, step and owner', () => {
    expect(headline(sampleNotification())).toBe(
      'FIRING stuck: payment p-981 step capture (team-payments)',
    );
    expect(
      headline(sampleNotification({ transition: 'resolved', step: undefined, owner: undefined })),
    ).toBe('RESOLVED stuck: payment p-981');
    expect(headline(sampleNotification({ instance: 'a\r\nBcc: evil@x.org' }))).toBe(
      'FIRING stuck: payment a Bcc: evil@x.org step capture (team-payments)',
    );
  });

  it('formats durations and derives the waiting time', () => {
    expect([45_000, 750_000, 7_500_000, 273_600_000].map(formatDuration)).toEqual([
      '45s',
      '12m 30s',
      '2h 05m',
      '3d 4h',
    ]);
    expect(waitingMs(sampleNotification())).toBe(7_500_000);
    expect(waitingMs(sampleNotification({ waitingMs: 42 }))).toBe(42);
    expect(waitingMs(sampleNotification({ since: 'not a time' }))).toBeUndefined();
  });

  it('escapes HTML and Slack control characters', () => {
    expect(escapeHtml(`<a href="x">&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;',
    );
    expect(escapeSlack('<!here> & <@U1>')).toBe('&lt;!here&gt; &amp; &lt;@U1&gt;');
  });
});

describe('webhook body', () => {
  it('is the notification plus the schema version, without absent fields', () => {
    const body = webhookBody(sampleNotification({ waitingMs: 7_500_000 }));
    expect(body).toEqual({
      schemaVersion: NOTIFICATION_SCHEMA_VERSION,
      ...sampleNotification(),
      waitingMs: 7_500_000,
    });
    const bare = webhookBody(sampleNotification({ step: undefined, timelineUrl: undefined }));
    expect(Object.keys(bare)).not.toContain('step');
    expect(JSON.parse(JSON.stringify(bare))).toEqual(bare);
  });
});

describe('Slack body', () => {
  it('has a fallback text, a header, the fields and the timeline link', () => {
    expect(slackBody(sampleNotification())).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "emoji": true,
              "text": "FIRING stuck: payment p-981 step capture (team-payments)",
              "type": "plain_text",
            },
            "type": "header",
          },
          {
            "text": {
              "text": "Step capture has waited 2h 05m past its 10m deadline.",
              "type": "mrkdwn",
            },
            "type": "section",
          },
          {
            "fields": [
              {
                "text": "*Kind*
      stuck",
                "type": "mrkdwn",
              },
              {
                "text": "*Status*
      firing",
                "type": "mrkdwn",
              },
              {
                "text": "*Process*
      payment",
                "type": "mrkdwn",
              },
              {
                "text": "*Instance*
      p-981",
                "type": "mrkdwn",
              },
              {
                "text": "*Step*
      capture",
                "type": "mrkdwn",
              },
              {
                "text": "*Owner*
      team-payments",
                "type": "mrkdwn",
              },
              {
                "text": "*Waiting*
      2h 05m",
                "type": "mrkdwn",
              },
            ],
            "type": "section",
          },
          {
            "text": {
              "text": "<http://127.0.0.1:3000/instances/payments%2Fpayment%2Fp-981|Open the timeline>",
              "type": "mrkdwn",
            },
            "type": "section",
          },
          {
            "elements": [
              {
                "text": "Flowtrail alert stuck/payments%2Fpayment%2Fp-981/step:capture · 2024-07-01T12:05:00.000Z",
                "type": "mrkdwn",
              },
            ],
            "type": "context",
          },
        ],
        "text": "FIRING stuck: payment p-981 step capture (team-payments): Step capture has waited 2h 05m past its 10m deadline. (<http://127.0.0.1:3000/instances/payments%2Fpayment%2Fp-981|timeline>)",
      }
    `);
  });

  it('leaves out the step and the link when absent', () => {
    const body = slackBody(sampleNotification({ step: undefined, timelineUrl: undefined }));
    const json = JSON.stringify(body);
    expect(json).not.toContain('*Step*');
    expect(json).not.toContain('timeline');
  });

  it('escapes &, < and > in every mrkdwn text, so nothing pings or links', () => {
    const body = slackBody(hostile);
    const mrkdwn = [body.text, ...mrkdwnTexts(body.blocks)].join('\n');
    expect(mrkdwn).toContain('&lt;!channel&gt; &amp; &lt;b&gt;x&lt;/b&gt;');
    expect(mrkdwn).toContain('&lt;script&gt;');
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).not.toContain('<script>');
    // The header is plain_text: Slack shows it verbatim, no escaping needed.
    expect(body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
  });

  it('keeps a link URL from breaking out of <url|label>', () => {
    expect(slackLink('https://x.org/a?b=1&c=2|<x>', 'Open')).toBe(
      '<https://x.org/a?b=1&amp;c=2%7C%3Cx%3E|Open>',
    );
  });
});

/** Every `{ type: 'mrkdwn', text }` anywhere in the blocks. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'mrkdwn' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnTexts)];
}

describe('e-mail', () => {
  it('has the subject, a plain-text body and an HTML body', () => {
    const n = sampleNotification();
    expect(emailSubject(n)).toBe(
      '[Flowtrail] FIRING stuck: payment p-981 step capture (team-payments)',
    );
    const { text, html } = emailContent(n);
    expect(text).toMatchInlineSnapshot(`
      "Step capture has waited 2h 05m past its 10m deadline.

      Kind:     stuck
      Status:   firing
      Process:  payment
      Instance: p-981
      System:   payments
      Step:     capture
      Owner:    team-payments
      Waiting:  2h 05m
      Since:    2024-07-01T10:00:00.000Z

      Timeline: http://127.0.0.1:3000/instances/payments%2Fpayment%2Fp-981

      Alert stuck/payments%2Fpayment%2Fp-981/step:capture, fired at 2024-07-01T12:05:00.000Z.
      "
    `);
    expect(html).toContain('<a href="http://127.0.0.1:3000/instances/payments%2Fpayment%2Fp-981">');
    expect(html).toContain('<tr><th align="left">Waiting</th><td>2h 05m</td></tr>');
  });

  it('escapes every value in the HTML body and keeps no javascript: link', () => {
    const { html, text } = emailContent(
      sampleNotification({ ...hostile, timelineUrl: 'javascript:alert(1)' }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<!channel>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).toContain('team &quot;ops&quot; &amp; &#39;friends&#39;');
    expect(html).not.toContain('href="javascript');
    expect(text).toContain('Waiting for <script>alert(1)</script> & more'); // plain text is verbatim
  });

  it('routes to the owner, else to the default recipients', () => {
    const routing = { routes: { 'team-payments': 'pay@x.org' }, to: ['ops@x.org', 'all@x.org'] };
    expect(emailRecipients('team-payments', routing)).toEqual(['pay@x.org']);
    expect(emailRecipients('team-unknown', routing)).toEqual(['ops@x.org', 'all@x.org']);
    expect(emailRecipients(undefined, routing)).toEqual(['ops@x.org', 'all@x.org']);
    expect(emailRecipients('constructor', { routes: {}, to: [] })).toEqual([]);
  });
});

describe('Kafka record', () => {
  it('is keyed by alert id, carries kind and status headers and the webhook body', () => {
    const n = sampleNotification();
    const record = kafkaAlertRecord(n);
    expect(record.key).toBe(n.alertId);
    expect(JSON.parse(record.value)).toEqual(webhookBody(n));
    expect(record.headers).toEqual({
      'flowtrail-alert-kind': 'stuck',
      'flowtrail-alert-status': 'firing',
      'flowtrail-alert-transition': 'fired',
      'content-type': 'application/json',
    });
  });
});
