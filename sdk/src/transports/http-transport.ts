/**
 * Sends batches to the collector's CloudEvents HTTP ingest: `POST {url}/api/events`, the
 * body a JSON array of structured-mode events (`application/cloudevents-batch+json`),
 * optionally with `authorization: Bearer <apiKey>`. Uses the global `fetch` (Node ≥ 20)
 * with a per-request timeout.
 *
 * The collector answers `202 {accepted, rejected: [{index, id?, reason, errors}]}`.
 * Classification of failures (the SDK's delivery queue retries retriable ones):
 * - network errors, timeouts, `408`, `429` and `5xx` → retriable `TransportError`;
 * - any other non-2xx (`400`, `401`, `403`, `413`…) → non-retriable `TransportError`;
 * - a 2xx with rejections is a success for the batch: the rejected events will never be
 *   accepted as they are, so they are reported through `onRejected`, not retried.
 */
import { ConfigError, TransportError } from '../errors.ts';
import { BATCH_CONTENT_TYPE } from '../protocol/codec.ts';
import type { FlowtrailEvent } from '../protocol/schema.ts';
import type { Transport } from '../transport.ts';

export const DEFAULT_COLLECTOR_URL = 'http://127.0.0.1:4100';
export const EVENTS_PATH = '/api/events';

/** One event the collector refused (e.g. `schema-violation`), by its index in the batch. */
export interface HttpRejection {
  index: number;
  id?: string;
  reason: string;
  errors: string[];
}

export interface HttpTransportOptions {
  /** Base URL of the collector (a path prefix is kept). Default `http://127.0.0.1:4100`. */
  url?: string;
  /** Sent as `authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Abort one request after this long (a retriable failure). Default 10000. */
  timeoutMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Receives the events the collector accepted the request for but rejected one by one. */
  onRejected?: (rejections: HttpRejection[], batch: FlowtrailEvent[]) => void;
  /** The fetch implementation. Default the global `fetch`. */
  fetch?: typeof fetch;
}

export class HttpTransport implements Transport {
  /** The full ingest endpoint, e.g. `http://127.0.0.1:4100/api/events`. */
  readonly endpoint: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly onRejected: HttpTransportOptions['onRejected'];
  private readonly fetchFn: typeof fetch;
  private closed = false;

  constructor(options: HttpTransportOptions = {}) {
    const problems: string[] = [];
    let base: URL | undefined;
    try {
      base = new URL(options.url ?? DEFAULT_COLLECTOR_URL);
      if (base.protocol !== 'http:' && base.protocol !== 'https:') {
        problems.push(`HttpTransport: url must be http(s), got ${base.protocol}`);
      }
    } catch {
      problems.push(`HttpTransport: url "${options.url}" is not a valid URL`);
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      problems.push(`HttpTransport: timeoutMs must be a positive integer, got ${timeoutMs}`);
    }
    if (options.apiKey !== undefined && !/^[\x21-\x7e]+$/.test(options.apiKey)) {
      problems.push('HttpTransport: apiKey must be non-empty printable ASCII without spaces');
    }
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== 'function') problems.push('HttpTransport: no fetch available');
    if (problems.length > 0 || base === undefined) throw new ConfigError(problems);

    this.endpoint = `${base.origin}${base.pathname.replace(/\/+$/, '')}${EVENTS_PATH}`;
    this.headers = {
      ...options.headers,
      'content-type': BATCH_CONTENT_TYPE,
      accept: 'application/json',
    };
    if (options.apiKey !== undefined) this.headers.authorization = `Bearer ${options.apiKey}`;
    this.timeoutMs = timeoutMs;
    this.onRejected = options.onRejected;
    this.fetchFn = fetchFn;
  }

  async send(events: FlowtrailEvent[]): Promise<void> {
    if (this.closed) throw new TransportError('HttpTransport is closed', { retriable: false });
    if (events.length === 0) return;
    let response: Response;
    let body: string;
    try {
      response = await this.fetchFn(this.endpoint, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = await response.text(); // always drain, so the connection can be reused
    } catch (err) {
      throw new TransportError(`POST ${this.endpoint} failed: ${describe(err, this.timeoutMs)}`, {
        retriable: true,
        cause: err,
      });
    }
    if (!response.ok) {
      const status = response.status;
      const retriable = status >= 500 || status === 429 || status === 408;
      const detail = body.trim().slice(0, 300);
      throw new TransportError(
        `POST ${this.endpoint} answered ${status} ${response.statusText}${detail ? `: ${detail}` : ''}`,
        { retriable },
      );
    }
    const rejections = parseRejections(body);
    if (rejections.length > 0 && this.onRejected !== undefined) {
      try {
        this.onRejected(rejections, events);
      } catch {
        // the callback's own failure must not turn an accepted batch into a retry
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? `${message} (${cause.code})` : message;
}

/** The `rejected` list of a 2xx answer; tolerant of an empty or non-JSON body. */
function parseRejections(body: string): HttpRejection[] {
  let parsed: unknown;
  try {
    parsed = body.trim() === '' ? undefined : JSON.parse(body);
  } catch {
    return [];
  }
  const rejected = (parsed as { rejected?: unknown } | undefined)?.rejected;
  if (!Array.isArray(rejected)) return [];
  return rejected.flatMap((r: unknown): HttpRejection[] => {
    if (typeof r !== 'object' || r === null) return [];
    const { index, id, reason, errors } = r as Record<string, unknown>;
    if (typeof index !== 'number') return [];
    const rejection: HttpRejection = {
      index,
      reason: typeof reason === 'string' ? reason : 'unknown',
      errors: Array.isArray(errors) ? errors.map(String) : [],
    };
    if (typeof id === 'string') rejection.id = id;
    return [rejection];
  });
}
