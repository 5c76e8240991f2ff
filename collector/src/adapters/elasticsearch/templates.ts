/**
 * Index templates. Only features of a minimal Elasticsearch distribution: composable
 * index templates, dynamic templates, copy_to. No scripts, ingest pipelines, data
 * streams or ILM.
 */
import type { estypes } from '@elastic/elasticsearch';
import { eventsIndexPattern, instancesIndex } from './index-names.ts';

const keyword = (copyToText: boolean): estypes.MappingProperty =>
  copyToText
    ? { type: 'keyword', ignore_above: 1024, copy_to: ['text'] }
    : { type: 'keyword', ignore_above: 1024 };

/** Event document = the CloudEvent as received + `instanceKey` + `idScheme`. */
export function eventsTemplate(
  prefix: string,
  replicas: number,
): estypes.IndicesPutIndexTemplateRequest {
  const searchable = [
    'id',
    'source',
    'type',
    'subject',
    'ftprocess',
    'ftinstance',
    'ftstep',
    'ftowner',
    'ftcausation',
  ];
  const plain = [
    'specversion',
    'datacontenttype',
    'dataschema',
    'traceparent',
    'tracestate',
    'instanceKey',
    // What the document id is derived from (es-event-document.ts); absent on documents
    // of the old scheme, which is how the id migration finds them.
    'idScheme',
  ];
  const properties: Record<string, estypes.MappingProperty> = {
    time: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
    // Free text over every string of the event (copy_to targets); not stored in _source.
    text: { type: 'text' },
    data: { type: 'object', dynamic: true },
  };
  for (const name of searchable) properties[name] = keyword(true);
  for (const name of plain) properties[name] = keyword(false);
  return {
    name: `${prefix}-events`,
    index_patterns: [eventsIndexPattern(prefix)],
    priority: 200,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: replicas },
      mappings: {
        date_detection: false,
        numeric_detection: false,
        dynamic_templates: [
          {
            data_strings: {
              path_match: 'data.*',
              match_mapping_type: 'string',
              mapping: keyword(true),
            },
          },
          { other_strings: { match_mapping_type: 'string', mapping: keyword(false) } },
        ],
        properties,
      },
    },
    _meta: {
      managed_by: 'flowtrail-collector',
      description:
        'Flowtrail events, one index per UTC day; one document per (source, id), id = base64url SHA-256 of the pair',
    },
  };
}

/** Instance state document = `InstanceState` as folded by core. */
export function instancesTemplate(
  prefix: string,
  replicas: number,
): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: `${prefix}-instances`,
    index_patterns: [instancesIndex(prefix)],
    priority: 200,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: replicas },
      mappings: {
        date_detection: false,
        dynamic_templates: [
          {
            times: {
              match_pattern: 'regex',
              match: '^(.*At|deadline|.*Deadline|since)$',
              match_mapping_type: 'string',
              mapping: {
                type: 'date',
                format: 'strict_date_optional_time||epoch_millis',
                ignore_malformed: true,
              },
            },
          },
          { strings: { match_mapping_type: 'string', mapping: keyword(false) } },
        ],
        properties: {
          key: { type: 'keyword' },
          source: { type: 'keyword' },
          process: { type: 'keyword' },
          instance: { type: 'keyword' },
          status: { type: 'keyword' },
          eventCount: { type: 'long' },
          searchText: { type: 'text' },
          // Business-key names and custom event types are user data (may contain dots).
          businessKeys: { type: 'object', dynamic: true },
          custom: { type: 'object', enabled: false },
          durationMs: { type: 'long' },
          // Detection (es-detection-queries.ts): `childrenOf` filters on the parent link.
          parent: {
            properties: {
              source: { type: 'keyword' },
              process: { type: 'keyword' },
              instance: { type: 'keyword' },
              expectationId: keyword(false),
            },
          },
          // Dates (as instants). `nextDeadline` is what `overdueInstances` ranges and sorts
          // on, `lastEventAt` what `instancesChangedSince` ranges on.
          ...Object.fromEntries(
            ['firstEventAt', 'lastEventAt', 'startedAt', 'endedAt', 'nextDeadline'].map((name) => [
              name,
              {
                type: 'date',
                format: 'strict_date_optional_time||epoch_millis',
                ignore_malformed: true,
              },
            ]),
          ),
        },
      },
    },
    _meta: {
      managed_by: 'flowtrail-collector',
      description: 'Flowtrail instance states (dossiers)',
    },
  };
}
