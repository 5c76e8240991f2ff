/**
 * What `prepare` of the Elasticsearch event store creates, idempotently: the index
 * templates (events, instances, summaries, analytics), the fixed indices, and the
 * analytics' coverage status (es-analytics.ts). Failures are `StorageError`s.
 */
import type { Client } from '@elastic/elasticsearch';
import { toStorageError } from './es-errors.ts';
import { analyticsTemplates, prepareAnalytics } from './es-analytics.ts';
import { summariesTemplate } from './es-summaries.ts';
import { instancesIndex, summariesIndex } from './index-names.ts';
import { eventsTemplate, instancesTemplate } from './templates.ts';

export async function prepareIndices(
  client: Client,
  prefix: string,
  replicas: number,
): Promise<void> {
  const templates = [
    eventsTemplate(prefix, replicas),
    instancesTemplate(prefix, replicas),
    summariesTemplate(prefix, replicas),
    ...analyticsTemplates(prefix, replicas),
  ];
  try {
    for (const template of templates) await client.indices.putIndexTemplate(template);
  } catch (err) {
    throw toStorageError('put index templates', err);
  }
  for (const index of [instancesIndex(prefix), summariesIndex(prefix)]) {
    try {
      await client.indices.create({ index });
    } catch (err) {
      const type = (err as { body?: { error?: { type?: string } } }).body?.error?.type;
      if (type !== 'resource_already_exists_exception')
        throw toStorageError(`create index ${index}`, err);
    }
  }
  // After the instances index: a new store (no state yet) starts with complete analytics.
  await prepareAnalytics(client, prefix);
}
