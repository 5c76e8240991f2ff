/**
 * The notifier contract against `EmailNotifier` and a real SMTP server (`smtp-server`,
 * via `../notify/receivers.ts`) that accepts, answers 451 (transient), 554 (permanent),
 * or is not listening. A mail is read as its recipient would read its plain-text part:
 * the summary line, the `Kind:`, `Status:` and `Instance:` rows and the closing
 * `Alert <id>, <transition> at <time>.` line.
 */
import { EmailNotifier } from '../../src/adapters/notify/email-notifier.ts';
import { startSmtpReceiver, type ReceivedMail } from '../notify/receivers.ts';
import {
  describeNotifierContract,
  type DeliveredFacts,
  type ReceiverBehaviour,
} from './notifier-contract.ts';

/** Splits a MIME entity at its first empty line: unfolded headers by name, and the body. */
function entity(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n(?=[ \t])/g, '')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1));
  }
  return { headers, body: raw.slice(split + 4) };
}

/** Quoted-printable to text: soft line breaks removed, every `=XX` byte decoded as UTF-8. */
function decodeQuotedPrintable(text: string): string {
  const ascii = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < ascii.length; i++) {
    const hex = ascii.slice(i + 1, i + 3);
    if (ascii[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(ascii.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The decoded `text/plain` part of a (possibly multipart) message. */
function plainText(raw: string): string {
  const top = entity(raw);
  const boundary = /boundary="?([^";]+)"?/i.exec(top.headers.get('content-type') ?? '')?.[1];
  const parts = boundary === undefined ? [raw] : top.body.split(`--${boundary}`).slice(1, -1);
  for (const part of parts) {
    const { headers, body } = entity(part.replace(/^\r\n/, ''));
    if (!/text\/plain/i.test(headers.get('content-type') ?? '')) continue;
    const encoding = (headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
    if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
    if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
    return body;
  }
  throw new Error('no text/plain part');
}

function decodeMail(mail: ReceivedMail): Partial<DeliveredFacts> {
  const text = plainText(mail.raw).replace(/\r\n/g, '\n');
  const row = (label: string): string | undefined =>
    new RegExp(`^${label}: *(.*)$`, 'm').exec(text)?.[1];
  const closing = /^Alert (.*), (\S+) at \S+\.$/m.exec(text);
  return {
    ...(closing?.[1] === undefined ? {} : { alertId: closing[1] }),
    kind: row('Kind'),
    status: row('Status'),
    transition: closing?.[2],
    instance: row('Instance'),
    summary: text.split('\n')[0],
  };
}

const REPLIES: Record<ReceiverBehaviour, number[]> = {
  accept: [],
  transient: [451, 451, 451],
  permanent: [554, 554, 554],
  unreachable: [],
};

describeNotifierContract('email', async () => ({
  async open(behaviour) {
    const smtp = await startSmtpReceiver(REPLIES[behaviour]);
    if (behaviour === 'unreachable') await smtp.close();
    const notifier = new EmailNotifier({
      smtpUrl: smtp.url,
      from: 'Flowtrail <alerts@flowtrail.test>',
      to: ['oncall@flowtrail.test'],
      routes: {},
      timeoutMs: 5_000,
    });
    const code = REPLIES[behaviour][0];
    return {
      notifier,
      delivered: async () => smtp.mails.map(decodeMail),
      ...(code === undefined ? {} : { failureDetails: { smtpCode: code } }),
      close: async () => {
        notifier.close();
        if (behaviour !== 'unreachable') await smtp.close();
      },
    };
  },
}));
