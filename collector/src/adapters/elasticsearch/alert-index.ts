/**
 * The alerts index `<prefix>-alerts` (with the default prefix: `flowtrail-alerts`), one
 * document per alert. Created with its mappings by `ElasticsearchAlertStore.prepare`
 * rather than through an index template: one small index, deleted with the rest of the
 * prefix's indices. Minimal-distribution features only (no scripts, pipelines, ILM).
 */
import { createHash } from 'node:crypto';
import type { estypes } from '@elastic/elasticsearch';

export function alertsIndex(prefix: string): string {
  return `${prefix}-alerts`;
}

/** Elasticsearch ids are at most 512 bytes; longer alert ids are stored under a hash. */
export const MAX_DOCUMENT_ID_BYTES = 512;

export function alertDocumentId(alertId: string): string {
  if (Buffer.byteLength(alertId, 'utf8') <= MAX_DOCUMENT_ID_BYTES) return alertId;
  return `sha256-${createHash('sha256').update(alertId, 'utf8').digest('hex')}`;
}

const date: estypes.MappingProperty = {
  type: 'date',
  format: 'strict_date_optional_time||epoch_millis',
  ignore_malformed: true,
};
const keyword: estypes.MappingProperty = { type: 'keyword' };

/** Unknown fields stay in `_source` but are not indexed (`dynamic: false`). */
export const alertMappings: estypes.MappingTypeMapping = {
  dynamic: false,
  date_detection: false,
  properties: {
    id: keyword,
    kind: keyword,
    status: keyword,
    source: keyword,
    process: keyword,
    instance: keyword,
    step: keyword,
    owner: keyword,
    group: keyword,
    relatedKeys: keyword,
    acknowledgedBy: keyword,
    silencedBy: keyword,
    summary: { type: 'text' },
    version: { type: 'long' },
    since: date,
    firstSeenAt: date,
    lastSeenAt: date,
    resolvedAt: date,
    acknowledgedAt: date,
    silencedUntil: date,
    details: { type: 'object', enabled: false },
    history: { type: 'object', enabled: false },
  },
};

export function alertIndexSettings(replicas: number): estypes.IndicesIndexSettings {
  return { number_of_shards: 1, number_of_replicas: replicas };
}
