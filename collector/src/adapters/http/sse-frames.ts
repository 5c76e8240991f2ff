/**
 * Server-Sent Events framing (the `text/event-stream` format of the HTML standard), pure.
 * A frame ends with a blank line; a `data:` line must not contain a line break (JSON
 * from `JSON.stringify` never does); a line starting with `:` is a comment, which clients
 * ignore — used as the heartbeat that keeps proxies from closing an idle stream.
 */

/** Response headers of an event stream (no caching, no proxy buffering). */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
  // The stream ends only with the server or the client; never reuse its connection, so
  // ending the stream also closes the socket (a closing server is not held up by it).
  connection: 'close',
};

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** An event named `event` with JSON `data` and, optionally, an id. */
export function sseEvent(event: string, data: unknown, id?: string): string {
  const idLine = id === undefined ? '' : `id: ${oneLine(id)}\n`;
  return `event: ${oneLine(event)}\n${idLine}data: ${JSON.stringify(data)}\n\n`;
}

/** A comment frame (ignored by clients; a heartbeat). */
export function sseComment(text: string): string {
  return `: ${oneLine(text)}\n\n`;
}

/** The reconnection delay advice, with a comment so the frame is complete. */
export function sseRetry(ms: number, comment: string): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n: ${oneLine(comment)}\n\n`;
}
