/**
 * Reads a request body up to a limit. A body over the limit is drained (so the client
 * can read the 413 instead of seeing its upload cut off) and then refused; a client that
 * keeps sending far beyond it is disconnected.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

/** Beyond this many bytes past the limit a request is not drained any more but cut off. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
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
  if (size > limit) {
    throw new HttpError(413, `request body is larger than the limit of ${limit} bytes`);
  }
  return Buffer.concat(chunks, size);
}
