/** Names of Flowtrail's Elasticsearch indices, derived from the configured prefix. */

/** Daily events index of an event, from its `time` in UTC: `<prefix>-events-YYYY.MM.DD`. */
export function eventsIndexFor(prefix: string, time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`invalid event time ${JSON.stringify(time)}`);
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${prefix}-events-${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1)}.${pad(d.getUTCDate())}`;
}

/** Pattern matching every events index of the prefix. */
export function eventsIndexPattern(prefix: string): string {
  return `${prefix}-events-*`;
}

export function instancesIndex(prefix: string): string {
  return `${prefix}-instances`;
}

export function eventsTemplateName(prefix: string): string {
  return `${prefix}-events`;
}

export function instancesTemplateName(prefix: string): string {
  return `${prefix}-instances`;
}

/** One document per instance key: its ingest summary (es-summaries.ts). */
export function summariesIndex(prefix: string): string {
  return `${prefix}-summaries`;
}

/** One document per instance key: its whole analytics contribution (es-summaries.ts). */
export function contributionsIndex(prefix: string): string {
  return `${prefix}-contributions`;
}

/**
 * The pre-aggregated analytics: buckets, the compactor's checkpoint and journal, the
 * coverage status (es-analytics-compactor.ts, es-analytics.ts).
 */
export function analyticsIndex(prefix: string): string {
  return `${prefix}-analytics`;
}

/** One document per instance key: the contribution the buckets include (es-analytics-compactor.ts). */
export function includedIndex(prefix: string): string {
  return `${prefix}-analytics-included`;
}
