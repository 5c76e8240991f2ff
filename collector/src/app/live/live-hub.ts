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
 *
 * The hub knows streams only as `LiveStream`s; the HTTP adapter opens them over SSE
 * (adapters/http/sse-stream.ts), so the hub holds no HTTP types.
 */
import { UnavailableError } from '../errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { ChangePoller, readChanges, type ChangeSources } from './change-poller.ts';
import type { LiveFrame, LiveStream } from './live-stream.ts';
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
  stream: LiveStream;
  /** The watermark the client saw last (`Last-Event-ID`), when it reconnects. */
  lastSeen: Watermark | undefined;
  ready: boolean;
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

  /**
   * Takes one stream opened by a client (`lastEventId`: its `Last-Event-ID`, when it
   * reconnects); throws an `UnavailableError` when it cannot. Call `admit` first to
   * refuse before anything is written.
   */
  attach(stream: LiveStream, lastEventId: string | undefined): void {
    this.admit();
    stream.send({ kind: 'retry', ms: this.options.retryMs ?? 2000, comment: 'flowtrail live' });
    const client: Client = { stream, lastSeen: parseWatermarkId(lastEventId), ready: false };
    this.clients.add(client);
    stream.onClose(() => this.detach(client));
    this.options.logger.debug({ clients: this.clients.size }, 'live: client connected');
    if (this.clients.size === 1) this.startRunning();
    const current = this.poller.current;
    if (current !== undefined) this.sendReady(client, current);
  }

  /** Throws an `UnavailableError` when a new stream would be refused now. */
  admit(): void {
    if (this.closed) throw new UnavailableError('the server is shutting down', true);
    const maxClients = this.options.maxClients ?? 1000;
    if (this.clients.size >= maxClients) {
      throw new UnavailableError(`too many live streams (${maxClients})`, true);
    }
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
    for (const client of [...this.clients]) client.stream.end();
    this.clients.clear();
    await this.poller.stop();
  }

  private startRunning(): void {
    this.poller.start();
    const every = this.options.heartbeatMs ?? 15_000;
    this.heartbeat = setInterval(
      () => this.broadcast({ kind: 'comment', text: 'heartbeat' }),
      every,
    );
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
    const frame: LiveFrame = {
      kind: 'event',
      event: 'change',
      data: change,
      id: watermarkId(change),
    };
    const watermark = { events: change.events, alerts: change.alerts };
    for (const client of this.clients) {
      if (client.ready) this.send(client, frame);
      else this.sendReady(client, watermark);
    }
  }

  private sendReady(client: Client, watermark: Watermark): void {
    client.ready = true;
    this.send(client, {
      kind: 'event',
      event: 'ready',
      data: watermark,
      id: watermarkId(watermark),
    });
    const missed = missedChange(client.lastSeen, watermark);
    if (missed !== undefined) {
      this.send(client, { kind: 'event', event: 'change', data: missed, id: watermarkId(missed) });
    }
  }

  private broadcast(frame: LiveFrame): void {
    for (const client of this.clients) this.send(client, frame);
  }

  private send(client: Client, frame: LiveFrame): void {
    const { stream } = client;
    if (stream.ended) return;
    if (stream.bufferedBytes > MAX_BUFFERED_BYTES) {
      this.options.logger.debug('live: dropping a client that does not read its stream');
      stream.destroy();
      return;
    }
    stream.send(frame);
  }
}
