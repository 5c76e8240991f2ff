/**
 * A script whose last work is `await ft.shutdown()` while the SDK backs off between
 * retries must not be ended by Node ("unsettled top-level await", exit code 13): while
 * someone awaits flush/shutdown, the SDK's timers keep the process alive.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const sdkEntry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

it('awaiting shutdown during a retry backoff keeps the process alive until it settles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ft-sdk-'));
  const script = join(dir, 'main.mts');
  writeFileSync(
    script,
    `import { createFlowtrail, HttpTransport } from ${JSON.stringify(sdkEntry)};
const ft = createFlowtrail({
  source: 'x',
  transport: new HttpTransport({ url: 'http://127.0.0.1:1' }), // nothing listens there
  maxRetries: 2,
  initialBackoffMs: 300,
  random: () => 0.99,
  onError: () => {},
});
ft.process('p').start();
await ft.shutdown();
console.log(JSON.stringify(ft.stats()));
`,
  );
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout.trim())).toMatchObject({ emitted: 1, failed: 1, pending: 0 });
});
