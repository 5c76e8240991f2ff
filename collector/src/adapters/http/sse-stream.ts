/**
 * `GET`/`HEAD /api/live` over HTTP: opens a Server-Sent Events response for the live hub
 * (app/live/live-hub.ts) and writes the hub's frames in SSE framing (sse-frames.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveHub } from '../../app/live/live-hub.ts';
import type { LiveFrame, LiveStream } from '../../app/live/live-stream.ts';
import { SSE_HEADERS, sseComment, sseEvent, sseRetry } from './sse-frames.ts';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function encode(frame: LiveFrame): string {
  switch (frame.kind) {
    case 'event':
      return sseEvent(frame.event, frame.data, frame.id);
    case 'comment':
      return sseComment(frame.text);
    case 'retry':
      return sseRetry(frame.ms, frame.comment);
  }
}

class SseStream implements LiveStream {
  constructor(private readonly response: ServerResponse) {}

  get bufferedBytes(): number {
    return this.response.writableLength;
  }

  get ended(): boolean {
    return this.response.writableEnded || this.response.destroyed;
  }

  send(frame: LiveFrame): void {
    this.response.write(encode(frame));
  }

  end(): void {
    this.response.end();
  }

  destroy(): void {
    this.response.destroy();
  }

  onClose(listener: () => void): void {
    this.response.once('close', listener);
  }
}

/** Serves one live request; throws the hub's `UnavailableError` before writing anything. */
export function serveLive(hub: LiveHub, request: IncomingMessage, response: ServerResponse): void {
  hub.admit();
  request.resume();
  response.writeHead(200, SSE_HEADERS);
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  request.socket.setNoDelay(true);
  hub.attach(new SseStream(response), header(request.headers['last-event-id']));
}
