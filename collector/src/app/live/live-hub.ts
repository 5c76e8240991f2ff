/**
 * `GET /api/live`: the push channel of the dashboard. Every client gets a Server-Sent
 * Events stream: `retry:` advice, then a `ready` event with the current watermark once
 * it is known, a `change` event (data: `LiveChange`, id: the watermark) whenever stored
 * instance states or alerts change, and a comment as heartbeat every `heartbeatMs`.
 *
 * One `ChangePoller` reads the stores for all clients, and only while there is at least
 * one; its changes fan out to every client. A client reconnecting with `Last-Event-ID`
 * from before a change gets a `change` without keys right after `ready`. A client that
 * goes away is dropped at once (and one that does not read its stream once its buffer is
 * full). `close` ends every stream (the server's shutdown is not held up by them) and
 * refuses new ones.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../../adapters/http/http-error.ts';
import type { Logger } from '../../shared/logger.ts';
import { ChangePoller, readChanges, type ChangeSources } from './change-poller.ts';
import {
  SSE_HEADERS,
  sseComment,
  sseEvent,
  sseRetry,
} from '../../adapters/http/live/sse-frames.ts';
import {
  DEFAULT_MAX_CHANGE_KEYS,
  missedChange,
  parseWatermarkId,
  watermarkId,
  type LiveChange,
  type Watermark,
} from './watermark.ts';

export interface LiveHubOptions {
  sources: ChangeSources;
  logger: Logger;
  /** How often the stores are read while a client listens (default 1000 ms). */
  pollIntervalMs?: number;
  /** Heartbeat comment interval (default 15 s). */
  heartbeatMs?: number;
  /** Reconnection delay advised to clients (default 2000 ms). */
  retryMs?: number;
  /** Most instance keys a change lists (default 100). */
  maxKeys?: number;
  /** More concurrent streams are refused with 503 (default 1000). */
  maxClients?: number;
}

export const DEFAULT_LIVE_POLL_MS = 1000;

/** Unsent bytes after which a client that does not read is dropped. */
const MAX_BUFFERED_BYTES = 256 * 1024;

interface Client {
  response: ServerResponse;
  /** The watermark the client saw last (`Last-Event-ID`), when it reconnects. */
  lastSeen: Watermark | undefined;
  ready: boolean;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly poller: ChangePoller;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: LiveHubOptions) {
    this.poller = new ChangePoller({
      sources: options.sources,
      intervalMs: options.pollIntervalMs ?? DEFAULT_LIVE_POLL_MS,
      maxKeys: options.maxKeys ?? DEFAULT_MAX_CHANGE_KEYS,
      onBaseline: (watermark) => this.onBaseline(watermark),
      onChange: (change) => this.onChange(change),
      onError: (err, consecutive) => {
        const log = { err, consecutive };
        if (consecutive === 1) options.logger.warn(log, 'live: reading the change feed failed');
        else options.logger.debug(log, 'live: reading the change feed failed again');
      },
    });
  }

  /** Streams currently open. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Whether the stores are being read (only while a client listens). */
  get isPolling(): boolean {
    return this.poller.isRunning;
  }

  /** Serves one `GET`/`HEAD /api/live`; throws an `HttpError` (503) when it cannot. */
  attach(request: IncomingMessage, response: ServerResponse): void {
    if (this.closed) throw new HttpError(503, 'the server is shutting down', true);
    const maxClients = this.options.maxClients ?? 1000;
    if (this.clients.size >= maxClients) {
      throw new HttpError(503, `too many live streams (${maxClients})`, true);
    }
    request.resume();
    response.writeHead(200, SSE_HEADERS);
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    request.socket.setNoDelay(true);
    response.write(sseRetry(this.options.retryMs ?? 2000, 'flowtrail live'));
    const client: Client = {
      response,
      lastSeen: parseWatermarkId(header(request.headers['last-event-id'])),
      ready: false,
    };
    this.clients.add(client);
    response.once('close', () => this.detach(client));
    this.options.logger.debug({ clients: this.clients.size }, 'live: client connected');
    if (this.clients.size === 1) this.startRunning();
    const current = this.poller.current;
    if (current !== undefined) this.sendReady(client, current);
  }

  /**
   * The stores' watermark, read now (`GET /api/live/watermark`). A page read after it
   * that opens the stream later compares it with the stream's `ready`, so a change made
   * between the page's reads and the stream's start is not missed.
   */
  async watermark(): Promise<Watermark> {
    const [instances, alerts] = await readChanges(this.options.sources, undefined, 0);
    return { events: instances.seq, alerts: alerts.seq };
  }

  /** An in-process write happened: read the stores soon rather than at the next interval. */
  nudge(): void {
    this.poller.nudge();
  }

  /** Ends every stream and refuses new ones. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopRunning();
    for (const client of [...this.clients]) client.response.end();
    this.clients.clear();
    await this.poller.stop();
  }

  private startRunning(): void {
    this.poller.start();
    const every = this.options.heartbeatMs ?? 15_000;
    this.heartbeat = setInterval(() => this.broadcast(sseComment('heartbeat')), every);
    this.heartbeat.unref?.();
  }

  private stopRunning(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    void this.poller.stop();
  }

  private detach(client: Client): void {
    if (!this.clients.delete(client)) return;
    this.options.logger.debug({ clients: this.clients.size }, 'live: client left');
    if (this.clients.size === 0) this.stopRunning();
  }

  private onBaseline(watermark: Watermark): void {
    for (const client of this.clients) if (!client.ready) this.sendReady(client, watermark);
  }

  private onChange(change: LiveChange): void {
    const frame = sseEvent('change', change, watermarkId(change));
    const watermark = { events: change.events, alerts: change.alerts };
    for (const client of this.clients) {
      if (client.ready) this.send(client, frame);
      else this.sendReady(client, watermark);
    }
  }

  private sendReady(client: Client, watermark: Watermark): void {
    client.ready = true;
    this.send(client, sseEvent('ready', watermark, watermarkId(watermark)));
    const missed = missedChange(client.lastSeen, watermark);
    if (missed !== undefined) this.send(client, sseEvent('change', missed, watermarkId(missed)));
  }

  private broadcast(frame: string): void {
    for (const client of this.clients) this.send(client, frame);
  }

  private send(client: Client, frame: string): void {
    const { response } = client;
    if (response.writableEnded || response.destroyed) return;
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      this.options.logger.debug('live: dropping a client that does not read its stream');
      response.destroy();
      return;
    }
    response.write(frame);
  }
}
