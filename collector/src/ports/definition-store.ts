/**
 * The definition storage port: process definitions put through the HTTP API, so that
 * every collector sharing the storage applies them. Versioned and immutable: a
 * (process, version) is written once; putting the same content again is a no-op, other
 * content under a stored version is refused (`DefinitionConflictError`, HTTP 409).
 * A version can be deleted (`DELETE /api/definitions/:process[/:version]`), which is
 * the only way to change what a stored version says.
 * Elasticsearch (`elasticsearch/es-definition-store.ts`, index `<prefix>-definitions`)
 * and the embedded SQLite store (`sqlite/sqlite-definition-store.ts`, table
 * `definitions`) implement it; collector/test/storage/definition-contract.ts runs
 * against both.
 */
import type { DefinitionDocument } from '../domain/definitions/definition-schema.ts';
import type { StorageLifecycle } from './event-store.ts';

export interface StoredDefinition {
  process: string;
  version: number;
  /** The document as `definitionDocument` gives it (durations as text). */
  definition: DefinitionDocument;
  /** When this version was first stored (ISO time). */
  storedAt: string;
}

export interface PutDefinitionResult {
  /** False when the same content was stored already (nothing written). */
  created: boolean;
  /** As stored (for an unchanged put: the earlier write, with its `storedAt`). */
  stored: StoredDefinition;
}

export interface DefinitionStore extends StorageLifecycle {
  /**
   * Stores one version. Same content as the stored version → `created: false`; other
   * content → throws `DefinitionConflictError`. Of concurrent puts of one version (two
   * collectors), exactly one creates it. `document.process` / `version` are the key.
   */
  putDefinition(document: DefinitionDocument, storedAt?: Date): Promise<PutDefinitionResult>;
  /** Every stored version of every process, by process then version; read-your-writes. */
  listDefinitions(): Promise<StoredDefinition[]>;
  /**
   * Removes one stored version of `process`, or every stored version when `version` is
   * omitted; returns how many were removed (0: none stored). The next `listDefinitions`
   * of any connection no longer lists them.
   */
  deleteDefinitions(process: string, version?: number): Promise<number>;
}

export function byProcessAndVersion(a: StoredDefinition, b: StoredDefinition): number {
  if (a.process !== b.process) return a.process < b.process ? -1 : 1;
  return a.version - b.version;
}
