/**
 * The collector's live channel (`GET /api/live`, Server-Sent Events; docs/http-api.md),
 * opened from the dashboard's server for `app/api/live/route.ts`: the browser talks only
 * to the dashboard, and the API key (FLOWTRAIL_API_KEY) stays on this server, sent as a
 * header. Server-side only. Plain node:http rather than `fetch`: the collector's
 * connection is destroyed the moment the browser leaves (`signal`), not when a later
 * write happens to fail.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { config } from './config';

/** Headers of the stream the dashboard answers: uncached, never compressed or buffered. */
export const LIVE_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  // `no-transform`: Next's compression (and proxies) must not buffer the stream.
  'cache-control': 'no-cache, no-store, no-transform',
  'x-accel-buffering': 'no',
};

export type LiveUpstream =
  { ok: true; body: ReadableStream<Uint8Array> } | { ok: false; status: number; error: string };

function connect(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, signal }, resolve);
    req.once('error', reject);
    req.end();
  });
}

async function errorOf(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) {
    text += String(chunk);
    if (text.length > 10_000) break;
  }
  res.destroy();
  try {
    return (JSON.parse(text) as { error?: string }).error ?? `HTTP ${res.statusCode}`;
  } catch {
    return `HTTP ${res.statusCode}`;
  }
}

/**
 * Opens the collector's stream; `signal` (the browser's request) ends it. `lastEventId`
 * is passed on, so a reconnecting browser learns whether it missed a change.
 */
export async function openLiveUpstream(
  signal: AbortSignal,
  lastEventId?: string,
): Promise<LiveUpstream> {
  let res: IncomingMessage;
  try {
    res = await connect(
      new URL(`${config.apiUrl}/api/live`),
      {
        accept: 'text/event-stream',
        ...(config.apiKey === undefined ? {} : { authorization: `Bearer ${config.apiKey}` }),
        ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
      },
      signal,
    );
  } catch (err) {
    return { ok: false, status: 0, error: `collector not reachable: ${(err as Error).message}` };
  }
  const status = res.statusCode ?? 0;
  if (status !== 200 || !(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    return { ok: false, status, error: await errorOf(res).catch(() => `HTTP ${status}`) };
  }
  return { ok: true, body: Readable.toWeb(res) as ReadableStream<Uint8Array> };
}
