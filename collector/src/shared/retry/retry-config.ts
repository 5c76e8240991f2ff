/** Bounds of the retrier's backoff (read from the environment by main/config/config.ts). */
export interface RetryConfig {
  minMs: number;
  maxMs: number;
}
