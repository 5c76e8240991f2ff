import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `integration` needs the real Kafka and
// Elasticsearch that `npx flowtrail infra up` starts (scripts/test-all.sh does that).
export default defineConfig({
  test: {
    projects: [
      {
        // The dashboard's modules import each other as `@/lib/…` (dashboard/tsconfig.json
        // `paths`); its unit tests (dashboard/test) resolve them the same way.
        resolve: {
          alias: [
            { find: /^@\//, replacement: fileURLToPath(new URL('dashboard/', import.meta.url)) },
          ],
        },
        test: {
          name: 'unit',
          // Some unit tests read real event logs (8,577 events) or start `flowtrail up`;
          // generous, so a loaded 2-core machine does not turn them into timeouts.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          include: [
            'sdk/test/**/*.test.ts',
            'collector/test/**/*.test.ts',
            'dashboard/test/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/*.fault.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/test/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One file at a time: the integration suites share two real servers on 2 cores.
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        // Fault tests stop and restart real servers (test/helpers/server-faults.ts): a
        // PRIVATE pair (the `infra` instance `faults`, Kafka :19092, Elasticsearch :19200)
        // that the globalSetup brings up, never the shared one; one file at a time.
        test: {
          name: 'faults',
          include: ['**/test/**/*.fault.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['collector/test/helpers/fault-infra-setup.ts'],
          setupFiles: ['collector/test/helpers/fault-infra-env.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
