/**
 * `flowtrail query` as a child process (the CLI wiring): usage, bad arguments and bad
 * environment exit before anything connects, so no server is needed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function flowtrail(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['collector/bin/flowtrail.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('flowtrail query (CLI)', () => {
  it('prints its usage with --help and exits 0', async () => {
    const run = await flowtrail(['query', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: flowtrail query \[--port P\]/);
    expect(run.stdout).toContain('query-only node');
    expect(run.stderr).toBe('');
  });

  it('is listed by flowtrail --help', async () => {
    const run = await flowtrail(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}query +run a query node/m);
  });

  it('exits 2 on a bad environment, listing every problem', async () => {
    const run = await flowtrail(['query'], {
      ELASTICSEARCH_URL: 'ftp://nowhere',
      FLOWTRAIL_HTTP_PORT: 'eighty',
      LOG_LEVEL: 'loud',
      KAFKA_BROKERS: 'not a broker', // not read by a query node
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('invalid query node configuration:');
    for (const name of ['ELASTICSEARCH_URL', 'FLOWTRAIL_HTTP_PORT', 'LOG_LEVEL']) {
      expect(run.stderr).toContain(name);
    }
    expect(run.stderr).not.toContain('KAFKA_BROKERS');
    expect(run.stdout).toBe('');
  });

  it('exits 2 on a bad argument, with the usage', async () => {
    const run = await flowtrail(['query', '--port', 'x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--port: expected 0..65535, got "x"');
    expect(run.stderr).toContain('usage: flowtrail query');
  });
});
