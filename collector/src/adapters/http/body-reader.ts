/**
 * Reads a request body up to a limit, and cuts one that arrives too slowly
 * (`cutSlowBody`). A declared `Content-Length` over the limit is
 * refused at once, unread (the handler then closes the connection); a chunked body over
 * the limit is drained (so the client can read the 413 instead of seeing its upload cut
 * off) and then refused; a client that keeps sending far beyond it is disconnected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-error.ts';

/** Beyond this many bytes past the limit a request is not drained any more but cut off. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `request body is larger than the limit of ${limit} bytes`);
}

export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else if (size > limit + MAX_DRAIN_BYTES) {
      request.destroy();
      break;
    }
  }
  if (size > limit) throw tooLarge(limit);
  return Buffer.concat(chunks, size);
}

/**
 * A body still arriving `timeoutMs` after the request started is cut: 408 (retriable —
 * a client on a slow link may try again), then the connection closes. `request.complete`
 * is true once the whole request is in, read or not, so a GET or an SSE stream is never cut.
 */
export function cutSlowBody(
  request: IncomingMessage,
  response: ServerResponse,
  timeoutMs: number,
  fail: (err: unknown, headers?: Record<string, string>) => void,
): void {
  const timer = setTimeout(() => {
    if (request.complete) return;
    fail(new HttpError(408, `request body not received within ${timeoutMs} ms`, true), {
      connection: 'close',
    });
    response.once('finish', () => request.destroy());
    if (response.writableFinished) request.destroy();
  }, timeoutMs);
  timer.unref();
  response.once('close', () => clearTimeout(timer));
}
