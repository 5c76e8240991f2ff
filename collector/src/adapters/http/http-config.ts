/** What the HTTP API is configured with (read from the environment by main/config/config.ts). */
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
}
