/**
 * The Elasticsearch client every store of the collector uses: plain JSON (so 8.x and 9.x
 * servers both answer), no client-side retries (the Retrier's job), auth from config.
 */
import { Client } from '@elastic/elasticsearch';
import type { ElasticsearchConfig } from './elasticsearch-config.ts';

export const PLAIN_JSON_HEADERS = {
  accept: 'application/json',
  'content-type': 'application/json',
};

export function createElasticsearchClient(config: ElasticsearchConfig): Client {
  return new Client({
    node: config.url,
    requestTimeout: config.requestTimeoutMs,
    maxRetries: 0, // retries are the Retrier's job, with backoff and heartbeats
    // Plain JSON instead of the client's versioned media type, so the collector talks to
    // Elasticsearch 8.x servers as well as 9.x (the only features used exist in both).
    headers: PLAIN_JSON_HEADERS,
    ...(config.apiKey !== undefined ? { auth: { apiKey: config.apiKey } } : {}),
    ...(config.username !== undefined && config.password !== undefined
      ? { auth: { username: config.username, password: config.password } }
      : {}),
  });
}
