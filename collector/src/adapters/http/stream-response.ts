/**
 * Streams a document of unknown length (chunked transfer encoding) with backpressure.
 * The first chunk is pulled before the status line is written, so a store that is down
 * at the start still gets a JSON error answer (503); a failure after that can only cut
 * the connection, which the client sees as an incomplete body. A client that goes away
 * stops the source (its iterator is returned).
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StreamReply {
  status: number;
  headers: Record<string, string>;
  chunks: AsyncIterable<string>;
}

async function* prepend(
  first: string,
  rest: AsyncIterator<string>,
): AsyncGenerator<string, void, undefined> {
  try {
    yield first;
    for (;;) {
      const next = await rest.next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}

export async function sendStream(
  response: ServerResponse,
  reply: StreamReply,
  head = false,
): Promise<void> {
  const iterator = reply.chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  response.writeHead(reply.status, { 'cache-control': 'no-store', ...reply.headers });
  if (head || first.done === true) {
    await iterator.return?.();
    response.end();
    return;
  }
  await pipeline(Readable.from(prepend(first.value, iterator)), response);
}
