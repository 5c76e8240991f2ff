/**
 * A node:http client for the hostile-input tests: any method, any `Host`/`Origin`, any
 * body bytes, a body sent slowly or declared larger than sent — what `fetch` refuses to do.
 */
import { request, type OutgoingHttpHeaders } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
  /** Write the body in pieces with this pause between them (a slow client). */
  trickleMs?: number;
  /** Send only the headers (and declared length), never the body. */
  headersOnly?: boolean;
  timeoutMs?: number;
}

export function raw(base: string, req: RawRequest): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        method: req.method ?? 'GET',
        path: req.path,
        headers: { connection: 'close', ...req.headers },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    outgoing.setTimeout(req.timeoutMs ?? 10_000, () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', reject);
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    if (req.headersOnly === true) {
      outgoing.flushHeaders();
      return;
    }
    if (body === undefined) {
      outgoing.end();
      return;
    }
    if (req.trickleMs === undefined) {
      outgoing.end(body);
      return;
    }
    let at = 0;
    const step = (): void => {
      if (outgoing.destroyed) return;
      if (at >= body.length) return void outgoing.end();
      outgoing.write(body.subarray(at, at + 1));
      at += 1;
      setTimeout(step, req.trickleMs).unref();
    };
    step();
  });
}
