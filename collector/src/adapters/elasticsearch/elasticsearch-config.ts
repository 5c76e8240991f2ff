/** What the Elasticsearch adapter is configured with (read from the environment by main/config/config.ts). */
export interface ElasticsearchConfig {
  url: string;
  username?: string;
  password?: string;
  apiKey?: string;
  indexPrefix: string;
  replicas: number;
  requestTimeoutMs: number;
}
