import { defineConfig } from 'vitest/config';

// The dashboard's browser test: real collector (`flowtrail up`), real `next build` +
// `next start`, Debian's chromium driven by playwright-core (scripts/install-chromium.sh).
// Run from the repository root:
//   npx vitest run --root . dashboard/e2e/dashboard.e2e.test.ts --config dashboard/e2e/vitest.e2e.config.ts
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['dashboard/e2e/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 120_000,
    // beforeAll builds the dashboard (next build) once: give it time on a small machine.
    hookTimeout: 600_000,
    poolOptions: { forks: { singleFork: true } },
  },
});
