/**
 * A small Server-Sent Events client for the live-channel tests (node:http, so it can send
 * `Last-Event-ID` and see the end of the stream): it collects every frame and lets a test
 * wait — by polling with a timeout, never by sleeping — for the one it expects.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { waitFor } from '../helpers/wait-for.ts';

export interface SseFrame {
  event?: string;
  id?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

export interface LiveChangeData {
  events: number;
  alerts: number;
  instances: string[];
  truncated: boolean;
}

/** The fields of one frame (the text between two blank lines). */
export function parseFrame(block: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      frame.comment = line.slice(1).trim();
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event' || field === 'id') frame[field] = value;
    else if (field === 'data')
      frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    else if (field === 'retry') frame.retry = Number(value);
  }
  return frame;
}

export class SseClient {
  readonly frames: SseFrame[] = [];
  /** Resolves when the server ends the stream (or the connection breaks). */
  readonly ended: Promise<void>;
  private response: IncomingMessage | undefined;
  private buffer = '';
  private done = false;

  private constructor(
    readonly status: number,
    readonly headers: IncomingMessage['headers'],
    response: IncomingMessage,
  ) {
    this.response = response;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.take(chunk));
    this.ended = new Promise((resolve) => {
      response.once('close', () => {
        this.done = true;
        resolve();
      });
    });
  }

  /** Opens `url` (GET unless told otherwise) and resolves once the status line is in. */
  static open(
    url: string,
    headers: Record<string, string> = {},
    method = 'GET',
  ): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, {
        method,
        headers: { accept: 'text/event-stream', ...headers },
      });
      req.once('response', (res) => resolve(new SseClient(res.statusCode ?? 0, res.headers, res)));
      req.once('error', reject);
      req.end();
    });
  }

  get isEnded(): boolean {
    return this.done;
  }

  /** Frames of events named `event`, their data parsed as JSON. */
  events<T = unknown>(event: string): { id?: string; data: T }[] {
    return this.frames
      .filter((f) => f.event === event && f.data !== undefined)
      .map((f) => ({
        ...(f.id === undefined ? {} : { id: f.id }),
        data: JSON.parse(f.data!) as T,
      }));
  }

  /** The first `event` frame (after `from` frames of that name) whose data satisfies `test`. */
  async next<T = LiveChangeData>(
    event: string,
    test: (data: T) => boolean = () => true,
    description = event,
    from = 0,
  ): Promise<{ id?: string; data: T }> {
    return waitFor(
      () =>
        this.events<T>(event)
          .slice(from)
          .find((frame) => test(frame.data)),
      { timeoutMs: 30_000, intervalMs: 20, description },
    );
  }

  /** Leaves: closes the connection from the client's side. */
  close(): void {
    this.response?.destroy();
    this.response = undefined;
  }

  private take(chunk: string): void {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      if (block !== '') this.frames.push(parseFrame(block));
    }
  }
}
