/**
 * Embedded (SQLite) adapter of the definition store port: the `definitions` table of
 * `<dataDir>/flowtrail.db` (definition-store-schema.ts). A put reads and inserts inside
 * one IMMEDIATE transaction (the write lock is taken first), so of two connections
 * putting one version exactly one inserts it; a delete is one statement. Every read is
 * read-your-writes.
 */
import { SqliteComponent } from './sqlite-component.ts';
import type { DefinitionDocument } from '../../domain/definitions/definition-schema.ts';
import {
  DefinitionConflictError,
  documentContent,
} from '../../domain/definitions/definition-document.ts';
import type {
  DefinitionStore,
  PutDefinitionResult,
  StoredDefinition,
} from '../../ports/definition-store.ts';
import {
  DEFINITION_STORE_COMPONENT,
  DEFINITION_STORE_DDL,
  DEFINITION_STORE_SCHEMA_VERSION,
} from './definition-store-schema.ts';
import { type SqliteOptions } from './sqlite-database.ts';

interface Row {
  process: string;
  version: number;
  definition: string;
  stored_at: string;
}

function toStored(row: Row): StoredDefinition {
  return {
    process: row.process,
    version: row.version,
    definition: JSON.parse(row.definition) as DefinitionDocument,
    storedAt: row.stored_at,
  };
}

export class SqliteDefinitionStore extends SqliteComponent implements DefinitionStore {
  constructor(options: SqliteOptions) {
    super(options, {
      component: DEFINITION_STORE_COMPONENT,
      version: DEFINITION_STORE_SCHEMA_VERSION,
      ddl: DEFINITION_STORE_DDL,
    });
  }

  async putDefinition(
    document: DefinitionDocument,
    storedAt: Date = new Date(),
  ): Promise<PutDefinitionResult> {
    const content = documentContent(document);
    const result = this.run('put definition', (db) =>
      db
        .transaction((): PutDefinitionResult | 'conflict' => {
          const row = db
            .prepare('SELECT * FROM definitions WHERE process = ? AND version = ?')
            .get(document.process, document.version) as Row | undefined;
          if (row !== undefined) {
            return row.definition === content
              ? { created: false, stored: toStored(row) }
              : 'conflict';
          }
          const fresh: Row = {
            process: document.process,
            version: document.version,
            definition: content,
            stored_at: storedAt.toISOString(),
          };
          db.prepare(
            'INSERT INTO definitions (process, version, definition, stored_at) VALUES (@process, @version, @definition, @stored_at)',
          ).run(fresh);
          return { created: true, stored: toStored(fresh) };
        })
        .immediate(),
    );
    if (result === 'conflict') {
      throw new DefinitionConflictError(document.process, document.version, 'stored definition');
    }
    return result;
  }

  async listDefinitions(): Promise<StoredDefinition[]> {
    const rows = this.run('list definitions', (db) =>
      db.prepare('SELECT * FROM definitions ORDER BY process, version').all(),
    ) as Row[];
    return rows.map(toStored);
  }

  async deleteDefinitions(process: string, version?: number): Promise<number> {
    return this.run('delete definitions', (db) =>
      version === undefined
        ? db.prepare('DELETE FROM definitions WHERE process = ?').run(process).changes
        : db
            .prepare('DELETE FROM definitions WHERE process = ? AND version = ?')
            .run(process, version).changes,
    );
  }
}
