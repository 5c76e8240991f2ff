/** The e-mail sender against a real local SMTP server (the `smtp-server` library). */
import { afterEach, describe, expect, it } from 'vitest';
import { EmailNotifier } from '../../src/adapters/notify/email-notifier.ts';
import { NotifyCounters } from '../../src/adapters/notify/notify-counters.ts';
import { RetryingNotifier } from '../../src/adapters/notify/retrying-notifier.ts';
import { startSmtpReceiver, type SmtpReceiver } from './receivers.ts';
import { sampleNotification } from './sample-notification.ts';

let smtp: SmtpReceiver | undefined;
let notifier: EmailNotifier | undefined;

afterEach(async () => {
  notifier?.close();
  await smtp?.close();
  notifier = undefined;
  smtp = undefined;
});

function emailNotifier(receiver: SmtpReceiver): EmailNotifier {
  notifier = new EmailNotifier({
    smtpUrl: receiver.url,
    from: 'Flowtrail <alerts@flowtrail.test>',
    to: ['oncall@flowtrail.test'],
    routes: { 'team-payments': 'pay@flowtrail.test' },
    timeoutMs: 5000,
  });
  return notifier;
}

/**
 * A minimal RFC 5322 reading of a raw message: unfolded headers by lower-case name, and
 * the body with quoted-printable soft line breaks and `=3D` undone (enough for ASCII text).
 */
function parseMail(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n(?=[ \t])/g, '')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = raw
    .slice(split + 4)
    .replace(/=\r\n/g, '')
    .replace(/=3D/g, '=');
  return { headers, body };
}

describe('EmailNotifier', () => {
  it('sends subject, plain text and HTML to the owner, authenticated', async () => {
    smtp = await startSmtpReceiver();
    await emailNotifier(smtp).send(sampleNotification());

    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail?.user).toBe('flowtrail');
    expect(mail?.from).toBe('alerts@flowtrail.test');
    expect(mail?.to).toEqual(['pay@flowtrail.test']);
    const { headers, body } = parseMail(mail?.raw ?? '');
    expect(headers.get('subject')).toBe(
      '[Flowtrail] FIRING stuck: payment p-981 step capture (team-payments)',
    );
    expect(headers.get('to')).toBe('pay@flowtrail.test');
    expect(headers.get('from')).toBe('Flowtrail <alerts@flowtrail.test>');
    expect(headers.get('x-flowtrail-alert-id')).toBe(
      'stuck/payments%2Fpayment%2Fp-981/step:capture',
    );
    expect(headers.get('content-type')).toMatch(/^multipart\/alternative;/);
    expect(body).toContain('Content-Type: text/plain; charset=utf-8');
    expect(body).toContain('Content-Type: text/html; charset=utf-8');
    expect(body).toContain('Step capture has waited 2h 05m past its 10m deadline.');
    expect(body).toContain('Waiting:  2h 05m');
    expect(body).toContain('<a href="http://127.0.0.1:3000/instances/payments%2Fpayment%2Fp-981">');
  });

  it('sends to the default recipient when the owner has no route', async () => {
    smtp = await startSmtpReceiver();
    await emailNotifier(smtp).send(sampleNotification({ owner: 'team-shipping' }));
    expect(smtp.mails[0]?.to).toEqual(['oncall@flowtrail.test']);
    expect(parseMail(smtp.mails[0]?.raw ?? '').headers.get('subject')).toBe(
      '[Flowtrail] FIRING stuck: payment p-981 step capture (team-shipping)',
    );
  });

  it('retries a transient 451 and delivers the message once', async () => {
    smtp = await startSmtpReceiver([451]);
    const counters = new NotifyCounters();
    const retrying = new RetryingNotifier(emailNotifier(smtp), {
      policy: { maxAttempts: 3, minMs: 5, maxMs: 20 },
      counters,
    });
    await retrying.send(sampleNotification());
    expect(smtp.attempts).toBe(2);
    expect(smtp.mails).toHaveLength(1);
    expect(counters.snapshot().email?.retries).toBe(1);
  });

  it('does not retry a permanent 554', async () => {
    smtp = await startSmtpReceiver([554]);
    const retrying = new RetryingNotifier(emailNotifier(smtp), {
      policy: { maxAttempts: 3, minMs: 5, maxMs: 20 },
    });
    await expect(retrying.send(sampleNotification())).rejects.toMatchObject({
      channel: 'email',
      retriable: false,
      details: { smtpCode: 554 },
    });
    expect(smtp.attempts).toBe(1);
    expect(smtp.mails).toHaveLength(0);
  });

  it('treats an unreachable server as retriable', async () => {
    smtp = await startSmtpReceiver();
    const sender = emailNotifier(smtp);
    await smtp.close();
    smtp = undefined;
    await expect(sender.send(sampleNotification())).rejects.toMatchObject({ retriable: true });
  });

  it('refuses, without retry, an owner with no route when there is no default', async () => {
    smtp = await startSmtpReceiver();
    notifier = new EmailNotifier({
      smtpUrl: smtp.url,
      from: 'a@flowtrail.test',
      to: [],
      routes: {},
    });
    await expect(notifier.send(sampleNotification())).rejects.toMatchObject({
      retriable: false,
      message: expect.stringContaining('no recipient for owner "team-payments"'),
    });
    expect(smtp.attempts).toBe(0);
  });
});
