/**
 * The dead-letter sink contract against the embedded SQLite table (a temp data dir), read
 * back with the store's own `list` (what `flowtrail dlq list|replay` reads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDeadLetterStore } from '../../src/adapters/sqlite/sqlite-dead-letter-store.ts';
import { describeDeadLetterSinkContract, headerBytes } from './dead-letter-sink-contract.ts';

describeDeadLetterSinkContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-dlq-contract-'));
  const store = new SqliteDeadLetterStore({ dataDir: join(dir, 'data') });
  await store.prepare();
  return {
    sink: store,
    read: async (origin) => {
      const { letters } = await store.list({ size: 1_000_000 });
      return letters
        .filter((l) => l.message.topic === origin)
        .map(({ message, reason, errors }) => ({
          origin: { topic: message.topic, partition: message.partition, offset: message.offset },
          reason,
          errors,
          key: message.key,
          value: message.value,
          headers: headerBytes(message.headers),
        }));
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
