import { defineConfig } from 'vitest/config';

// The dashboard's browser tests: `flowtrail up` (embedded collector + the dashboard it
// builds with `next build` when its sources changed, then `next start`), Debian's chromium
// driven by playwright-core (scripts/install-chromium.sh). Run from the repository root:
//   npx vitest run --root . --config dashboard/e2e/vitest.e2e.config.ts
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['dashboard/e2e/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 120_000,
    // The first beforeAll may build the dashboard (next build): time on a small machine.
    hookTimeout: 600_000,
    poolOptions: { forks: { singleFork: true } },
  },
});
