/** What the HTTP API is configured with (read from the environment by main/config/config.ts). */

/** Larger request bodies are refused with 413 (`FLOWTRAIL_MAX_BODY_BYTES`). */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The limits and browser-safety settings of the API (docs/security.md): read once by
 * `readHttpConfig`; `startApiServer` falls back to `DEFAULT_HTTP_GUARD` for any not given.
 */
export interface HttpGuardConfig {
  /** A batch (`POST /api/events`, a JSON array) with more events is refused with 413. */
  maxEventsPerRequest: number;
  /** The request line and headers must arrive within this (`server.headersTimeout`). */
  headersTimeoutMs: number;
  /** The body must arrive within this of the request's start, else 408 and the connection is cut. */
  bodyTimeoutMs: number;
  /** Open connections (live streams included) beyond this are refused (`server.maxConnections`). */
  maxConnections: number;
  /** Origins (`scheme://host[:port]`) besides the API's own that may send POST/PUT/DELETE. */
  allowedOrigins: readonly string[];
  /**
   * Host names (`name` or `name:port`) a request's `Host` may carry besides the loopback
   * ones a loopback-bound API always accepts; when set, checked on any binding.
   */
  allowedHosts: readonly string[];
}

/** The dashboard of `flowtrail up` (its default port, 3000) is the one browser client. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = [
  'http://127.0.0.1:3000',
  'http://localhost:3000',
];

export const DEFAULT_HTTP_GUARD: HttpGuardConfig = {
  maxEventsPerRequest: 10_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  maxConnections: 1024,
  allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
  allowedHosts: [],
};

/** The HTTP API (CloudEvents ingest + queries), in Kafka mode and in embedded mode. */
export interface HttpConfig {
  /** Kafka mode only: serve the API next to the consumer (embedded mode always does). */
  enabled: boolean;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** When set, `/api/*` (except `/api/health`) needs `authorization: Bearer <key>` or `x-api-key`. */
  apiKey?: string;
  /** Larger request bodies are refused with 413 before they are parsed. */
  maxBodyBytes: number;
  /** How often the live channel (`GET /api/live`) reads the change feed while a client listens. */
  livePollMs: number;
  /** Limits and browser safety (FLOWTRAIL_HTTP_MAX_EVENTS_PER_REQUEST, …_TIMEOUT_MS, …). */
  guard: HttpGuardConfig;
}
