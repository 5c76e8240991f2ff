import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createFlowtrail,
  DEFAULT_SPOOL_MAX_BYTES,
  MemoryTransport,
  parseSdkEnv,
  sdkOptionsFromEnv,
} from '../../src/index.ts';
import type { SpoolOptions } from '../../src/index.ts';
import { resolveOptions } from '../../src/options.ts';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const base = { source: 'billing', transport: new MemoryTransport() };

describe('spool options', () => {
  it('defaults maxBytes and fsync, and resolves the directory', () => {
    expect(resolveOptions({ ...base, spool: { directory: 'var/spool' } }).spool).toEqual({
      directory: resolve('var/spool'),
      maxBytes: DEFAULT_SPOOL_MAX_BYTES,
      fsync: true,
    });
    expect(resolveOptions(base).spool).toBeUndefined();
  });

  it('lists every problem of a bad spool option at once, with the other options’ problems', () => {
    const problems = problemsOf(() =>
      createFlowtrail({
        ...base,
        maxRetries: -1,
        spool: {
          directory: '',
          maxBytes: 1000,
          fsync: 'yes',
          maxbytes: 5,
        } as unknown as SpoolOptions,
      }),
    );
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/maxRetries/);
    expect(problems.join('\n')).toMatch(/spool\.directory/);
    expect(problems.join('\n')).toMatch(/spool\.maxBytes: must be an integer >= 65536.*got 1000/);
    expect(problems.join('\n')).toMatch(/spool\.fsync/);
    expect(problems.join('\n')).toMatch(/spool\.maxbytes: unknown option/);
    expect(problemsOf(() => createFlowtrail({ ...base, spool: '/tmp/x' as never }))).toEqual([
      'spool: must be an object { directory, maxBytes?, fsync? }',
    ]);
    expect(
      problemsOf(() =>
        createFlowtrail({ ...base, spool: { directory: 'x', maxBytes: 1.5e6 + 0.5 } }),
      ),
    ).toHaveLength(1);
  });

  it('a client with a spool starts and shuts down cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-spool-opt-'));
    try {
      const ft = createFlowtrail({ ...base, spool: { directory: join(dir, 'nested', 'spool') } });
      ft.process('p').start();
      await ft.shutdown();
      expect(ft.stats()).toMatchObject({ sent: 1, spooled: 0, spoolErrors: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('spool from the environment', () => {
  it('FLOWTRAIL_SPOOL_DIR turns it on, FLOWTRAIL_SPOOL_MAX_BYTES bounds it', async () => {
    expect(parseSdkEnv({ FLOWTRAIL_SOURCE: 'billing' }).spool).toBeUndefined();
    expect(
      parseSdkEnv({
        FLOWTRAIL_SOURCE: 'billing',
        FLOWTRAIL_SPOOL_DIR: '/var/lib/billing/flowtrail',
        FLOWTRAIL_SPOOL_MAX_BYTES: '1048576',
      }).spool,
    ).toEqual({ directory: '/var/lib/billing/flowtrail', maxBytes: 1_048_576 });
    const options = sdkOptionsFromEnv({ FLOWTRAIL_SOURCE: 'billing', FLOWTRAIL_SPOOL_DIR: '/s' });
    expect(options.spool).toEqual({ directory: '/s', maxBytes: DEFAULT_SPOOL_MAX_BYTES });
    await options.transport.close();
  });

  it('rejects a bad bound, or a bound without a directory', () => {
    expect(
      problemsOf(() =>
        parseSdkEnv({
          FLOWTRAIL_SOURCE: 'b',
          FLOWTRAIL_SPOOL_DIR: '/s',
          FLOWTRAIL_SPOOL_MAX_BYTES: '10k',
        }),
      ),
    ).toEqual(['FLOWTRAIL_SPOOL_MAX_BYTES: "10k" is not a byte count >= 65536']);
    expect(
      problemsOf(() => parseSdkEnv({ FLOWTRAIL_SOURCE: 'b', FLOWTRAIL_SPOOL_MAX_BYTES: '100000' })),
    ).toEqual(['FLOWTRAIL_SPOOL_MAX_BYTES: set FLOWTRAIL_SPOOL_DIR too (the spool is off)']);
  });
});
