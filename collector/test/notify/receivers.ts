/**
 * Real receivers for the notifier tests: an HTTP server and an SMTP server (the
 * `smtp-server` library), both on port 0 of 127.0.0.1, recording what they receive.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Answers the n-th request with `statuses[n]` (then 200), or after `delayMs` when set.
 * Extra response headers (e.g. `retry-after`) go with every non-200 answer.
 */
export async function startHttpReceiver(
  statuses: number[] = [],
  options: { delayMs?: number; headers?: Record<string, string> } = {},
): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = statuses[requests.length] ?? 200;
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      setTimeout(() => {
        res.writeHead(status, status === 200 ? {} : (options.headers ?? {}));
        res.end(status === 200 ? 'ok' : `answer ${status}`);
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook?token=secret-token`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

export interface SmtpReceiver {
  port: number;
  url: string;
  mails: ReceivedMail[];
  /** Every DATA attempt, accepted or not. */
  attempts: number;
  close(): Promise<void>;
}

/**
 * An SMTP server without TLS that accepts any login. `rejectData[n]` (e.g. 451 or 554)
 * refuses the n-th message after reading it; later messages are accepted.
 */
export async function startSmtpReceiver(rejectData: number[] = []): Promise<SmtpReceiver> {
  const receiver: SmtpReceiver = {
    port: 0,
    url: '',
    mails: [],
    attempts: 0,
    close: async () => undefined,
  };
  const address = (a: SMTPServerAddress | false): string => (a === false ? '' : a.address);
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const code = rejectData[receiver.attempts++];
        if (code !== undefined) {
          const err = Object.assign(new Error(`refused with ${code} by the test`), {
            responseCode: code,
          });
          callback(err);
          return;
        }
        receiver.mails.push({
          from: address(session.envelope.mailFrom),
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.server.address() as AddressInfo).port;
  receiver.url = `smtp://flowtrail:pw@127.0.0.1:${receiver.port}`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}
