/** Process definitions: schema, parsing, registry (docs/definitions.md). */
export * from './definition-error.ts';
export * from './definition-schema.ts';
export * from './duration.ts';
export * from './load-definitions.ts';
export * from './parse-definition.ts';
export * from '../../adapters/files/read-definition-dir.ts';
export * from './registry.ts';
export * from './definition-document.ts';
